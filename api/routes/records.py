"""What the store holds for people: letters as sent, open tasks (read from the store's
task table, kept current by the workflows, not from Temporal visibility)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from activities.letters import without_front_door_message
from api.deps import Caller, Directory, RowId, Store, require_readable
from api.problems import COMMON, Problem, documented
from api.visibility import letters_for
from domain.authority import is_staff
from domain.calendar import london_date
from domain.enums import Role
from store.letters import as_sent, post_pdf_path, post_queue, written
from store.models import LetterRow, TaskRow

router = APIRouter(responses=documented(*COMMON, 403, 404))


class LetterSent(BaseModel):
    n: int
    kind: str
    to: str
    to_role: str
    subject: str
    sent_at: datetime
    ends_internal_process: bool
    delivery: str = "sent"  # queued / sent / posted / bounced / failed (issue 25)
    by_post: bool = False
    posted_on: date | None = None


class LetterToPost(BaseModel):
    """A letter waiting to be printed and posted: print `pdf`, post it, then send
    `mark_posted` with `letter` to `workflow_id`."""

    workflow_id: str
    case_ref: str
    letter: int | None
    kind: str
    subject: str
    to_role: str
    to_name: str | None
    address: str | None
    written_at: datetime
    pdf: str


class OpenTask(BaseModel):
    workflow_id: str
    case_ref: str
    action: str
    actor_role: str
    actor_id: str | None
    due: date | None
    overdue: bool
    opened_at: datetime


def letters_of(store: Store, caller: Caller, workflow_id: str, directory: Directory) -> list[LetterRow]:
    require_readable(caller, workflow_id, store, directory)
    return written(store, [workflow_id], letters_for(caller))


@router.get("/cases/{workflow_id:case}/letters/{n}", tags=["letters"], response_class=Response)
async def letter(workflow_id: str, n: int, caller: Caller, store: Store, directory: Directory) -> Response:
    """One letter as sent (`message/rfc822`); n counts from 0. Without the party's
    one-time sign-in link: whoever reads it here is not the one it was sent to."""
    rows = letters_of(store, caller, workflow_id, directory)
    message = as_sent(rows[n]) if 0 <= n < len(rows) else None
    if message is None:
        raise Problem(404, f"no letter {n} on case {workflow_id}")
    return Response(bytes(without_front_door_message(message)), media_type="message/rfc822")


@router.get("/cases/{workflow_id:case}/letters", tags=["letters"], response_model=list[LetterSent])
async def letters(workflow_id: str, caller: Caller, store: Store, directory: Directory) -> list[LetterSent]:
    return [
        LetterSent(
            n=n,
            kind=r.kind,
            to=r.to_id,
            to_role=r.to_role,
            subject=r.subject,
            sent_at=r.created_at,
            ends_internal_process=r.ends_internal_process,
            delivery=r.delivery or "sent",
            by_post=r.channel == "post",
            posted_on=r.posted_on,
        )  # fmt: skip
        for n, r in enumerate(letters_of(store, caller, workflow_id, directory))
    ]


@router.get("/tasks", tags=["tasks"], response_model=list[OpenTask])
async def tasks(caller: Caller, store: Store) -> list[OpenTask]:
    """Open steps owed by the token's actor, or by their role where no one is named;
    overdue first, then by due date."""
    today = london_date(datetime.now().astimezone())
    actor = caller.actor
    with Session(store) as session:
        rows = session.scalars(select(TaskRow).where(TaskRow.closed_at.is_(None))).all()
    mine = [
        r for r in rows
        if r.actor_id == actor.id or (r.actor_id is None and r.actor_role == actor.role.value)
    ]  # fmt: skip
    if caller.bound:
        mine = [r for r in mine if r.workflow_id == caller.case]
    found = [
        OpenTask(
            workflow_id=r.workflow_id,
            case_ref=r.case_ref,
            action=r.action,
            actor_role=r.actor_role,
            actor_id=r.actor_id,
            due=r.due,
            overdue=r.due is not None and r.due < today,
            opened_at=r.opened_at,
        )  # fmt: skip
        for r in mine
    ]
    return sorted(found, key=lambda t: (not t.overdue, t.due or date.max, t.opened_at))


def require_staff(caller: Caller) -> None:
    """The post queue holds every postal letter's address: staff and the back office only."""
    if caller.bound or not (is_staff(caller.actor.role) or caller.actor.role is Role.BACK_OFFICE):
        raise Problem(403, "the post queue is for staff and the back office")


@router.get("/letters/to-post", tags=["letters"], response_model=list[LetterToPost])
async def to_post(caller: Caller, store: Store) -> list[LetterToPost]:
    """Letters waiting to be printed and posted, oldest first (design.md; 30-32)."""
    require_staff(caller)
    return [
        LetterToPost(**{k: v for k, v in row.items() if k in LetterToPost.model_fields},
                     pdf=f"/letters/to-post/{row['id']}.pdf")
        for row in post_queue(store)
    ]  # fmt: skip


@router.get("/letters/to-post/{letter_id}.pdf", tags=["letters"], response_class=Response)
async def to_post_pdf(letter_id: RowId, caller: Caller, store: Store) -> Response:
    """The print-ready PDF of a letter that goes by post (A4, the address in the window)."""
    require_staff(caller)
    found = post_pdf_path(store, letter_id)
    if found is None or not Path(found[1]).exists():
        raise Problem(404, f"no letter to post numbered {letter_id}")
    return Response(Path(found[1]).read_bytes(), media_type="application/pdf")
