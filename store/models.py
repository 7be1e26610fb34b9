"""Tables: cases, an append-only audit trail, open tasks, and the letters outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CaseRow(Base):
    __tablename__ = "cases"
    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    case_ref: Mapped[str] = mapped_column(String(100), index=True)
    stage: Mapped[str] = mapped_column(String(60), index=True)
    outcome: Mapped[str | None] = mapped_column(String(80), index=True)
    owner: Mapped[str | None] = mapped_column(String(100), index=True)  # ix_cases_owner
    manager: Mapped[str | None] = mapped_column(String(100))
    risk: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only: (workflow_id, seq) is unique, so a retried write adds nothing."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("workflow_id", "seq", name="uq_audit_workflow_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    case_ref: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(300))
    paragraphs: Mapped[list[Any]] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")


class TaskRow(Base):
    """Who must act, by when: one open row per case for the step it is waiting on."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("workflow_id", "action", "opened_at", name="uq_task"),
        # "My tasks" and "My team" read open tasks by person, by role, by action.
        Index("ix_tasks_open_actor", "closed_at", "actor_id"),
        Index("ix_tasks_open_role", "closed_at", "actor_role", "actor_id"),
        Index("ix_tasks_open_action", "closed_at", "action"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    case_ref: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(100), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    due: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)  # the task's words in full
    # Migration 0007 (guidance v8): "task" for a task opened on the case (status.tasks),
    # else the step the case waits on or an older letter's adjustment task.
    source: Mapped[str | None] = mapped_column(String(10), nullable=True)
    paragraphs: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    done_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0010 (issue 26): work allocation, never authority. A team's step taken by
    # one person, and the date its holder means to come back to it.
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    follow_up_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    follow_up_note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class LetterRow(Base):
    """The outbox: (workflow_id, key) is unique, so a retried activity sends nothing twice."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("workflow_id", "key", name="uq_letter_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    key: Mapped[str] = mapped_column(String(120))
    case_ref: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    to_role: Mapped[str] = mapped_column(String(60))
    to_id: Mapped[str] = mapped_column(String(200))
    to_email: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    paragraphs: Mapped[list[Any]] = mapped_column(JSON)
    ends_internal_process: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    eml_path: Mapped[str | None] = mapped_column(String(500))
    # How each reasonable adjustment was honoured for this letter (para 31).
    adjustments: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # The outbox (issue 25): queued, then sent / bounced / failed by the dispatcher, or
    # posted by staff for a letter that goes by post.
    delivery: Mapped[str | None] = mapped_column(String(10), index=True)
    channel: Mapped[str | None] = mapped_column(String(10))  # email | post
    to_name: Mapped[str | None] = mapped_column(String(200))
    to_address: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int | None] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivery_note: Mapped[str | None] = mapped_column(Text)
    posted_on: Mapped[date | None] = mapped_column(Date)
    posted_by: Mapped[str | None] = mapped_column(String(200))


class NewCaseRow(Base):
    """Cases created through shared services after an upheld review (57, 64)."""

    __tablename__ = "new_cases"
    __table_args__ = (UniqueConstraint("workflow_id", "key", name="uq_new_case_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(120))
    case_ref: Mapped[str] = mapped_column(String(100), unique=True)
    from_case_ref: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(60))
    priority: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text, default="")
    allocation_advice: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EndedSessionRow(Base):
    """A pages session signed out of: its cookie is refused from then on (issue 23)."""

    __tablename__ = "ended_sessions"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SavedViewRow(Base):
    """A person's saved filters for My tasks or My team (issue 26): a name and the query."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("person", "page", "name", name="uq_saved_view"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person: Mapped[str] = mapped_column(String(200))
    page: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(1000))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FormDraftRow(Base):
    """A form sent back with errors, for the redirect that shows it (store/drafts.py)."""

    __tablename__ = "form_drafts"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(200))
    workflow_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RateMarkRow(Base):
    """One message, upload or bad token counted against a caller's window (issue 23): in the
    store, so every API process counts the same flood."""

    __tablename__ = "rate_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_rate_marks_key_at", "key", "at"),)


ACTION_MAX = 100  # tasks.action
AUDIT_ACTION_MAX = 300  # audit_events.action
SUBJECT_MAX = 300  # letters.subject


def aware(when: datetime) -> datetime:
    """A time as the store gives it back (SQLite drops the zone: naive UTC), made
    comparable with any aware time."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def clipped(text: str, size: int) -> str:
    """Text for a column of `size` characters: whole if it fits, else cut with an ellipsis
    (the whole of it is kept in a Text column beside)."""
    return text if len(text) <= size else text[: size - 1] + "…"


class PayloadRow(Base):
    """A Temporal payload too large to travel in a workflow's history, kept here by its
    sha256 (the claim check, starter/claimcheck.py): the history holds only the reference
    (design.md, "Rules of the house": any one payload under 256 KB)."""

    __tablename__ = "payloads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInLinkRow(Base):
    """A one-time link into a party's own case (design.md, the front door; issue 27). Only
    the link's SHA-256 is kept: whoever reads the store cannot sign in with it."""

    __tablename__ = "sign_in_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    party: Mapped[str] = mapped_column(String(20))  # service_user | organisation
    party_id: Mapped[str] = mapped_column(String(200))
    letter_key: Mapped[str | None] = mapped_column(String(120))  # the letter that carried it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PartyIdentityRow(Base):
    """A party of a case bound by the back office to an account at the parties' identity
    provider (issue 27: "with the party bound to the case by the back office"): whoever
    signs in there as that subject sees that party's case, and nothing else."""

    __tablename__ = "party_identities"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", "workflow_id", "party", name="uq_party_identity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255), index=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    party: Mapped[str] = mapped_column(String(20))  # service_user | organisation
    party_id: Mapped[str] = mapped_column(String(200))
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    bound_by: Mapped[str] = mapped_column(String(200))


class FrontDoorUseRow(Base):
    """A party signing in, or sending something, through the front door: what the measures
    count (issue 27: how many used it, how long from letter to submission)."""

    __tablename__ = "front_door_uses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    party: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(60))  # signed_in, or the message sent
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    since_letter_seconds: Mapped[int | None] = mapped_column(Integer)
