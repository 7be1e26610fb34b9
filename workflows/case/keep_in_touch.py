"""Never silent (issue 13, design.md "What the complainant gets"): no open case goes more
than `max_silence` working days without a letter to the complainant saying where it is,
who holds it and the next date. A durable timer per case, reset by any letter to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import london_date, london_time
    from domain.enums import Kind
    from domain.models import SYSTEM
    from domain.plain import stage_words, waiting_words

if TYPE_CHECKING:
    from workflows.case.core import CaseCore

KINDS = frozenset({Kind.DECISION_COMPLAINT, Kind.SERVICE_COMPLAINT})


def next_update(case: CaseCore[Any]) -> datetime | None:
    """When the complainant is next owed a letter, if nothing else reaches them first."""
    state = case.state
    if not case.guidance.keeps_in_touch or state.kind not in KINDS or state.outcome is not None:
        return None
    since = state.last_to_complainant or state.opened_at
    if since is None:
        return None
    # In the morning of the last day allowed, so the gap is never longer than the limit.
    return london_time(case.after(case.rules.durations.max_silence, london_date(since)), 9)


async def keep_in_touch(case: CaseCore[Any], now: datetime) -> bool:
    """Send a progress update if the silence has lasted long enough; True if sent."""
    due = next_update(case)
    if due is None or due > now:
        return False
    state, step = case.state, case.state.awaiting
    context: dict[str, Any] = {
        "where": stage_words(state.stage),
        "waiting_for": waiting_words(step.action, step.actor_role) if step else None,
        # "The next date" is never one already passed (design.md): once the step is late,
        # the letter says so and gives the date we will write again by.
        "next_by": step.due.isoformat() if step and step.due and step.due >= case.today() else None,
        "late": bool(step and step.due and step.due < case.today()),
        "write_again_by": case.after(case.rules.durations.max_silence, case.today()).isoformat(),
    }
    if step is not None and step.paused_since is not None:
        context |= {
            "paused": step.pause_reason,
            "resume_by": step.resume_by.isoformat() if step.resume_by else None,
        }
    sent = await case.letter("progress_update", case.service_user(), context=context)
    case.record(
        SYSTEM, "progress update sent: nobody had written to the complainant for a while", [], sent.key
    )
    return True
