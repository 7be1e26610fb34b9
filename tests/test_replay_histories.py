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
from temporalio.worker import Replayer

from worker import WORKFLOWS

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
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{set_name}/{path.name}: {result.replay_failure}"
