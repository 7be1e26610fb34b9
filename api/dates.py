"""Dates against today, at the HTTP edge (domain/dates.py holds the rule). A test server's
clock may run ahead of the wall's, so the app's clock can be given (`app.state.clock`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from fastapi import Request
from pydantic import BaseModel

from api.problems import Problem
from domain import dates
from domain.calendar import london_date

Clock = Callable[[], Awaitable[datetime]]


async def wall_clock() -> datetime:
    return datetime.now(UTC)


async def today(request: Request) -> date:
    clock: Clock = getattr(request.app.state, "clock", wall_clock)
    return london_date(await clock())


def check_dates(model: BaseModel, on: date) -> None:
    """422, naming the field (domain/dates.py)."""
    try:
        dates.check_dates(model, on)
    except dates.DateOutOfRange as out:
        raise Problem(422, str(out), errors=[{"field": out.field, "message": out.rule}]) from None
