"""Deadlines for grounds and the Judicial Review window (paras 2, 32-37, 71)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.calendar import Period


class Timing(StrEnum):
    IN_TIME = "in_time"
    LATE = "late"


def grounds_deadline(decided_on: date, period: Period) -> date:
    """One calendar month after the decision by default (para 32); 31 Jan -> 28/29 Feb."""
    return period.after(decided_on)


def jr_window_ends(decided_on: date, period: Period) -> date:
    """JR applications are due within three months of the decision (para 71)."""
    return period.after(decided_on)


def grounds_timing(received_on: date, deadline: date) -> Timing:
    """In time means received on or before the (possibly extended) deadline (para 33)."""
    return Timing.IN_TIME if received_on <= deadline else Timing.LATE


def raised_late(decided_on: date, raised_on: date | None, period: Period) -> bool:
    """Para 2: concerns are expected within one month of the decision."""
    return raised_on is not None and raised_on > period.after(decided_on)


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
