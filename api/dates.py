"""Dates against today, at the HTTP edge (design.md, "Rules of the house"): a decision date,
a `received_on` and the day a complaint was raised are never in the future, and no date is
more than a year ahead. The contract's models hold the fixed range (domain/bounds.py); only
the edge knows today, and a test server's clock may run ahead of the wall's, so the app's
clock can be given (`app.state.clock`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Request
from pydantic import BaseModel

from api.problems import Problem
from domain.calendar import london_date

NEVER_AHEAD = frozenset({"decided_on", "received_on", "raised_on"})
HORIZON = timedelta(days=366)
Clock = Callable[[], Awaitable[datetime]]


async def wall_clock() -> datetime:
    return datetime.now(UTC)


async def today(request: Request) -> date:
    clock: Clock = getattr(request.app.state, "clock", wall_clock)
    return london_date(await clock())


def dates_in(value: Any, path: str = "") -> list[tuple[str, str, date]]:
    """Every date in a validated model: (dotted path, field name, date)."""
    found: list[tuple[str, str, date]] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += _field(getattr(value, name), f"{path}{name}", name)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += dates_in(item, f"{path}{n}.")
    return found


def _field(value: Any, path: str, name: str) -> list[tuple[str, str, date]]:
    if isinstance(value, date) and not isinstance(value, datetime):
        return [(path, name, value)]
    if isinstance(value, BaseModel | list):
        return dates_in(value, f"{path}.")
    return []


def check_dates(model: BaseModel, on: date) -> None:
    """422, naming the field, for a date in the future where only the past makes sense, or
    more than a year ahead."""
    for path, name, value in dates_in(model):
        if name in NEVER_AHEAD and value > on:
            raise Problem(
                422,
                f"{path}: {value.isoformat()} is in the future (today is {on.isoformat()})",
                errors=[{"field": path, "message": "never in the future"}],
            )
        if value > on + HORIZON:
            raise Problem(
                422,
                f"{path}: {value.isoformat()} is more than a year from today ({on.isoformat()})",
                errors=[{"field": path, "message": "at most a year ahead"}],
            )
