"""Review and OAT (paras 38-53): the case owner's assessment and review, OAT's review of a
referral (a child workflow) and OAT's decision told to the case owner, on the real
workflows with time skipping."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from starter.client import ReviewsClient
from starter.simulate import simulate
from tests.scenario_files import scenario


async def test_oats_decision_copies_the_manager_only_when_supervised(tmp_path: Path) -> None:
    """Guards fault 4 of issue 16 on the real workflow (para 53): medium risk is supervised."""
    medium = await simulate(scenario("31"), data_dir=tmp_path / "medium")
    (told,) = [x for x in medium["status"]["letters"] if x["kind"] == "oat_decision_to_case_owner"]
    assert (told["to"], told["cc"]) == ("cw-alice", ["om-bob"])
    low = await simulate(scenario("30"), data_dir=tmp_path / "low")
    (told,) = [x for x in low["status"]["letters"] if x["kind"] == "oat_decision_to_case_owner"]
    assert (told["to"], told["cc"]) == ("cw-alice", [])


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
