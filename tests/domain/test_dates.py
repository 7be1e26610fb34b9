"""Dates against today (domain/dates.py; design.md, "Rules of the house"), pure: what the
API, the client and a case's validators all apply."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel

from domain.dates import DateOutOfRange, check_dates, dates_in

TODAY = date(2026, 12, 1)


class Inner(BaseModel):
    received_on: date | None = None


class Outer(BaseModel):
    decided_on: date
    new_deadline: date | None = None
    items: list[Inner] = []
    inner: Inner = Inner()


def test_every_date_is_found_with_its_path() -> None:
    model = Outer(decided_on=TODAY, new_deadline=TODAY,
                  items=[Inner(received_on=TODAY), Inner(), Inner(received_on=TODAY)],
                  inner=Inner(received_on=TODAY))  # fmt: skip
    assert dates_in(model) == [
        ("decided_on", "decided_on", TODAY),
        ("new_deadline", "new_deadline", TODAY),
        ("items.0.received_on", "received_on", TODAY),
        ("items.2.received_on", "received_on", TODAY),
        ("inner.received_on", "received_on", TODAY),
    ]


def test_a_decision_or_a_receipt_is_never_in_the_future() -> None:
    check_dates(Outer(decided_on=TODAY), TODAY)
    with pytest.raises(DateOutOfRange) as out:
        check_dates(Outer(decided_on=date(2026, 12, 2)), TODAY)
    assert str(out.value) == "decided_on: 2026-12-02 is in the future (today is 2026-12-01)"
    assert (out.value.field, out.value.rule) == ("decided_on", "never in the future")
    with pytest.raises(DateOutOfRange, match=r"^items.0.received_on: 2026-12-02 is in the future"):
        check_dates(Outer(decided_on=TODAY, items=[Inner(received_on=date(2026, 12, 2))]), TODAY)


def test_no_date_is_more_than_a_year_ahead() -> None:
    check_dates(Outer(decided_on=TODAY, new_deadline=date(2027, 12, 2)), TODAY)  # 366 days
    with pytest.raises(DateOutOfRange) as out:
        check_dates(Outer(decided_on=TODAY, new_deadline=date(2027, 12, 3)), TODAY)
    assert str(out.value) == "new_deadline: 2027-12-03 is more than a year from today (2026-12-01)"
    assert (out.value.field, out.value.rule) == ("new_deadline", "at most a year ahead")
