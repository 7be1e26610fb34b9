"""Inputs of activities: one pydantic model each, shared with the workflows that call them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from domain.models import Adjustments, Awaiting, HistoryEntry, Task


class AuditEvent(BaseModel):
    seq: int
    entry: HistoryEntry


class CaseSnapshot(BaseModel):
    """What the store keeps of a case, written idempotently on every stage change."""

    workflow_id: str
    kind: str
    case_ref: str
    stage: str
    outcome: str | None = None
    owner: str | None = None
    manager: str | None = None
    risk: str | None = None
    opened_at: datetime
    closed_at: datetime | None = None
    awaiting: Awaiting | None = None
    # Guidance v8: the case's tasks, each a row of the store's task list (sent when they
    # changed; None from older cases, whose tasks lived only in their status).
    tasks: list[Task] | None = None
    status: dict[str, Any]
    # True: `status` holds only the fields that changed since the last sync (builds
    # before 2026-12-01 sent it whole, and their retries still may).
    status_changes_only: bool = False
    events: list[AuditEvent] = []


class Recipient(BaseModel):
    """Who a letter is for: a role in the case (service_user, case_owner...) and an id."""

    role: str
    id: str
    name: str | None = None
    email: str | None = None
    address: str | None = None


class LetterRequest(BaseModel):
    workflow_id: str
    key: str  # unique within the workflow: a retry with the same key sends nothing new
    kind: str
    case_ref: str
    to: Recipient
    cc: list[Recipient] = []
    at: datetime
    paragraphs: list[str] = []
    reasonable_adjustments: Adjustments = []
    ends_internal_process: bool = False
    context: dict[str, Any] = {}
    case_owner: str | None = None  # who a reasonable adjustment's task goes to
    # Guidance v8: the case opens the tasks its adjustments need (one per letter for a
    # phone call, one per case for the rest), so the letter opens none of its own.
    tasks_on_case: bool = False


class LetterPosted(BaseModel):
    """Staff printed and posted a letter (design.md, `mark_posted`): the post queue drops it."""

    workflow_id: str
    key: str
    posted_on: date
    posted_by: str


class EarlierReviewAsk(BaseModel):
    """Para 5: has this decision had a review that finished, in another case?"""

    case_ref: str
    workflow_id: str


class NewCaseRequest(BaseModel):
    """A new case created through shared services (paras 57, 64-65)."""

    workflow_id: str
    key: str
    from_case_ref: str
    kind: str  # fresh_primary_investigation / new_detailed_investigation
    priority: bool
    summary: str = ""
    allocation_advice: str = ""
    at: datetime


class NewCaseCreated(BaseModel):
    case_ref: str
    created: bool
