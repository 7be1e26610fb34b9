"""A task still open when its case closed is marked done in the store (guidance v8;
design.md, "Time": it stays in the task list until it is marked done). The case's workflow
has ended, so the store keeps the record: the row closes with who and why, and the case's
audit trail gains the entry, by the same rule of who may complete a task as a live case."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.authority import NotNow, Refused
from domain.models import CompleteTask
from domain.permissions import check_complete_task
from store.models import ACTION_MAX, AuditRow, CaseRow, TaskRow, aware, clipped

STORE_SEQ = 1_000_000  # the first audit number the store gives an entry of its own


def complete_after_closing(engine: Engine, workflow_id: str, msg: CompleteTask) -> tuple[str, str | None]:
    """Mark the open task `msg.task` (its name, or its number in the case's tasks) done;
    answer with what the audit trail now says and the case's outcome."""
    now = datetime.now(UTC)
    if msg.learning_points:  # they are sent to the line manager by the case, which has ended
        raise NotNow(
            "the case has closed: record its learning points on the review case (Annex A), then mark the task done"
        )
    with Session(engine) as session, session.begin():
        case = session.get(CaseRow, workflow_id)
        if case is None:
            raise Refused(f"no case with workflow id {workflow_id} in the store")
        name = msg.task
        tasks = (case.status or {}).get("tasks") or []
        if name.isdigit() and int(name) < len(tasks):
            name = str(tasks[int(name)].get("task", name))
        rows = session.scalars(
            select(TaskRow)
            .where(
                TaskRow.workflow_id == workflow_id,
                TaskRow.source == "task",
                TaskRow.action == clipped(name, ACTION_MAX),
            )
            .order_by(TaskRow.opened_at)
        ).all()
        row = next((r for r in rows if r.closed_at is None), None)
        if row is None:
            if rows:
                raise NotNow(f"task {name!r} was done by {rows[-1].done_by or 'someone'}")
            still = session.scalars(
                select(TaskRow.action).where(
                    TaskRow.workflow_id == workflow_id, TaskRow.source == "task", TaskRow.closed_at.is_(None)
                )
            ).all()
            if not still:
                raise NotNow(f"the case is closed ({case.outcome}) and no task on it is open")
            raise Refused(f"no open task {name!r} on this case (open tasks: {'; '.join(still)})")
        check_complete_task(msg.actor, name, row.actor_id or "", case.manager or "", msg.risk)
        row.closed_at, row.done_by, row.done_note = now, str(msg.actor), msg.note
        action = f"task done after the case closed: {name}"
        store_audit(session, case, str(msg.actor), action, list(row.paragraphs or []), msg.note, now)
        if msg.risk is not None:
            case.risk = msg.risk.value
        return action, case.outcome


def store_audit(
    session: Session, case: CaseRow, actor: str, action: str, paragraphs: list[str], detail: str, at: datetime
) -> None:
    """An audit entry the store writes itself, once the case's workflow cannot: numbered
    apart from the workflow's own entries (a case closed for want of grounds may yet reopen
    and go on numbering its history)."""
    last = session.scalar(
        select(func.max(AuditRow.seq)).where(
            AuditRow.workflow_id == case.workflow_id, AuditRow.seq >= STORE_SEQ
        )
    )
    seq = STORE_SEQ if last is None else last + 1
    session.add(
        AuditRow(workflow_id=case.workflow_id, seq=seq, case_ref=case.case_ref, at=at, actor=actor,
                 action=action, paragraphs=paragraphs, detail=detail)
    )  # fmt: skip


def done_after_closing(engine: Engine, workflow_id: str) -> dict[str, tuple[datetime, str, str]]:
    """The tasks of a closed case marked done in the store since (by name): when, by whom,
    and the note, so `status` shows them done (issue 26)."""
    with Session(engine) as session:
        rows = session.scalars(
            select(TaskRow).where(
                TaskRow.workflow_id == workflow_id, TaskRow.source == "task", TaskRow.done_by.is_not(None)
            )
        ).all()
    return {
        row.action: (aware(row.closed_at), row.done_by or "", row.done_note or "")
        for row in rows
        if row.closed_at
    }
