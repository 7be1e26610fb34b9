"""Running cases survive code changes (design.md, "Rules of the house"): every history in
tests/histories/, recorded by earlier builds with `make histories`, replays against the
workflows of this build without a non-determinism error."""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

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


def recorded(set_dir: Path) -> list[tuple[str, Path]]:
    manifest = json.loads((set_dir / "manifest.json").read_text())
    return [(workflow_id, set_dir / name) for name, workflow_id in manifest.items()]


def stored_histories(set_dir: Path | None = None) -> list[WorkflowHistory]:
    """Every stored history of one set (None: of every set)."""
    dirs = [set_dir] if set_dir is not None else sorted(p.parent for p in SETS.glob("*/manifest.json"))
    return [
        WorkflowHistory.from_json(workflow_id, json.loads(gzip.decompress(path.read_bytes())))
        for d in dirs
        for workflow_id, path in recorded(d)
    ]


async def replay_failures(histories: list[WorkflowHistory], workflows: list[type] = WORKFLOWS) -> list[str]:
    """Replay them all through one replayer (one worker for the lot, as fast as it gets);
    each history that fails, named with why."""
    replayer = Replayer(workflows=workflows, data_converter=pydantic_data_converter, workflow_runner=RUNNER)

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    failed = []
    async with replayer.workflow_replay_iterator(each()) as results:
        async for result in results:
            if result.replay_failure is not None:
                failed.append(f"{result.history.workflow_id}: {result.replay_failure}")
    return failed


def test_every_scenario_has_a_recorded_history() -> None:
    """A scenario added without recording its history would go unguarded."""
    scenarios = {p.stem for p in (SETS.parent.parent / "scenarios").glob("*.yaml")}
    have = {
        name.split(".")[0]
        for manifest in SETS.glob("*/manifest.json")
        for name in json.loads(manifest.read_text())
    }
    assert scenarios <= have, f"record histories (make histories) for: {sorted(scenarios - have)}"


def replay_sets(names: list[str]) -> list[str]:
    """In a process of its own: replay these sets; each failure named with its set."""
    failed = []
    for name in names:
        histories = stored_histories(SETS / name)
        if not histories:
            failed.append(f"{name} holds no history")
        failed += [f"{name}: {why}" for why in asyncio.run(replay_failures(histories))]
    return failed


def test_recorded_histories_replay_on_this_build() -> None:
    """Every set, split over two processes (replaying is the workflows' own Python code, on
    one core each): half the time of one after the other, and every failure is reported."""
    names = sorted(p.parent.name for p in SETS.glob("*/manifest.json"))
    halves = [names[0::2], names[1::2]]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        failed = [why for part in pool.map(replay_sets, halves) for why in part]
    assert len(names) >= 16 and not failed, "\n".join(failed)


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
