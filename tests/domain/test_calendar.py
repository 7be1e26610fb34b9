"""Deadlines are calendar arithmetic on London dates (para 32, 71; design.md "Time")."""

from datetime import UTC, date, datetime

import pytest

from domain.calendar import Period, add_working_days, end_of_day, london_date, parse_when
from domain.grounds import grounds_deadline, jr_delay_not_challenged, jr_window_ends

MONTH = Period.model_validate("1m")
THREE_MONTHS = Period.model_validate("3m")


@pytest.mark.parametrize(
    ("decided", "deadline"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # clamped to month end
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 1), date(2026, 4, 1)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_grounds_deadline_is_one_calendar_month_clamped_to_month_end(decided: date, deadline: date) -> None:
    assert grounds_deadline(decided, MONTH) == deadline


def test_jr_window_is_three_calendar_months() -> None:
    assert jr_window_ends(date(2026, 11, 30), THREE_MONTHS) == date(2027, 2, 28)


def test_end_of_day_follows_british_summer_time() -> None:
    # In summer London is UTC+1: the day ends at 23:00 UTC; in winter at midnight.
    assert end_of_day(date(2026, 7, 1)) == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 1, 1)) == datetime(2026, 1, 2, 0, 0, tzinfo=UTC)


def test_clocks_change_day_is_still_one_london_day() -> None:
    # 29 March 2026: clocks go forward at 01:00 UTC. 23:30 UTC on the 29th is the 30th in London.
    assert london_date(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)
    assert london_date(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == date(2026, 3, 29)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Thursday 2 April 2026 + 2 working days: Good Friday (3rd), weekend, Easter Monday (6th).
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


@pytest.mark.parametrize("text", ["14", "two weeks", "3x", ""])
def test_a_period_that_is_not_one_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.model_validate(text)


def test_scenario_offsets_and_iso_times() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert parse_when("+36h", start) == datetime(2026, 3, 3, 21, tzinfo=UTC)
    assert parse_when("2026-03-05T10:00:00Z", start) == datetime(2026, 3, 5, 10, tzinfo=UTC)


def test_jr_delay_flag_needs_a_timely_request_and_a_decision_after_three_months() -> None:  # para 71
    received = date(2026, 3, 20)

    def flag(in_time: bool, decided_on: date) -> bool:
        return jr_delay_not_challenged(
            grounds_in_time=in_time, received_on=received, decided_on=decided_on, jr_window=THREE_MONTHS
        )

    assert flag(True, date(2026, 6, 21))
    assert not flag(True, date(2026, 6, 20))
    assert not flag(False, date(2026, 9, 1))
