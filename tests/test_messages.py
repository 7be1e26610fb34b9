"""Messages (design.md, "Messages"; style.md "A message is answered exactly once"): no accepted message is lost or answered as
applied when it was not; a child that ends without a result never hangs the case;
children take only their own messages; cases keep their dates and continue as new."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from activities.models import CaseSnapshot
from activities.records import CaseActivities
from contract.receipts import Receipt
from domain.models import ExtendGroundsDeadline, Status
from starter.client import Refusal, ReviewsClient
from starter.simulate import load_scenario, simulate
from tests.conftest import (
    CASE_OWNER,
    MANAGER,
    OAT,
    SERVICE_USER,
    decision_case,
    failed_workflow_tasks,
    settings_in,
    terminate_when_quiet,
    today,
    until,
)
from worker import build_worker
from workflows.new_detailed_investigation import NewDetailedInvestigationWorkflow
from workflows.oat_review import OatReviewWorkflow

SCENARIOS = Path(__file__).parent.parent / "scenarios"


class GatedActivities(CaseActivities):
    """The real activities, but writing the case at `stage` waits for the test to let it
    go: the window in which a message can be accepted while the stage is being entered."""

    def __init__(self, folder: Path, stage: str) -> None:
        super().__init__(settings_in(folder))
        self.gated_stage = stage
        self.entered = threading.Event()
        self.release = threading.Event()

    @activity.defn(name="sync_case")
    def sync_case(self, snapshot: CaseSnapshot) -> None:
        if snapshot.stage == self.gated_stage and not self.release.is_set():
            self.entered.set()
            self.release.wait(30)
        super().sync_case(snapshot)


async def gated(
    env: WorkflowEnvironment, tmp_path: Path, stage: str
) -> tuple[ReviewsClient, GatedActivities, Any]:
    activities = GatedActivities(tmp_path, stage)
    client = ReviewsClient(env.client, f"gated-{uuid.uuid4().hex[:8]}")
    return client, activities, build_worker(env.client, activities, client.task_queue)


async def test_an_accepted_update_is_refused_when_the_stage_moves_on_before_using_it(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # para 32; style.md "A message is answered exactly once"
    """Issue 9 (1): an extension accepted while awaiting_grounds is being entered, then
    grounds arrive: the stage moves on; the caller hears so, never a false success."""
    client, activities, worker = await gated(env, tmp_path, "awaiting_grounds")
    async with worker:
        wid = await client.open("decision_complaint", decision_case(decided_on=await today(env)))
        resolving = asyncio.create_task(
            client.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        )
        assert await asyncio.to_thread(activities.entered.wait, 20)
        deadline = date.fromisoformat(await today(env)) + timedelta(days=60)
        extension = await env.client.get_workflow_handle(wid).start_update(
            "extend_grounds_deadline",
            ExtendGroundsDeadline(actor=MANAGER, new_deadline=deadline, reason="asked for more time"),
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            result_type=Receipt,
        )
        await client.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "wrong facts"})
        activities.release.set()
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await asyncio.wait_for(extension.result(), 30)
        assert "moved on to challenge_assessment before this could be applied" in str(refused.value.cause)
        await resolving
        status = await client.status(wid)
        assert status.stage.value == "challenge_assessment"
        assert not any("extended" in h.action for h in status.history)
        assert await failed_workflow_tasks(client, wid) == 0
        await terminate_when_quiet(env, wid)


async def to_oat_review(env: WorkflowEnvironment, reviews: ReviewsClient) -> str:
    """A case that goes straight to OAT on receiving grounds (37)."""
    opened = decision_case(decided_on=await today(env))
    opened["flags"] = {"oat_direct": True}
    wid = await reviews.open("decision_complaint", opened)
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "wrong", "wanted": "a review"})

    async def child_running() -> bool:
        status = await reviews.status(wid)
        return status.stage.value == "oat_review" and bool(status.links.children)

    await until(child_running)
    return wid


# A child that ends without a result is tested on the real dev server
# (tests/test_deploy_dev_server_edges.py): the test server never reports a terminated child.


async def test_children_take_only_their_own_messages(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    """Issue 9 (3): a decline sent to OAT's review is not a message it takes; the child
    and the case go on (22 is for the case's manager, on the case)."""
    for kind in (OatReviewWorkflow, NewDetailedInvestigationWorkflow):
        for name in ("pause_clock", "resume_clock", "decline_unacceptable_behaviour", "approve"):
            assert not hasattr(kind, name), f"{kind.__name__} must not take {name}"
    wid = await to_oat_review(env, reviews)
    child = env.client.get_workflow_handle((await reviews.status(wid)).links.children[0])
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await child.execute_update(
            "decline_unacceptable_behaviour", {"actor": MANAGER, "reason": "abusive"}, result_type=Receipt
        )
    assert "decline_unacceptable_behaviour" in str(refused.value.cause) and "not found" in str(
        refused.value.cause
    )
    receipt = await reviews.send(wid, "oat_outcome", OAT, {"outcome": "accepted"})
    assert isinstance(receipt, Receipt) and receipt.stage.value == "oat_consideration"
    assert await failed_workflow_tasks(reviews, child.id) == 0


async def test_an_update_answers_with_a_small_receipt(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    """Issue 9 (4): payloads do not grow with the case's history."""
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    receipt = await reviews.send(
        wid, "case_owner_resolution", CASE_OWNER, {"resolved": False, "note": "tried"}
    )
    assert isinstance(receipt, Receipt)
    assert (
        receipt.stage.value == "awaiting_grounds"
        and receipt.awaiting
        and receipt.awaiting.action == "grounds_submitted"
    )
    assert "case owner could not resolve the complaint" in receipt.recorded
    assert len(receipt.model_dump_json()) < 1500


def comparable(status: dict[str, Any]) -> dict[str, Any]:
    return {
        "stage": status["stage"],
        "outcome": status["outcome"],
        "grounds_deadline": status["grounds_deadline"],
        "jr_delay_not_challenged": status["jr_delay_not_challenged"],
        "letters": [(x["kind"], x["to"], x["sent_at"][:10]) for x in status["letters"]],
        "ledger": [(x["paragraph"], x["state"]) for x in status["ledger"]],
        "history": [
            (h["action"], h["at"][:16]) for h in status["history"] if "continued as new" not in h["action"]
        ],
    }


@pytest.mark.parametrize("name", ["21_extension_and_jr_delay", "24_service_complaint_upheld_with_payment"])
async def test_a_case_that_continues_as_new_finishes_exactly_as_without(name: str) -> None:
    """Issue 9 (4): long-lived cases stay small. With a tiny history limit the case
    continues as new mid-stage, timers running, and ends the same."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    plain = await simulate(scenario)
    small = await simulate({**scenario, "policy": {**scenario.get("policy", {}), "history_limit": 40}})
    runs = [h for h in small["status"]["history"] if "continued as new" in h["action"]]
    assert runs, "the limit should have made the case continue as new"
    assert small["expect_met"] and plain["expect_met"]
    assert comparable(small["status"]) == comparable(plain["status"])
    assert Status.model_validate(small["status"]).stage.value == "closed"


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
