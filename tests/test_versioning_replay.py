"""Running cases survive code changes (design.md, "Rules of the house"): every history in
tests/histories/, recorded by earlier builds with `make histories`, replays against the
workflows of this build without a non-determinism error."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from starter.client import ReviewsClient
from tests.conftest import (
    CASE_OWNER,
    SERVICE_USER,
    decision_case,
    today,
)
from worker import RUNNER, WORKFLOWS

SETS = Path(__file__).parent / "histories"


def recorded() -> list[tuple[str, str, Path]]:
    out = []
    for manifest in sorted(SETS.glob("*/manifest.json")):
        for name, workflow_id in json.loads(manifest.read_text()).items():
            out.append((manifest.parent.name, workflow_id, manifest.parent / name))
    return out


def test_every_scenario_has_a_recorded_history() -> None:
    """A scenario added without recording its history would go unguarded."""
    scenarios = {p.stem for p in (SETS.parent.parent / "scenarios").glob("*.yaml")}
    have = {
        name.split(".")[0]
        for manifest in SETS.glob("*/manifest.json")
        for name in json.loads(manifest.read_text())
    }
    assert scenarios <= have, f"record histories (make histories) for: {sorted(scenarios - have)}"


@pytest.mark.parametrize(("set_name", "workflow_id", "path"), recorded(), ids=lambda v: str(v)[-60:])
async def test_recorded_history_replays_on_this_build(set_name: str, workflow_id: str, path: Path) -> None:
    history = WorkflowHistory.from_json(workflow_id, json.loads(gzip.decompress(path.read_bytes())))
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter, workflow_runner=RUNNER)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{set_name}/{path.name}: {result.replay_failure}"


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
    replayer = Replayer(
        workflows=WORKFLOWS, data_converter=reviews.client.data_converter, workflow_runner=RUNNER
    )
    for history in histories:
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, result.replay_failure
    # The check can fail: a build whose commands differ does not replay this history.
    from tests.drill_workflows import UnguardedBuild

    other = Replayer(workflows=[UnguardedBuild], data_converter=reviews.client.data_converter)
    changed = await other.replay_workflow(histories[0], raise_on_replay_failure=False)
    assert changed.replay_failure is not None
