"""Dates against today (design.md, "Rules of the house"): a decision date, a `received_on`
and the day a complaint was raised are never in the future, and no date is more than a
year ahead. The contract's models hold the fixed range (domain/bounds.py); today is the
caller's to give, so the same rule holds at the HTTP edge (the server's today), in the
client and the CLI (the Temporal server's today, and a simulated case's own), and in a
case's validators (the case's clock)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from domain.authority import Refused

NEVER_AHEAD = frozenset({"decided_on", "received_on", "raised_on"})
HORIZON = timedelta(days=366)


class DateOutOfRange(Refused):
    """A date the rules cannot take today: `field` names it, `rule` says the bound."""

    def __init__(self, text: str, field: str, rule: str) -> None:
        super().__init__(text)
        self.field = field
        self.rule = rule


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
    """DateOutOfRange, naming the field, for a date in the future where only the past makes
    sense, or more than a year ahead."""
    for path, name, value in dates_in(model):
        if name in NEVER_AHEAD and value > on:
            raise DateOutOfRange(
                f"{path}: {value.isoformat()} is in the future (today is {on.isoformat()})",
                path,
                "never in the future",
            )
        if value > on + HORIZON:
            raise DateOutOfRange(
                f"{path}: {value.isoformat()} is more than a year from today ({on.isoformat()})",
                path,
                "at most a year ahead",
            )
