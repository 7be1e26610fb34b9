"""Reclassification keeps what the case is (issue 24; paras 12, 76): the decision complaint
a service complaint becomes takes its flags and the organisation, so a joint PHSO/LGSCO
decision goes on to the Joint Working Team."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from starter.client import ReviewsClient
from starter.testserver import start_time_skipping
from tests.conftest import CASE_OWNER, settings_in, today, until_stage
from tests.test_service_and_feedback import service_case
from worker import build_worker


@pytest.fixture(scope="module")
async def own_server() -> AsyncIterator[WorkflowEnvironment]:
    """A server of its own: a reclassified case that closes at once, as a child whose
    parent has closed, leaves the Java test server unable to skip time for later tests."""
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


async def test_a_reclassified_joint_decision_goes_on_to_the_joint_working_team(
    own_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    env = own_server
    reviews = ReviewsClient(env.client, f"reclassify-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, CaseActivities(settings_in(tmp_path)), reviews.task_queue):
        wid = await reviews.open("service_complaint", service_case())
        organisation = {"name": "Riverside NHS Trust", "email": "complaints@riverside.example"}
        status = await reviews.act(
            wid, "reclassify_as_decision_complaint", CASE_OWNER,
            {"reason": "it is about a joint decision", "decided_on": await today(env),
             "flags": {"lgsco_joint": True, "mp_involved": True}, "organisation": organisation},
        )  # fmt: skip
        assert status.outcome == "reclassified_decision_complaint" and status.links.reclassified_to
        new = status.links.reclassified_to
        await until_stage(reviews, new, "closed")
        decision = await reviews.status(new)
        assert decision.outcome == "referred_to_joint_working_team"
        assert decision.links.reclassified_from == wid
