"""Properties of the calendar every deadline rests on (design.md, "Time"), checked over
many dates with hypothesis: month-ends and 29 February, the clocks changing, Christmas
and Easter, and that no rule ever gives the complainant less time."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    PACKAGE_CALENDAR,
    Period,
    add_months,
    add_working_days,
    end_of_day,
    is_working_day,
    london_date,
    london_time,
)
from domain.grounds import Timing, deadline_given, grounds_timing, reminder_date

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
units = st.sampled_from(["days", "weeks", "months", "working_days"])
periods = st.builds(Period, amount=st.integers(min_value=0, max_value=40), unit=units)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(dates, st.integers(min_value=1, max_value=60))
def test_a_working_day_due_date_is_never_a_weekend_or_bank_holiday(start: date, days: int) -> None:
    due = add_working_days(start, days)
    assert is_working_day(due)
    assert due > start


@FAST
@given(dates, dates, periods)
def test_a_later_start_never_gives_an_earlier_due_date(a: date, b: date, period: Period) -> None:
    early, late = min(a, b), max(a, b)
    assert period.after(early) <= period.after(late)


@FAST
@given(dates, periods)
def test_a_period_never_ends_before_it_starts(start: date, period: Period) -> None:
    assert period.after(start) >= start
    assert period.before(start) <= start


@FAST
@given(dates, dates, st.integers(min_value=0, max_value=30))
def test_the_deadline_given_is_never_less_than_the_usual_or_the_minimum_notice(
    usual: date, requested: date, notice: int
) -> None:
    given_on = deadline_given(usual, requested, Period(amount=notice, unit="days"))
    assert given_on >= usual
    assert given_on >= requested + timedelta(days=notice)
    assert given_on in (usual, requested + timedelta(days=notice))


@FAST
@given(dates, dates, st.integers(min_value=1, max_value=30))
def test_a_reminder_is_after_the_request_and_before_the_deadline(
    deadline: date, requested: date, before: int
) -> None:
    remind = reminder_date(deadline, requested, Period(amount=before, unit="days"))
    if remind is not None:
        assert requested < remind < deadline
    else:
        assert deadline - timedelta(days=before) <= requested


@FAST
@given(dates, st.integers(min_value=0, max_value=60))
def test_grounds_on_or_before_the_deadline_are_in_time(deadline: date, days: int) -> None:
    assert grounds_timing(deadline - timedelta(days=days), deadline) is Timing.IN_TIME
    assert grounds_timing(deadline + timedelta(days=days + 1), deadline) is Timing.LATE


@FAST
@given(dates, st.integers(min_value=1, max_value=24))
def test_calendar_months_clamp_to_the_months_end(start: date, months: int) -> None:
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == start.day or (later.day < start.day and (later + timedelta(days=1)).day == 1)


def test_month_end_and_29_february() -> None:
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)


@FAST
@given(dates)
def test_a_dates_deadline_is_the_end_of_that_london_day_whatever_the_clocks(on: date) -> None:
    end = end_of_day(on)
    assert london_date(end - timedelta(microseconds=1)) == on
    assert london_date(end) == on + timedelta(days=1)
    assert london_date(london_time(on, 9)) == on


def test_the_clocks_changing() -> None:
    assert end_of_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # BST begins
    assert end_of_day(date(2026, 10, 25)) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # BST ends
    assert (end_of_day(date(2026, 3, 29)) - end_of_day(date(2026, 3, 28))) == timedelta(hours=23)


def test_christmas_and_easter_are_not_working_days() -> None:
    for holiday in (
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2027, 3, 26),
    ):
        assert not PACKAGE_CALENDAR.is_working_day(holiday), holiday
    # Christmas Eve 2026 is a Thursday: one working day on is Tuesday 29 December.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # Maundy Thursday 2026 plus one working day skips Good Friday to Easter Tuesday.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_working_days_between() -> None:
    assert PACKAGE_CALENDAR.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert PACKAGE_CALENDAR.working_days_between(date(2026, 3, 3), date(2026, 3, 2)) == 0
    assert PACKAGE_CALENDAR.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5
    # Over Easter: Thursday 2 April to Tuesday 7 April is one working day.
    assert PACKAGE_CALENDAR.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    # A weekend end is reached by the step that passes it.
    assert PACKAGE_CALENDAR.working_days_between(date(2026, 3, 6), date(2026, 3, 7)) == 1


@FAST
@given(dates, st.integers(min_value=0, max_value=40))
def test_working_days_between_undoes_adding_them(start: date, days: int) -> None:
    assert PACKAGE_CALENDAR.working_days_between(start, add_working_days(start, days)) == days
