"""Data the store cannot hold is never retried for ever (issue 23; design.md, "Rules of the
house"). On the real PostgreSQL a NUL character in an audit entry raised DataError and the
sync was retried without end; now the activity answers with a non-retryable error, and the
case answers that by opening a task for a person and going on. The edge refuses such data
first (domain/bounds.py); this is what holds when something gets past it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.heartbeat import STORE_REFUSED, UNSTORABLE
from activities.models import CaseSnapshot, LetterRequest
from activities.records import CaseActivities
from domain.models import LetterRecord
from starter.client import ReviewsClient
from tests.conftest import (
    CASE_OWNER,
    decision_case,
    failed_workflow_tasks,
    settings_in,
    terminate_when_quiet,
    today,
    until_stage,
)
from tests.test_store import letter, postgres_schema_url, snapshot
from worker import build_worker

ORGANISATION = {"id": "org-1", "role": "organisation"}


def test_a_value_postgresql_cannot_hold_is_a_final_error_not_a_retry(tmp_path: Path) -> None:
    store = CaseActivities(settings_in(tmp_path, postgres_schema_url()))
    poisoned = snapshot(1, None)
    poisoned.events[0].entry.detail = "before\x00after"
    with pytest.raises(ApplicationError) as refused:
        store.sync_case(poisoned)
    assert refused.value.type == UNSTORABLE and refused.value.non_retryable
    assert refused.value.message.startswith(f"{STORE_REFUSED}: ") and "NUL" in refused.value.message
    request = letter("002-closing")
    request.case_ref = "C-\x00"
    with pytest.raises(ApplicationError) as refused_letter:
        store.send_letter(request)
    assert refused_letter.value.type == UNSTORABLE and refused_letter.value.non_retryable
    store.sync_case(snapshot(2, None))  # the store itself is fine: the next record is kept


class RefusingStore(CaseActivities):
    """The store as PostgreSQL answers poisoned data: one note, and one letter, refused."""

    @activity.defn(name="sync_case")
    def sync_case(self, snapshot: CaseSnapshot) -> None:
        if any("POISON" in event.entry.detail for event in snapshot.events):
            raise ApplicationError(f"{STORE_REFUSED}: A string literal cannot contain NUL", type=UNSTORABLE,
                                   non_retryable=True)  # fmt: skip
        super().sync_case(snapshot)

    @activity.defn(name="send_letter")
    def send_letter(self, request: LetterRequest) -> LetterRecord:
        if request.to.role == "organisation":
            raise ApplicationError(f"{STORE_REFUSED}: value too long", type=UNSTORABLE, non_retryable=True)
        return super().send_letter(request)


async def test_a_case_whose_record_the_store_refuses_opens_a_task_and_goes_on(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    reviews = ReviewsClient(env.client, f"refuse-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, RefusingStore(settings_in(tmp_path)), reviews.task_queue):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        await reviews.send(wid, "evidence_submitted", ORGANISATION, {"note": "POISON twice"})
        await reviews.send(wid, "evidence_submitted", ORGANISATION, {"note": "POISON again"})
        await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        await until_stage(reviews, wid, "awaiting_grounds")  # the case went on
        status = await reviews.status(wid)
        assert await failed_workflow_tasks(reviews, wid) == 0
        kept = [t for t in status.tasks if t.task.startswith("the case store could not keep part")]
        assert len(kept) == 1 and kept[0].assignee == "cw-alice" and "NUL" in kept[0].detail  # once
        unsent = [t for t in status.tasks if t.task.startswith("a letter to ")]
        assert unsent and unsent[0].task.endswith("could not be kept: tell the system's operators")
        assert all("check the address" not in t.task for t in status.tasks)
        assert any(letter.undeliverable for letter in status.letters if letter.to_role == "organisation")
        notes = [e.detail for e in status.history if e.action == "note sent with the documents"]
        assert notes == ["POISON twice", "POISON again"]  # the case itself keeps every word
        await terminate_when_quiet(env, wid)
