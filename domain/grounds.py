"""Deadlines for grounds and the Judicial Review window (paras 2, 32-37, 71).

Our own delay never costs the complainant time (34): the deadline a grounds request
gives is one calendar month after the decision, but never sooner than the minimum notice
after the request is actually sent.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from domain.authority import NotAllowed, NotNow, Refused, at_least, is_person, line_manager_role
from domain.calendar import PACKAGE_CALENDAR, Period, WorkingCalendar
from domain.enums import Role
from domain.models import Actor


class Timing(StrEnum):
    IN_TIME = "in_time"
    LATE = "late"


def grounds_deadline(decided_on: date, period: Period, calendar: WorkingCalendar = PACKAGE_CALENDAR) -> date:
    """One calendar month after the decision by default (para 32); 31 Jan -> 28/29 Feb."""
    return period.after(decided_on, calendar)


def deadline_given(
    usual: date, requested_on: date, min_notice: Period, calendar: WorkingCalendar = PACKAGE_CALENDAR
) -> date:
    """The date the grounds request gives (32, 34): the usual deadline (or an extension
    agreed before the request went out), but never sooner than `min_notice` after the
    request is sent, so the complainant always has that long to reply."""
    return max(usual, min_notice.after(requested_on, calendar))


def reply_by_date(
    day: date,
    *,
    by_post: bool,
    post_allowance: Period,
    calendar: WorkingCalendar = PACKAGE_CALENDAR,
) -> date:
    """A date we give someone to reply by (guidance v8; design.md, "Time"): a working day
    (one that falls on a weekend or bank holiday moves on to the next working day), and a
    letter that goes by post gives `post_allowance` more, the time the post takes."""
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return post_allowance.after(day, calendar) if by_post else day


def reminder_date(
    deadline: date,
    requested_on: date,
    before: Period,
    calendar: WorkingCalendar = PACKAGE_CALENDAR,
) -> date | None:
    """When to remind the complainant of the deadline (32): `before` it, and only on a
    day after the request went out — a reminder never comes with or before the request."""
    remind_on = before.before(deadline, calendar)
    return remind_on if remind_on > requested_on else None


def grounds_timing(received_on: date, deadline: date) -> Timing:
    """In time means received on or before the (possibly extended) deadline (para 33)."""
    return Timing.IN_TIME if received_on <= deadline else Timing.LATE


class Next(StrEnum):
    """Where grounds go once received (33, 37, 70)."""

    LEGAL_ADVICE = "legal_advice"
    OAT_REVIEW = "oat_review"
    TIME_LIMIT = "time_limit"
    CHALLENGE_ASSESSMENT = "challenge_assessment"


def where_grounds_go(
    *, jr_threatened: bool, legal_advice_taken: bool, oat_direct: bool, in_time: bool
) -> Next:
    """Legal first when Judicial Review is threatened (70); straight to OAT when the
    complainant asked for it, in time or late (37); otherwise late grounds go to the
    time-limit decision (33) and grounds in time to the challenge assessment (38)."""
    if jr_threatened and not legal_advice_taken:
        return Next.LEGAL_ADVICE
    if oat_direct:
        return Next.OAT_REVIEW
    if not in_time:
        return Next.TIME_LIMIT
    return Next.CHALLENGE_ASSESSMENT


def raised_late(decided_on: date, raised_on: date | None, period: Period) -> bool:
    """Para 2: concerns are expected within one month of the decision."""
    return raised_on is not None and raised_on > period.after(decided_on)


def our_delay(decided_on: date, requested_on: date | None, period: Period) -> str | None:
    """Para 34: the factors in a time-limit decision include any delay of ours. When the
    grounds request went out after the decision's one-month date, say so."""
    usual = period.after(decided_on)
    if requested_on is None or requested_on <= usual:
        return None
    return (
        f"our delay: the grounds request went out on {requested_on.isoformat()}, after the "
        f"decision's one-month date {usual.isoformat()} (34)"
    )


def may_extend(
    actor: Actor, manager: str, extra_roles: list[Role], owner_role: Role = Role.CASEWORKER
) -> bool:
    """Para 32: the case's manager agrees an extension; so may a role the Delegation
    Scheme names, and anyone ranked above either (the ladder)."""
    if is_person(actor, manager):
        return True
    above_manager = line_manager_role(line_manager_role(owner_role))
    if at_least(actor.role, above_manager):
        return True
    return any(actor.role == role or at_least(actor.role, role) for role in extra_roles)


def check_extension(
    actor: Actor,
    *,
    manager: str,
    extra_roles: list[Role],
    grounds_received: bool,
    in_force: date,
    new_deadline: date,
    owner_role: Role = Role.CASEWORKER,
    today: date | None = None,
) -> None:
    """Para 32: an extension, agreed by whoever may, to a later date, before grounds arrive;
    with `today` (guidance v7), a date after today as well: an extension gives more time."""
    if grounds_received:
        raise NotAllowed("grounds have arrived: the deadline can no longer move (32)")
    if not may_extend(actor, manager, extra_roles, owner_role):
        raise NotAllowed(
            f"{actor} may not extend the deadline: only the case's manager ({manager}), a more "
            "senior manager or a role the Delegation Scheme names may agree an extension (32)"
        )
    if new_deadline <= in_force:
        raise Refused(f"new_deadline {new_deadline} must be later than the current deadline {in_force} (32)")
    if today is not None and new_deadline <= today:
        raise Refused(
            f"new_deadline {new_deadline} must be after today ({today}): an extension gives more time (32)"
        )


def check_decline_before_reply_by(
    accept: bool, *, explained: bool, reply_by: date | None, today: date
) -> None:
    """Paras 33, 35 (guidance v7): the complainant has until the reply-by date the
    late-explanation letter gave; a late request is not declined before then unless their
    explanation has arrived. Accepting it may be done at any time."""
    if accept or explained or reply_by is None or today > reply_by:
        return
    raise NotNow(
        f"the complainant has until {reply_by} to explain why their request is late (33): it can be "
        "declined after that date, or once their explanation arrives (35)"
    )


def jr_window_ends(decided_on: date, period: Period) -> date:
    """JR applications are due within three months of the decision (para 71)."""
    return period.after(decided_on)


def jr_delay_not_challenged(
    *,
    grounds_in_time: bool | None,
    received_on: date | None,
    decided_on: date,
    jr_window: Period,
) -> bool:
    """Para 71: we do not challenge a JR for delay if the review request came within our
    one-month timescale and we took more than three months to reach a decision.

    The three months run from `received_on` to the decision that closes the review.
    """
    if not grounds_in_time or received_on is None:
        return False
    return decided_on > jr_window.after(received_on)
