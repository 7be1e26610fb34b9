"""The versioning drill (design.md, "Rules of the house"; README, "Changing a workflow while cases are running").

A new build changes the decision complaint's commands: it waits a moment at intake before
anything else, behind `workflow.patched`. A case started on the old build and waiting for
grounds is carried on by the new build, a case started on the new build takes the new
path, and both finish as they should. Every stored history replays on the new build. The
same change made without the patch breaks the old case on replay: the patch is what makes
it safe, and this test would notice if it stopped being so."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from activities.records import CaseActivities
from starter.client import ReviewsClient
from tests.conftest import CASE_OWNER, decision_case, today, until_stage
from tests.drill_workflows import DRILL_PATCH, PatchedBuild, UnguardedBuild
from tests.test_versioning_replay import SETS, replay_failures, stored_histories
from worker import RUNNER, WORKFLOWS, activity_functions
from workflows.decision.workflow import DecisionComplaintWorkflow


def build(cls: type, replacing: type = DecisionComplaintWorkflow) -> list[type]:
    return [cls if w is replacing else w for w in WORKFLOWS]


def worker_of(
    workflows: list[type], env: WorkflowEnvironment, activities: CaseActivities, queue: str
) -> Worker:
    """No sticky cache: the Java test server does not hand a stopped worker's sticky
    tasks back to the task queue, as a real server does after a few seconds."""
    return Worker(
        env.client,
        task_queue=queue,
        workflows=workflows,
        activities=activity_functions(activities),
        activity_executor=ThreadPoolExecutor(max_workers=4),
        max_cached_workflows=0,
        workflow_runner=RUNNER,
    )


async def replays(history: WorkflowHistory, workflows: list[type]) -> str | None:
    replayer = Replayer(workflows=workflows, data_converter=pydantic_data_converter, workflow_runner=RUNNER)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return None if result.replay_failure is None else str(result.replay_failure)


def has_marker(history: WorkflowHistory) -> bool:
    """Whether the case took the drill's new path (its patch marker is recorded)."""
    return any(
        e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED and DRILL_PATCH.encode() in e.SerializeToString()
        for e in history.events
    )


async def test_a_change_behind_workflow_patched_carries_old_and_new_cases_through(
    env: WorkflowEnvironment, activities: CaseActivities
) -> None:
    queue = f"drill-{uuid.uuid4().hex[:8]}"
    client = ReviewsClient(env.client, queue)
    on = await today(env)

    # The old build: a case waits for grounds, its timer set.
    async with worker_of(WORKFLOWS, env, activities, queue):
        old = await client.open("decision_complaint", decision_case(decided_on=on))
        await until_stage(client, old, "case_owner_resolution")
        await client.send(old, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        await until_stage(client, old, "awaiting_grounds")

    # The new build takes over: the old case goes on; a new case takes the new path.
    async with worker_of(build(PatchedBuild), env, activities, queue):
        new = await client.open("decision_complaint", decision_case(decided_on=on))
        await until_stage(client, new, "case_owner_resolution")
        await client.send(new, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        await until_stage(client, new, "awaiting_grounds")
        for wid in (new, old):
            await client.send(
                wid, "grounds_submitted", {"id": "su-1", "role": "service_user"},
                {"why_wrong": "evidence missed", "wanted": "put right"},
            )  # fmt: skip
            await until_stage(client, wid, "challenge_assessment")
            await client.send(
                wid, "challenge_assessment", CASE_OWNER, {"actionable": False, "analysis": "only unhappy"}
            )
            await until_stage(client, wid, "closed")
        for wid in (old, new):
            assert (await client.status(wid)).outcome == "not_actionable"

    old_history = await env.client.get_workflow_handle(old).fetch_history()
    new_history = await env.client.get_workflow_handle(new).fetch_history()
    assert not has_marker(old_history) and has_marker(new_history)
    # Both replay on the new build; the old case would not on a build without the patch.
    assert await replays(old_history, build(PatchedBuild)) is None
    assert await replays(new_history, build(PatchedBuild)) is None
    broken = await replays(old_history, build(UnguardedBuild))
    assert broken is not None and "nondetermin" in broken.lower(), broken

    # And the stored histories of the fullest set (the newest: each holds every scenario of
    # its day) replay on the new build; every set replays on this build in
    # test_versioning_replay, and the drill's build differs only by its patch.
    newest = max(
        (p.parent for p in SETS.glob("*/manifest.json")),
        key=lambda d: (len(json.loads((d / "manifest.json").read_text())), d.name),
    )
    decision_complaints = [
        history
        for history in stored_histories(newest)
        if history.events[0].workflow_execution_started_event_attributes.workflow_type.name
        == "DecisionComplaintWorkflow"
    ]
    assert decision_complaints
    assert await replay_failures(decision_complaints, build(PatchedBuild)) == []
