"""Calendar arithmetic on dates in Europe/London (design.md, "Time").

Deadlines in the guidance are dates ("within one month of the decision", para 32), so
they are computed on London dates and turned into instants only at the edge: a date's
deadline runs to the end of that day in London, whatever the clocks are doing.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, model_validator

LONDON = ZoneInfo("Europe/London")

Unit = Literal["days", "weeks", "months", "working_days"]
_UNITS: dict[str, Unit] = {"d": "days", "w": "weeks", "m": "months", "wd": "working_days"}
_PERIOD = re.compile(r"^\s*(\d+)\s*(wd|d|w|m)\s*$")


def london_date(at: datetime) -> date:
    """The date in London at an instant."""
    return at.astimezone(LONDON).date()


def london_time(on: date, hour: int = 0, minute: int = 0) -> datetime:
    """The instant (UTC) at a wall-clock time on a London date, honouring BST."""
    return datetime.combine(on, time(hour, minute), LONDON).astimezone(UTC)


def end_of_day(on: date) -> datetime:
    """The instant a date-only deadline passes: midnight at the end of that London day."""
    return london_time(on + timedelta(days=1))


def add_months(on: date, months: int) -> date:
    """Calendar months, clamped to the month's end: 31 Jan + 1 month is 28/29 Feb."""
    return on + relativedelta(months=months)


def bank_holidays_from_package(years: range) -> list[date]:
    """England and Wales bank holidays as the installed `holidays` package has them.

    Read by the worker (an activity), never inside a workflow: a case keeps the list it
    was opened with, so upgrading the package never moves a running case's dates."""
    return sorted(holidays.country_holidays("GB", subdiv="ENG", years=years).keys())


# Only for cases opened before a case kept its own list (their policy carries none) and
# for code outside workflows. Computed when this module loads, outside the sandbox.
BANK_HOLIDAYS: frozenset[date] = frozenset(bank_holidays_from_package(range(2015, 2061)))


class WorkingCalendar:
    """Working days: Monday to Friday except the bank holidays this calendar was given."""

    def __init__(self, bank_holidays: frozenset[date] | None = None) -> None:
        self.bank_holidays = BANK_HOLIDAYS if bank_holidays is None else bank_holidays

    def is_working_day(self, on: date) -> bool:
        return on.weekday() < 5 and on not in self.bank_holidays

    def add_working_days(self, on: date, days: int) -> date:
        """The date `days` working days after `on` (negative: before)."""
        # With days == 0 the loop never runs, so which way `step` points is immaterial.
        step = timedelta(days=1 if days >= 0 else -1)  # pragma: no mutate
        current, remaining = on, abs(days)
        while remaining > 0:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working-day steps take `start` to `end` or past it (0 when not later)."""
        days, day = 0, start
        while day < end:
            day = self.add_working_days(day, 1)
            days += 1
        return days


PACKAGE_CALENDAR = WorkingCalendar()


def is_working_day(on: date) -> bool:
    return PACKAGE_CALENDAR.is_working_day(on)


def add_working_days(on: date, days: int) -> date:
    """The date `days` working days after `on` (weekends and bank holidays skipped)."""
    return PACKAGE_CALENDAR.add_working_days(on, days)


class Period(BaseModel):
    """A configured duration: calendar days, weeks, calendar months or working days.

    Written in configuration as ``14d``, ``2w``, ``1m`` or ``10wd``.
    """

    amount: int
    unit: Unit = "days"

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            match = _PERIOD.match(value)
            if not match:
                raise ValueError(
                    f"{value!r} is not a period: write e.g. 14d (days), 2w (weeks), "
                    "1m (calendar months) or 10wd (working days)"
                )
            return {"amount": int(match.group(1)), "unit": _UNITS[match.group(2)]}
        if isinstance(value, int):
            return {"amount": value, "unit": "days"}
        return value

    def after(self, on: date, calendar: WorkingCalendar = PACKAGE_CALENDAR) -> date:
        """The date this period after `on`; working days counted on `calendar`."""
        return self._shift(on, self.amount, calendar)

    def before(self, on: date, calendar: WorkingCalendar = PACKAGE_CALENDAR) -> date:
        return self._shift(on, -self.amount, calendar)

    def _shift(self, on: date, amount: int, calendar: WorkingCalendar) -> date:
        if self.unit == "months":
            return add_months(on, amount)
        if self.unit == "weeks":
            return on + timedelta(weeks=amount)
        if self.unit == "working_days":
            return calendar.add_working_days(on, amount)
        return on + timedelta(days=amount)

    def __str__(self) -> str:
        short = {v: k for k, v in _UNITS.items()}
        return f"{self.amount}{short[self.unit]}"


def parse_when(value: str, start: datetime) -> datetime:
    """A scenario's `at`: an offset from start (+5d, +36h, +90m, +2w) or an ISO time."""
    text = value.strip()
    if text.startswith("+"):
        match = re.fullmatch(r"\+(\d+(?:\.\d+)?)(s|m|h|d|w)", text)
        if not match:
            raise ValueError(f"offset {value!r}: write +5d, +36h, +90m, +30s or +2w")
        amount = float(match.group(1))
        unit = match.group(2)
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
        return start + timedelta(seconds=amount * seconds)
    parsed = datetime.fromisoformat(text)  # Python 3.11 reads a trailing Z as UTC
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
