"""Management figures from the case store (SQLite or PostgreSQL): `reviews report`.

Cases count in a period when they were opened in it (London dates, both ends included).
Every figure is computed from what the workflows wrote to the store, so a report can be
rebuilt at any time and agrees with `status`.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.calendar import PACKAGE_CALENDAR, london_date
from store import front_door
from store.models import AuditRow, CaseRow, LetterRow, TaskRow, aware

TOP_LEVEL_KINDS = ("decision_complaint", "service_complaint", "positive_feedback")


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of values at or
    below it (p90 of 10 values is the 9th)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def build_report(engine: Engine, start: date, end: date, today: date | None = None) -> dict[str, Any]:
    today = today or london_date(datetime.now(UTC))
    with Session(engine) as session:
        rows = [
            row
            for row in session.scalars(select(CaseRow))
            if row.kind in TOP_LEVEL_KINDS and start <= london_date(aware(row.opened_at)) <= end
        ]
        ids = {row.workflow_id for row in rows}
        tasks = [task for task in session.scalars(select(TaskRow)) if task.workflow_id in ids]
        letters = [
            letter
            for letter in session.scalars(select(LetterRow).where(LetterRow.to_role.in_(PUBLIC_ROLES)))
            if letter.workflow_id in ids
        ]
        audits = [
            a for a in session.scalars(select(AuditRow).where(AuditRow.action.in_(SUBMISSIONS) | AuditRow.action.like("acknowledged:%")))
            if a.workflow_id in ids
        ]  # fmt: skip

    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    grounds: Counter[str] = Counter()
    to_decision: list[float] = []
    oat_mix: Counter[str] = Counter()
    ledger: dict[str, Counter[str]] = defaultdict(Counter)
    requirements: dict[str, str] = {}
    unmet_cases: list[dict[str, Any]] = []
    charter: Counter[str] = Counter()
    paused_days = 0
    paused_now: list[str] = []

    for row in rows:
        status = row.status or {}
        by_kind[row.kind][row.outcome or "open"] += 1
        if row.kind == "decision_complaint":
            in_time = status.get("grounds_in_time")
            if in_time is True:
                grounds["in_time"] += 1
            elif in_time is False:
                grounds["late"] += 1
            elif row.outcome == "grounds_not_received":
                grounds["not_received"] += 1
            received = status.get("grounds_received_on")
            if received and row.closed_at is not None:
                decided = london_date(aware(row.closed_at))
                to_decision.append((decided - date.fromisoformat(received)).days)
            oat_mix.update(status.get("oat_outcomes") or [])
        if row.outcome is not None:
            for entry in status.get("ledger") or []:
                ledger[entry["paragraph"]][entry.get("state") or "met"] += 1
                requirements[entry["paragraph"]] = entry["requirement"]
            if status.get("ledger_unmet"):
                unmet_cases.append(
                    {
                        "case_ref": row.case_ref,
                        "workflow_id": row.workflow_id,
                        "unmet": status["ledger_unmet"],
                    }
                )
        for point in status.get("learning_points") or []:
            charter[point.get("charter_commitment") or "(good practice)"] += 1
        paused_days += int(status.get("time_paused_days") or 0)
        if status.get("clock_paused"):
            paused_now.append(row.case_ref)

    overdue: dict[str, Counter[str]] = defaultdict(Counter)
    for task in tasks:
        if task.reminded:
            overdue[task.actor_role]["went_overdue"] += 1
        if task.escalated:
            overdue[task.actor_role]["escalated"] += 1
        if task.closed_at is None and task.due is not None and task.due < today:
            overdue[task.actor_role]["overdue_now"] += 1

    closed = sum(1 for row in rows if row.outcome is not None)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "generated_on": today.isoformat(),
        "cases": len(rows),
        "closed": closed,
        "by_kind_and_outcome": {kind: dict(sorted(c.items())) for kind, c in sorted(by_kind.items())},
        "grounds_received": {
            "in_time": grounds["in_time"],
            "late": grounds["late"],
            "not_received": grounds["not_received"],
        },
        "grounds_to_decision_days": {
            "cases": len(to_decision),
            "median": statistics.median(to_decision) if to_decision else None,
            "p90": percentile(to_decision, 0.9),
        },
        "overdue_steps_by_role": {role: dict(c) for role, c in sorted(overdue.items())},
        "oat_outcomes": dict(oat_mix.most_common()),
        "ledger": {
            "closed_cases_with_unmet": len(unmet_cases),
            "compliant_share": round(1 - len(unmet_cases) / closed, 3) if closed else None,
            "by_paragraph": {
                p: {"requirement": requirements[p], **dict(ledger[p])} for p in sorted(ledger, key=int)
            },
            "unmet_cases": unmet_cases,
        },
        "learning_points_by_charter_commitment": dict(charter.most_common()),
        "paused": {"days_in_all": paused_days, "paused_now": sorted(paused_now)},
        "complainant": complainant_measures(rows, letters, audits, today),
        "front_door": front_door_measures(engine, ids, audits),
    }


def front_door_measures(engine: Engine, ids: set[str], audits: list[AuditRow]) -> dict[str, Any]:
    """Issue 27: how many used the front door, what came through it, and how long after
    our letter; beside every submission, however it came."""
    door = front_door.use(engine, ids)
    submitted = sum(1 for a in audits if a.action in SUBMISSIONS)
    return asdict(door) | {"submissions_in_all": submitted}


PUBLIC_ROLES = ("service_user", "organisation", "advocate")
SUBMISSIONS = ("grounds_submitted", "late_explanation", "party_comment")


UNDELIVERED = frozenset({"bounced", "failed"})


def complainant_measures(
    rows: list[CaseRow], letters: list[LetterRow], audits: list[AuditRow], today: date
) -> dict[str, Any]:
    """What complainants got (issue 13): submissions acknowledged the same working day,
    the longest silence on a case, letters with every reasonable adjustment honoured."""
    acknowledged = {
        (a.workflow_id, london_date(aware(a.at))) for a in audits if a.action.startswith("acknowledged:")
    }
    submitted = [(a.workflow_id, london_date(aware(a.at))) for a in audits if a.action in SUBMISSIONS]
    same_day = sum(1 for item in submitted if item in acknowledged)
    sent: dict[str, list[date]] = defaultdict(list)
    for letter in letters:
        sent[letter.workflow_id].append(london_date(aware(letter.created_at)))
    longest = 0
    for row in rows:
        end = london_date(aware(row.closed_at)) if row.closed_at else today
        points = sorted([london_date(aware(row.opened_at)), *sent.get(row.workflow_id, []), end])
        gaps = [PACKAGE_CALENDAR.working_days_between(a, b) for a, b in zip(points, points[1:], strict=False)]
        longest = max([longest, *gaps])
    # An adjustment is honoured only by what reached the person (issue 25): the form the
    # letter took, and a delivery that did not fail.
    missed = [
        letter
        for letter in letters
        if letter.adjustments
        and (not all(a.get("honoured") for a in letter.adjustments) or letter.delivery in UNDELIVERED)
    ]
    return {
        "submissions": len(submitted),
        "acknowledged_same_day": same_day,
        "longest_silence_working_days": longest,
        "letters_to_the_public": len(letters),
        "letters_with_an_adjustment_not_honoured": len(missed),
        "letters_not_delivered": sum(1 for x in letters if x.delivery in UNDELIVERED),
        "letters_waiting_to_be_posted": sum(
            1 for x in letters if x.channel == "post" and x.delivery == "queued"
        ),
    }
