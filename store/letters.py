"""The outbox as people work it (issue 25): each letter's delivery state, read into a
case's `status`; the post queue staff print from; and a letter marked posted after its
case has closed, which the store records itself (design.md: `mark_posted` at any stage)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.authority import NotAllowed, NotNow, Refused
from domain.calendar import london_date
from domain.enums import Role
from domain.models import MarkPosted
from store.models import CaseRow, LetterRow, aware
from store.tasks import store_audit


def deliveries(engine: Engine, workflow_id: str) -> dict[str, tuple[str, str | None]]:
    """Each letter's delivery state and, when it could not go, why: by letter key."""
    with Session(engine) as session:
        rows = session.execute(
            select(LetterRow.key, LetterRow.delivery, LetterRow.delivery_note).where(
                LetterRow.workflow_id == workflow_id
            )
        ).all()
    return {key: (delivery or "sent", note) for key, delivery, note in rows}


def written(engine: Engine, workflow_ids: list[str], roles: Iterable[str] | None = None) -> list[LetterRow]:
    """The letters of these cases (to these roles), in the order written."""
    query = select(LetterRow).where(LetterRow.workflow_id.in_(workflow_ids))
    if roles is not None:
        query = query.where(LetterRow.to_role.in_(list(roles)))
    with Session(engine) as session:
        return in_written_order(session.scalars(query))


def in_written_order(rows: Iterable[LetterRow]) -> list[LetterRow]:
    """Letters in the order their cases wrote them: a case's `letters`, whose place
    `mark_posted` and `/letters/{n}` take. Not the store's row order: the letters of one
    step are written by activities that run side by side, and are stored in either order."""
    return sorted(rows, key=lambda r: (aware(r.created_at), r.workflow_id, _place(r.key), r.id))


def _place(key: str) -> int:
    """A letter's place in its case; a key not numbered (none are, since issue 25) after the rest."""
    found = letter_index(key)
    return 10**9 if found is None else found


def as_sent(row: LetterRow) -> EmailMessage | None:
    """The letter as it was sent (its .eml), or None if the outbox no longer has it."""
    if not row.eml_path or not Path(row.eml_path).exists():
        return None
    with Path(row.eml_path).open("rb") as eml:
        parsed = BytesParser(policy=email_policy.default).parse(eml)
    assert isinstance(parsed, EmailMessage)
    return parsed


def letter_index(key: str) -> int | None:
    """A letter's place in its case's `letters`: keys are numbered from 001 as it sends them."""
    head = key.partition("-")[0]
    return int(head) - 1 if head.isdigit() else None


def post_queue(engine: Engine, limit: int = 500) -> list[dict[str, Any]]:
    """Letters waiting to be printed and posted, oldest first."""
    with Session(engine) as session:
        rows = in_written_order(session.scalars(
            select(LetterRow)
            .where(LetterRow.channel == "post", LetterRow.delivery == "queued")
            .order_by(LetterRow.created_at, LetterRow.id)
            .limit(limit)
        ))  # fmt: skip
        return [
            {
                "id": row.id,
                "workflow_id": row.workflow_id,
                "case_ref": row.case_ref,
                "letter": letter_index(row.key),
                "key": row.key,
                "kind": row.kind,
                "subject": row.subject,
                "to_role": row.to_role,
                "to_name": row.to_name,
                "address": row.to_address,
                "written_at": aware(row.created_at).isoformat(),
            }
            for row in rows
        ]


def post_pdf_path(engine: Engine, letter_id: int) -> tuple[str, str] | None:
    """(workflow id, path of the print-ready PDF) of a letter that goes by post."""
    with Session(engine) as session:
        row = session.get(LetterRow, letter_id)
        if row is None or row.channel != "post" or not row.eml_path:
            return None
        return row.workflow_id, row.eml_path.removesuffix(".eml") + ".post.pdf"


def mark_posted_after_closing(engine: Engine, workflow_id: str, msg: MarkPosted) -> tuple[str, str | None]:
    """The case has ended: the store marks its letter posted, with an audit entry."""
    if msg.actor.role in (Role.SERVICE_USER, Role.ORGANISATION):
        raise NotAllowed("a letter is marked posted by staff or the back office")
    now = datetime.now(UTC)
    if msg.posted_on > london_date(now):
        raise Refused(f"posted_on {msg.posted_on} is later than today")
    with Session(engine) as session, session.begin():
        case = session.get(CaseRow, workflow_id)
        if case is None:
            raise Refused(f"no case with workflow id {workflow_id} in the store")
        rows = session.scalars(select(LetterRow).where(LetterRow.workflow_id == workflow_id)).all()
        row = next(
            (r for r in rows if (r.key == msg.key if msg.key else letter_index(r.key) == msg.letter)), None
        )
        if row is None:
            raise Refused(f"this case has no letter {msg.letter}")
        if row.channel != "post":
            raise Refused(f"letter {msg.letter} ({row.kind}) went by e-mail, not by post")
        if row.delivery == "posted":
            raise NotNow(f"letter {msg.letter} was marked posted on {row.posted_on} by {row.posted_by}")
        if msg.posted_on < london_date(aware(row.created_at)):
            raise Refused(f"posted_on {msg.posted_on} is before the letter was written")
        row.delivery, row.posted_on, row.posted_by, row.delivered_at = (
            "posted",
            msg.posted_on,
            str(msg.actor),
            now,
        )
        action = f"letter posted after the case closed: {row.kind} to {row.to_id}"
        store_audit(session, case, str(msg.actor), action, ["30", "31"], msg.note, now)
        return action, case.outcome


__all__ = ["date", "deliveries", "mark_posted_after_closing", "post_pdf_path", "post_queue"]
