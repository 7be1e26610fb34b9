"""Rules as they were before issue 10, kept only so that cases begun under them replay
unchanged (each call sits behind `workflow.patched`, recorded as `CaseState.edges`).
No new case uses them. Not a place for new rules."""

from __future__ import annotations

from collections.abc import Sized
from datetime import date, datetime

from domain.calendar import end_of_day
from domain.eligibility import JOINT, LOW_LEVEL, Ineligible, eligibility
from domain.enums import DecisionType
from domain.models import ComplaintOpened


def eligibility_before_edges(opened: ComplaintOpened) -> Ineligible | None:
    """Low-level injustice was checked before a joint LGSCO decision."""
    if opened.case.decision is DecisionType.LOW_LEVEL_INJUSTICE:
        return LOW_LEVEL
    if opened.flags.lgsco_joint:
        return JOINT
    return eligibility(opened)


def window_closed_before_edges(now: datetime, window_ends: date, comments: Sized) -> bool:
    """Any two comments ended the window early."""
    return now >= end_of_day(window_ends) or len(comments) >= 2
