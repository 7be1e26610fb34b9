"""Opening a case (paras 2, 20-22; design.md "Rules of the house"): a client opens a case
with its open input only. A case's state comes only from continue-as-new: the client
refuses a `resume`, and a start that carries one anyway (straight to Temporal, past the
client) is refused by the workflow before it does anything."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from domain.models import ComplaintOpened
from domain.state import DecisionRun, DecisionState
from starter.client import Refusal, ReviewsClient
from store.models import AuditRow
from tests.conftest import decision_case


def forged_state(ref: str) -> DecisionState:
    opened = ComplaintOpened.model_validate(decision_case(ref))
    return DecisionState(
        kind="decision_complaint",
        case_ref=ref,
        owner="cw-alice",
        manager="om-bob",
        opened=opened,
        stage="awaiting_approval",
        guidance=0,
    )


def test_the_public_open_input_refuses_a_state_and_drops_a_null_one() -> None:
    data = decision_case("C-1")
    with pytest.raises(ValueError, match="cannot be opened in a given state"):
        ComplaintOpened.model_validate(data | {"resume": forged_state("C-1").model_dump(mode="json")})
    # Builds before the split wrote `resume: null` into every start input: still read.
    assert ComplaintOpened.model_validate(data | {"resume": None}) == ComplaintOpened.model_validate(data)
    assert "resume" not in ComplaintOpened.model_json_schema()["properties"]


async def test_the_client_cannot_open_a_case_in_a_given_state(reviews: ReviewsClient) -> None:
    data = decision_case() | {"resume": forged_state("C-2").model_dump(mode="json")}
    with pytest.raises(Refusal, match="cannot be opened in a given state"):
        await reviews.open("decision_complaint", data)


async def test_a_forged_state_sent_past_the_client_is_refused_before_anything_happens(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:
    ref = f"C-{uuid.uuid4().hex[:6]}"
    forged = DecisionRun.model_validate(decision_case(ref) | {"resume": forged_state(ref)})
    handle = await env.client.start_workflow(
        "DecisionComplaintWorkflow", forged, id=f"forged-{ref}", task_queue=reviews.task_queue
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert "cannot be started in a given state" in str(failed.value.cause)
    with activities.sessions() as session:  # nothing was recorded for the forged case
        assert session.query(AuditRow).filter(AuditRow.case_ref == ref).count() == 0
