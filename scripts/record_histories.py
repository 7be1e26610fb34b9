"""Record the Temporal history of every scenario (and of each child and reclassified case it
starts) into tests/histories/<set>/, for the replay test (`make histories`).

A set is kept for good once committed: replaying histories made by earlier builds is what
proves that a code change does not break cases already running (design.md, "Rules of the
house"). Record a new set after a release; never overwrite an old one.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import sys
import tempfile
from pathlib import Path

from temporalio.client import Client, WorkflowHistory

from starter.claimcheck import ENCODING
from starter.client import quiet_runtime
from starter.simulate import load_scenario, simulate
from starter.testserver import start_time_skipping

ROOT = Path(__file__).resolve().parent.parent


async def _linked(client: Client, workflow_id: str, seen: set[str]) -> list[str]:
    """The workflow and everything it started, depth first."""
    if workflow_id in seen:
        return []
    seen.add(workflow_id)
    out = [workflow_id]
    handle = client.get_workflow_handle(workflow_id)
    async for event in handle.fetch_history_events():
        attrs = event.start_child_workflow_execution_initiated_event_attributes
        if attrs.workflow_id:
            out.extend(await _linked(client, attrs.workflow_id, seen))
    return out


async def _runs(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a workflow, first to last: a case that continued as new has one
    history per run, and each must replay (the later ones start from the carried state)."""
    runs = [await client.get_workflow_handle(workflow_id).fetch_history()]
    while (
        previous := runs[0].events[0].workflow_execution_started_event_attributes.continued_execution_run_id
    ):
        runs.insert(0, await client.get_workflow_handle(workflow_id, run_id=previous).fetch_history())
    return runs


def refuse_claim_checks(history: WorkflowHistory) -> None:
    """A recorded set replays with no case store beside it, so it holds no references to
    one (starter/claimcheck.py): the scenarios' payloads are all far below the threshold."""
    if base64.b64encode(ENCODING).decode() in history.to_json():  # metadata is base64 in JSON
        sys.exit(
            f"{history.workflow_id}: a payload was kept in the case store; a recorded set cannot hold one"
        )


async def record(set_name: str) -> None:
    target = ROOT / "tests" / "histories" / set_name
    if target.exists():
        sys.exit(f"{target} exists: a recorded set is never overwritten; choose a new name")
    target.mkdir(parents=True)
    manifest: dict[str, str] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        # A server per scenario: a case it leaves open (a reclassified complaint goes on)
        # would stop a shared test server from skipping time.
        env = await start_time_skipping()
        try:
            scenario = load_scenario(path)
            with tempfile.TemporaryDirectory() as folder:
                result = await simulate(scenario, env=env, data_dir=Path(folder))
            n = 0
            for wid in await _linked(env.client, result["workflow_id"], set()):
                for history in await _runs(env.client, wid):
                    refuse_claim_checks(history)
                    name = f"{path.stem}.{n}.json.gz"
                    (target / name).write_bytes(gzip.compress(history.to_json().encode()))
                    manifest[name] = wid
                    print(f"{name}: {wid} ({len(history.events)} events)")
                    n += 1
        finally:
            await env.shutdown()
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    quiet_runtime()
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "current"))
