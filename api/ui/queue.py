"""The queues: My tasks and My team (issue 26). One page of open steps, one row per step,
filtered, counted and cut in SQL, so a page costs the same with 10 or 10,000 open tasks;
people by name and title, due dates in working days both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.ui import words
from contract.words import choice_words
from domain.calendar import PACKAGE_CALENDAR, london_date
from store.models import CaseRow, TaskRow

PAGE_SIZE = 50
PAGES_MAX = 10_000


def due_words(due: date | None, today: date) -> tuple[str, bool]:
    """ "3 working days left" / "due today" / "overdue by 2 working days", and whether
    overdue: working days both ways (issue 26: overdue counted calendar days)."""
    if due is None:
        return "no due date", False
    if due < today:
        days = max(1, PACKAGE_CALENDAR.working_days_between(due, today))
        return f"overdue by {days} working day{'s' if days != 1 else ''}", True
    if due == today:
        return "due today", False
    left = PACKAGE_CALENDAR.working_days_between(today, due)
    return f"{left} working day{'s' if left != 1 else ''} left", False


def task_page(
    request: Request, *where: Any, paged: bool = True, counted: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of open tasks with their cases, filtered, ordered (overdue first, then by
    due date) and cut in SQL, so a page costs the same with 10 or 10,000 open tasks; with
    the count of each choice of the filters (issue 26)."""
    q = request.query_params
    kind, stage, risk = q.get("kind", ""), q.get("stage", ""), q.get("risk", "")
    overdue = q.get("overdue") == "1"
    following = q.get("follow_up") == "due"
    asked = q.get("page") or "1"
    # A page number from the address bar: a number, and never one the database cannot take.
    number = min(PAGES_MAX, max(1, int(asked))) if paged and asked.isdigit() and len(asked) < 7 else 1
    today = london_date(datetime.now().astimezone())
    base = [TaskRow.closed_at.is_(None), *where]
    filters = list(base)
    if kind:
        filters.append(CaseRow.kind == kind)
    if stage:
        filters.append(CaseRow.stage == stage)
    if risk:
        filters.append(CaseRow.risk == risk)
    if overdue:
        filters.append(TaskRow.due < today)
    if following:
        filters.append(TaskRow.follow_up_on <= today)
    late = sql_case((TaskRow.due < today, 0), else_=1)
    query = (
        select(
            TaskRow.workflow_id, TaskRow.case_ref, TaskRow.action, TaskRow.actor_role, TaskRow.actor_id,
            TaskRow.due, TaskRow.escalated, CaseRow.kind, CaseRow.stage, CaseRow.risk,
            TaskRow.id, TaskRow.claimed_by, TaskRow.follow_up_on, TaskRow.follow_up_note,
        )
        .outerjoin(CaseRow, CaseRow.workflow_id == TaskRow.workflow_id)
        .where(*filters)
        .order_by(late, TaskRow.due.is_(None), TaskRow.due, TaskRow.id)
        .limit(PAGE_SIZE + 1)
        .offset((number - 1) * PAGE_SIZE)
    )  # fmt: skip
    with Session(request.app.state.engine) as session:
        rows = session.execute(query).all()
        shown = rows[:PAGE_SIZE]
        ids = [r.workflow_id for r in shown]
        statuses: dict[str, Any] = dict(
            session.execute(
                select(CaseRow.workflow_id, CaseRow.status).where(CaseRow.workflow_id.in_(ids))
            ).all()
        )
        # Every count the filters show, from one grouped query (issue 26's counts cost one
        # round trip, not five: bench/ui_pages.py).
        late_flag = sql_case((TaskRow.due < today, 1), else_=0)
        follow_flag = sql_case((TaskRow.follow_up_on <= today, 1), else_=0)
        groups = (
            session.execute(
                select(CaseRow.kind, CaseRow.stage, CaseRow.risk, late_flag, follow_flag, func.count())
                .select_from(TaskRow)
                .outerjoin(CaseRow, CaseRow.workflow_id == TaskRow.workflow_id)
                .where(*base)
                .group_by(CaseRow.kind, CaseRow.stage, CaseRow.risk, late_flag, follow_flag)
            ).all()
            if counted
            else []
        )
    counts_of: dict[str, dict[Any, int]] = {"kind": {}, "stage": {}, "risk": {}}
    counts = {"all": 0, "overdue": 0, "follow_up": 0}
    for group_kind, group_stage, group_risk, is_overdue, to_follow, n in groups:
        for name, value in (("kind", group_kind), ("stage", group_stage), ("risk", group_risk)):
            counts_of[name][value] = counts_of[name].get(value, 0) + n
        counts["all"] += n
        counts["overdue"] += n if is_overdue else 0
        counts["follow_up"] += n if to_follow else 0
    directory = request.app.state.staff
    tasks = []
    for r in shown:
        due, is_late = due_words(r.due, today)
        status = statuses.get(r.workflow_id) or {}
        tasks.append(
            {
                "workflow_id": r.workflow_id, "case_ref": r.case_ref, "kind": words.kind_name(r.kind),
                "stage": words.stage_name(r.stage or ""), "risk": r.risk, "action": words.action_name(r.action),
                "detail": approval_words(r.action, status),
                "who": words.sentence(words.person_words(directory, r.actor_id, r.actor_role)), "due": r.due, "due_words": due,
                "overdue": is_late, "adjustments": len(status.get("reasonable_adjustments") or []),
                "escalated": bool(r.escalated), "id": r.id, "team_step": r.actor_id is None,
                "role": r.actor_role, "claimed_by": r.claimed_by, "holder": r.actor_id or r.claimed_by,
                "taken_by": words.person_words(directory, r.claimed_by) if r.claimed_by else "",
                "follow_up_on": r.follow_up_on, "follow_up_note": r.follow_up_note or "",
                "follow_up_due": bool(r.follow_up_on and r.follow_up_on <= today),
            }
        )  # fmt: skip

    def items(name: str, chosen: str, words_of: Any) -> list[dict[str, Any]]:
        found = counts_of.get(name, {})
        return [{"value": v, "text": f"{words_of(v)} ({n})", "selected": v == chosen}
                for v, n in sorted(found.items(), key=lambda kv: str(kv[0])) if v]  # fmt: skip

    chosen = {k: v for k, v in (("kind", kind), ("stage", stage), ("risk", risk)) if v}
    chosen |= {"overdue": "1"} if overdue else {}
    chosen |= {"follow_up": "due"} if following else {}
    paging = {
        "page": number, "more": len(rows) > PAGE_SIZE, "kind": kind, "stage": stage, "risk": risk,
        "overdue": overdue, "follow_up": following, "counts": counts, "filtered": bool(chosen),
        "kinds": items("kind", kind, words.kind_name), "stages": items("stage", stage, words.stage_name),
        "risks": items("risk", risk, choice_words),
        "query": urlencode(chosen),
    }  # fmt: skip
    return tasks, paging


def approval_words(action: str, status: dict[str, Any]) -> str:
    """What an approval is for, and how much (issue 26: the row said only "approve")."""
    proposal = status.get("proposal") if action == "approve" else None
    if not proposal:
        return ""
    said = f"{choice_words(proposal.get('route', ''))}"
    if proposal.get("amount_gbp"):
        said += f", a payment of \u00a3{proposal['amount_gbp']:,.2f}"
    return said


def team_load(request: Request, reports: list[str]) -> list[dict[str, Any]]:
    """Each member's open steps and how many are overdue, heaviest first (issue 26)."""
    today = london_date(datetime.now(UTC))
    overdue = func.sum(sql_case((TaskRow.due < today, 1), else_=0))
    holder = func.coalesce(TaskRow.actor_id, TaskRow.claimed_by)  # a team's step counts once taken
    with Session(request.app.state.engine) as session:
        rows = session.execute(
            select(holder, func.count(), overdue)
            .where(TaskRow.closed_at.is_(None), holder.in_(reports))
            .group_by(holder)
        ).all()
    found = {r[0]: (r[1], r[2] or 0) for r in rows}
    directory = request.app.state.staff
    load = [{"name": words.person_words(directory, pid), "open": found.get(pid, (0, 0))[0],
             "overdue": found.get(pid, (0, 0))[1]} for pid in reports]  # fmt: skip
    return sorted(load, key=lambda row: (-row["overdue"], -row["open"], row["name"]))
