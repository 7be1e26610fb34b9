"""The grounds deadline and its edges (paras 30-37): our delay never costs the
complainant time; extensions only lengthen; the boundary is "on or before"."""

from datetime import date

import pytest

from domain.authority import Refused
from domain.calendar import Period, WorkingCalendar
from domain.enums import Role
from domain.grounds import (
    Timing,
    check_extension,
    deadline_given,
    grounds_timing,
    may_extend,
    our_delay,
    raised_late,
    reminder_date,
)
from domain.models import Actor

FORTNIGHT = Period(amount=14, unit="days")
WEEK = Period(amount=7, unit="days")
MONTH = Period(amount=1, unit="months")
MANAGER = Actor(id="om-bob", role=Role.OPERATIONS_MANAGER)


def test_the_request_gives_the_usual_month_when_there_is_time() -> None:
    assert deadline_given(date(2026, 4, 1), date(2026, 3, 5), FORTNIGHT) == date(2026, 4, 1)


def test_a_late_request_still_gives_the_minimum_notice() -> None:
    """Issue 10, 1: OAT took six weeks; the request must not quote a date already past."""
    assert deadline_given(date(2026, 4, 1), date(2026, 4, 15), FORTNIGHT) == date(2026, 4, 29)


def test_the_minimum_notice_boundary_is_exactly_fourteen_days() -> None:
    # Request 18 March: 14 days later is 1 April, equal to the usual deadline.
    assert deadline_given(date(2026, 4, 1), date(2026, 3, 18), FORTNIGHT) == date(2026, 4, 1)
    assert deadline_given(date(2026, 4, 1), date(2026, 3, 19), FORTNIGHT) == date(2026, 4, 2)


def test_minimum_notice_in_working_days_uses_the_case_calendar() -> None:
    calendar = WorkingCalendar(frozenset({date(2026, 4, 6)}))  # Easter Monday
    ten = Period(amount=10, unit="working_days")
    assert deadline_given(date(2026, 3, 1), date(2026, 3, 30), ten, calendar) == date(2026, 4, 14)


def test_a_reminder_comes_a_week_before_and_after_the_request() -> None:
    assert reminder_date(date(2026, 4, 1), date(2026, 3, 5), WEEK) == date(2026, 3, 25)


def test_a_reminder_never_comes_with_or_before_the_request() -> None:
    # Deadline 12 days after the request: the reminder date (5 days after) is fine...
    assert reminder_date(date(2026, 4, 13), date(2026, 4, 1), WEEK) == date(2026, 4, 6)
    # ...but on the request's own day, or before it, there is none.
    assert reminder_date(date(2026, 4, 8), date(2026, 4, 1), WEEK) is None
    assert reminder_date(date(2026, 4, 5), date(2026, 4, 1), WEEK) is None


def test_grounds_received_on_the_deadline_day_are_in_time() -> None:
    """Guards fault 6 of issue 16: "on or before" must not become "before"."""
    assert grounds_timing(date(2026, 4, 1), date(2026, 4, 1)) is Timing.IN_TIME
    assert grounds_timing(date(2026, 4, 2), date(2026, 4, 1)) is Timing.LATE
    assert grounds_timing(date(2026, 3, 31), date(2026, 4, 1)) is Timing.IN_TIME


def test_raised_late_is_after_one_month() -> None:
    decided = date(2026, 3, 1)
    assert raised_late(decided, date(2026, 4, 1), MONTH) is False
    assert raised_late(decided, date(2026, 4, 2), MONTH) is True
    assert raised_late(decided, None, MONTH) is False


def test_our_delay_is_named_only_when_the_request_went_out_after_the_month() -> None:
    assert our_delay(date(2026, 3, 1), date(2026, 4, 1), MONTH) is None
    assert our_delay(date(2026, 3, 1), None, MONTH) is None
    text = our_delay(date(2026, 3, 1), date(2026, 4, 2), MONTH)
    assert text == (
        "our delay: the grounds request went out on 2026-04-02, after the decision's one-month "
        "date 2026-04-01 (34)"
    )


def extend(actor: Actor, new: date, *, roles: list[Role] | None = None, received: bool = False) -> None:
    check_extension(
        actor,
        manager="om-bob",
        extra_roles=roles or [],
        grounds_received=received,
        in_force=date(2026, 4, 1),
        new_deadline=new,
    )


def test_the_case_manager_extends_to_a_later_date() -> None:
    extend(MANAGER, date(2026, 4, 15))


def test_an_extension_that_moves_the_deadline_earlier_is_refused() -> None:
    """Guards fault 3 of issue 16: an "extension" that shortens the deadline."""
    with pytest.raises(Refused, match=r"must be later than the current deadline 2026-04-01 \(32\)"):
        extend(MANAGER, date(2026, 3, 20))
    with pytest.raises(Refused, match="must be later"):
        extend(MANAGER, date(2026, 4, 1))


def test_no_extension_once_grounds_have_arrived() -> None:
    with pytest.raises(Refused, match=r"grounds have arrived: the deadline can no longer move \(32\)"):
        extend(MANAGER, date(2026, 4, 15), received=True)


def test_extension_roles_are_a_ladder() -> None:
    """Issue 10, 6: a role the scheme names, and any higher role, may extend."""
    named = [Role.OPERATIONS_MANAGER]
    assert may_extend(Actor(id="om-2", role=Role.OPERATIONS_MANAGER), "om-bob", named)
    assert may_extend(Actor(id="ad-1", role=Role.ASSISTANT_DIRECTOR), "om-bob", [])
    assert may_extend(Actor(id="om-bob", role=Role.CASEWORKER), "om-bob", [])
    assert not may_extend(Actor(id="om-2", role=Role.OPERATIONS_MANAGER), "om-bob", [])
    assert not may_extend(Actor(id="cw-1", role=Role.CASEWORKER), "om-bob", [])
    assert may_extend(Actor(id="oat-1", role=Role.OAT_CASEWORKER), "om-bob", [Role.OAT_CASEWORKER])
    assert not may_extend(Actor(id="oat-1", role=Role.OAT_CASEWORKER), "om-bob", [Role.CASEWORKER])
    assert may_extend(Actor(id="dir", role=Role.DIRECTOR), "om-bob", [Role.DIRECTOR])
    assert not may_extend(Actor(id="ad", role=Role.ASSISTANT_DIRECTOR), "om-bob", [], Role.OPERATIONS_MANAGER)
    assert may_extend(Actor(id="dir", role=Role.DIRECTOR), "om-bob", [], Role.OPERATIONS_MANAGER)


def test_a_caseworker_may_not_extend_and_is_told_who_may() -> None:
    with pytest.raises(Refused, match=r"only the case's manager \(om-bob\), a more senior manager"):
        extend(Actor(id="cw-1", role=Role.CASEWORKER), date(2026, 4, 15))


def test_where_grounds_go() -> None:
    from domain.grounds import Next, where_grounds_go

    def go(jr: bool = False, taken: bool = False, direct: bool = False, in_time: bool = True) -> Next:
        return where_grounds_go(
            jr_threatened=jr, legal_advice_taken=taken, oat_direct=direct, in_time=in_time
        )

    assert go() is Next.CHALLENGE_ASSESSMENT
    assert go(in_time=False) is Next.TIME_LIMIT
    assert go(direct=True, in_time=False) is Next.OAT_REVIEW
    assert go(jr=True, direct=True) is Next.LEGAL_ADVICE
    assert go(jr=True, taken=True, direct=True) is Next.OAT_REVIEW
    assert go(jr=True, taken=True, in_time=False) is Next.TIME_LIMIT
    assert {n.value for n in Next} == {"legal_advice", "oat_review", "time_limit", "challenge_assessment"}
