"""Each case keeps the guidance it began under (domain/guidance; design.md, "Rules of the
house"): a new case runs the newest version, a case begun under an older one keeps it,
and a child runs its parent's version even when it starts on a newer build (63-64)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import yaml
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from domain.guidance import CURRENT
from domain.policy import DEFAULT_POLICY_FILE
from starter.client import ReviewsClient
from tests.conftest import SERVICE_USER, settings_in, terminate_when_quiet
from tests.test_approvals_and_further_work import NDI, to_oat_consideration
from worker import build_worker


def activities_under(folder: Path, version: int | None) -> CaseActivities:
    """A worker's activities whose policy names `version` (None: the build's newest)."""
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    if version is not None:
        policy["guidance"] = version
    policy_file = folder / f"policy-{version}.yaml"
    policy_file.write_text(yaml.safe_dump(policy))
    return CaseActivities(replace(settings_in(folder), policy_file=str(policy_file)))


async def child_after_two_comments_from_the_complainant(
    env: WorkflowEnvironment, tmp_path: Path, opened_under: int | None
) -> tuple[int | None, int | None, str | None]:
    """Open a case on a build whose policy names `opened_under`; then, on a build with the
    newest version, recommend a new detailed investigation and have the complainant
    comment twice. Returns the parent's and the child's versions and the step the child
    then awaits."""
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    reviews = ReviewsClient(env.client, task_queue)
    # No sticky cache: the Java test server does not hand a stopped worker's sticky tasks
    # back to the task queue, as a real server does after a few seconds.
    async with build_worker(
        env.client, activities_under(tmp_path, opened_under), task_queue, max_cached_workflows=0
    ):
        wid = await to_oat_consideration(reviews, env)
    # Both cases are ended while the worker still runs: the Java test server keeps time
    # skipping locked for a task that a termination cut short (tests/conftest.py).
    async with build_worker(env.client, activities_under(tmp_path, None), task_queue, max_cached_workflows=0):
        child = f"{wid}/new-detailed-investigation"
        try:
            status = await reviews.act(wid, "oat_decision", {"id": "oat-olu", "role": "oat_caseworker"}, NDI)
            assert status is not None and status.stage.value == "new_detailed_investigation"
            child = status.links.children[-1]
            for text in ("first thoughts", "and another thing"):
                await reviews.send(wid, "party_comment", SERVICE_USER, {"text": text})
            seen, settled = None, 0
            for _ in range(200):  # until both comments are in and the child has moved or settled
                child_status = await reviews.status(child)
                seen = child_status.awaiting.action if child_status.awaiting else None
                if len([h for h in child_status.history if h.action == "party_comment"]) == 2:
                    settled += 1
                    if seen != "party_comment" or settled > 20:
                        break
                await asyncio.sleep(0.05)
            parent = await reviews.status(wid)
            return parent.guidance, child_status.guidance, seen
        finally:
            await terminate_when_quiet(env, child)
            await terminate_when_quiet(env, wid)


async def test_a_new_case_runs_the_newest_guidance_and_two_comments_from_one_party_leave_the_window_open(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # para 63: the window ends early only when both parties have commented
    parent, child, awaiting = await child_after_two_comments_from_the_complainant(env, tmp_path, None)
    assert (parent, child) == (CURRENT, CURRENT)
    assert awaiting == "party_comment"


async def test_a_child_started_on_a_newer_build_runs_its_parents_version(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # a case begun under version 0, whose child starts after the change
    parent, child, awaiting = await child_after_two_comments_from_the_complainant(env, tmp_path, 0)
    assert (parent, child) == (0, 0)
    # Version 0 ended the window on any two comments: the child now awaits the decision.
    assert awaiting == "ndi_proceed"
