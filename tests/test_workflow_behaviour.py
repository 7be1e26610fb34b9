"""What a user sees on the real workflow: refusals never fail a workflow task, letters and
the store agree, histories replay deterministically."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.records import CaseActivities
from domain.calendar import end_of_day
from domain.policy import load_policy
from starter.client import Refusal, ReviewsClient
from store.models import AuditRow, CaseRow, LetterRow, TaskRow
from tests.conftest import CASE_OWNER, MANAGER, SERVICE_USER, decision_case, skip, today
from worker import WORKFLOWS


async def failed_workflow_tasks(client: ReviewsClient, wid: str) -> int:
    history = await client.client.get_workflow_handle(wid).fetch_history()
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)


async def test_refused_updates_are_clear_errors_and_the_case_goes_on(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    cases: list[tuple[str, dict[str, str], dict[str, Any], str]] = [
        (
            "case_owner_resolution",
            {"id": "cw-zed", "role": "caseworker"},
            {"resolved": True},
            "only the case owner",
        ),
        ("challenge_assessment", CASE_OWNER, {"actionable": True}, "stage case_owner_resolution"),
        ("case_owner_resolution", CASE_OWNER, {"resolved": "perhaps"}, "resolved"),
        ("case_owner_resolution", CASE_OWNER, {"resolved": False, "typo": 1}, "typo"),
        ("oat_advice", {"id": "x", "role": "oat_caseworker"}, {"route": "as_usual"}, "not expected now"),
        ("no_such_message", CASE_OWNER, {}, "unknown message"),
        ("case_owner_resolution", {"id": "cw-alice", "role": "wizard"}, {"resolved": False}, "role"),
    ]
    for message, actor, data, words in cases:
        with pytest.raises(Refusal, match=words):
            await reviews.send(wid, message, actor, data)
    status = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    assert status is not None and status.stage.value == "awaiting_grounds"
    assert await failed_workflow_tasks(reviews, wid) == 0


async def test_grounds_sent_early_are_kept_until_awaiting_grounds(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "x", "wanted": "y"})
    status = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    assert status is not None and status.stage.value == "challenge_assessment"
    assert status.grounds_in_time is True
    assert not [letter for letter in status.letters if letter.kind == "grounds_request"]


async def test_extension_moves_the_durable_timer(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 32
    data = decision_case(decided_on=await today(env))
    wid = await reviews.open("decision_complaint", data)
    first = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    assert first is not None and first.grounds_deadline is not None
    new_deadline = first.grounds_deadline + timedelta(days=60)
    with pytest.raises(Refusal, match="case's manager"):
        await reviews.send(
            wid,
            "extend_grounds_deadline",
            CASE_OWNER,
            {"new_deadline": new_deadline.isoformat(), "reason": "r"},
        )
    await reviews.send(
        wid,
        "extend_grounds_deadline",
        MANAGER,
        {"new_deadline": new_deadline.isoformat(), "reason": "GP records"},
    )
    await skip(env, timedelta(days=70))  # past the old deadline and its grace month
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_grounds" and status.grounds_deadline == new_deadline
    await skip(env, timedelta(days=55))  # past the new deadline and its grace month
    assert (await reviews.status(wid)).outcome == "grounds_not_received"


async def test_overdue_steps_remind_then_escalate(env: WorkflowEnvironment, reviews: ReviewsClient) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    status = await reviews.status(wid)
    assert status.awaiting is not None and status.awaiting.due is not None
    due = end_of_day(status.awaiting.due)
    await skip(env, due - await env.get_current_time() - timedelta(hours=1))
    assert (await reviews.status(wid)).letters == []  # not overdue yet
    await skip(env, timedelta(hours=2))
    assert [x.kind for x in (await reviews.status(wid)).letters] == ["task_overdue"]
    escalation = end_of_day(load_policy().durations.escalate_after.after(status.awaiting.due))
    await skip(env, escalation - await env.get_current_time() + timedelta(hours=1))
    status = await reviews.status(wid)
    assert [x.kind for x in status.letters] == ["task_overdue", "task_escalated"]
    assert status.awaiting is not None and status.awaiting.escalated


async def test_store_holds_case_audit_task_and_letters(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:
    wid = await reviews.open(
        "decision_complaint",
        decision_case(decided_on=await today(env)) | {"reasonable_adjustments": "BSL interpreter"},
    )
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": True})
    with activities.sessions() as session:
        row = session.get(CaseRow, wid)
        assert row is not None and row.outcome == "resolved_by_case_owner"
        audits = session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.workflow_id == wid))
        status = await reviews.status(wid)
        assert audits == len(status.history)
        # Each sync sent only what changed; merged, the store holds the status as it is.
        assert row.status == status.model_dump(mode="json", exclude={"history", "letters"})
        letters = session.scalars(select(LetterRow).where(LetterRow.workflow_id == wid)).all()
        assert [x.kind for x in letters] == ["closing"]
        assert (
            "BSL interpreter" in letters[0].body
            and "end of our internal complaints process" in letters[0].body
        )
        still_open = session.scalars(
            select(TaskRow.action).where(TaskRow.workflow_id == wid, TaskRow.closed_at.is_(None))
        ).all()
        # Every step closed with the case; what stays open is the case owner's task to make
        # the "BSL interpreter" adjustment (an `other` adjustment, issue 13) for its letter.
        assert still_open == [
            "adjustment: make the reasonable adjustment agreed for this letter: BSL interpreter"
        ]


async def test_recorded_histories_replay_deterministically(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(risk="medium", decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await reviews.send(
        wid, "oat_advice", {"id": "oat-1", "role": "oat_caseworker"}, {"route": "further_oversight"}
    )
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "x", "wanted": "y"})
    await reviews.send(wid, "challenge_assessment", CASE_OWNER, {"actionable": True, "analysis": "a"})
    await reviews.send(wid, "case_owner_review", CASE_OWNER, {"finding": "no_genuine_doubt"})
    await reviews.send(wid, "oat_outcome", {"id": "oat-1", "role": "oat_caseworker"}, {"outcome": "accepted"})
    await reviews.send(
        wid, "oat_decision", {"id": "oat-1", "role": "oat_caseworker"}, {"upheld": False, "analysis": "sound"}
    )
    status = await reviews.status(wid)
    assert status.outcome == "not_upheld"
    histories = [
        await reviews.client.get_workflow_handle(w).fetch_history() for w in (wid, f"{wid}/oat-review-1")
    ]
    replayer = Replayer(workflows=WORKFLOWS, data_converter=reviews.client.data_converter)
    for history in histories:
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, result.replay_failure
    # The check can fail: a build whose commands differ does not replay this history.
    from tests.drill_workflows import UnguardedBuild

    other = Replayer(workflows=[UnguardedBuild], data_converter=reviews.client.data_converter)
    changed = await other.replay_workflow(histories[0], raise_on_replay_failure=False)
    assert changed.replay_failure is not None


async def test_an_oat_outcome_forwarded_before_the_review_starts_is_kept(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    """The case forwards `oat_outcome` as soon as OAT sends it; the review child may not
    have reached its stage yet. Signal-with-start delivers it before the child's first
    step, which used to drop it and leave the case waiting for ever."""
    from domain.models import OatOutcomeMessage
    from workflows.oat_review import OatReferral, OatReviewWorkflow

    outcome = OatOutcomeMessage.model_validate(
        {"actor": {"id": "oat-1", "role": "oat_caseworker"}, "outcome": "accepted"}
    )
    handle = await env.client.start_workflow(
        OatReviewWorkflow.run,
        OatReferral(
            parent_id="none", case_ref="C-RACE", owner="cw-alice", manager="om-bob", risk="low", round=1
        ),
        id=f"oat-race-{uuid.uuid4().hex[:8]}",
        task_queue=reviews.task_queue,
        start_signal="forwarded_outcome",
        start_signal_args=[outcome],
    )
    result = await asyncio.wait_for(handle.result(), 30)
    assert result.outcome.value == "accepted"
