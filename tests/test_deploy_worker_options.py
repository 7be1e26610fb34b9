"""`reviews worker` for a real cluster (design.md, "Real components and how they start"): TLS files, an API key, activity
slots that match the threads that run them, and a stop that takes a bounded time."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from starter.client import Refusal, tls_from_files
from starter.testserver import start_time_skipping
from tests.conftest import settings_in, until
from worker import BoundedWorker, build_worker

REVIEWS = str(Path(sys.executable).with_name("reviews"))


async def test_activity_slots_match_the_thread_pool(env: WorkflowEnvironment, tmp_path: Path) -> None:
    worker = build_worker(
        env.client, CaseActivities(settings_in(tmp_path)), "slots", max_activities=3, max_workflow_tasks=7
    )
    config = worker.config()
    assert config["max_concurrent_activities"] == 3
    assert config["activity_executor"]._max_workers == 3  # type: ignore[union-attr]
    assert config["max_concurrent_workflow_tasks"] == 7


def test_tls_from_pem_files(tmp_path: Path) -> None:
    cert, key, ca = (tmp_path / n for n in ("client.pem", "client.key", "ca.pem"))
    for path in (cert, key, ca):
        path.write_bytes(f"-----BEGIN {path.name}-----\n".encode())
    assert tls_from_files(None, None, None) is False
    tls = tls_from_files(str(cert), str(key), str(ca))
    assert not isinstance(tls, bool)
    assert tls.client_cert == cert.read_bytes() and tls.client_private_key == key.read_bytes()
    assert tls.server_root_ca_cert == ca.read_bytes()
    with pytest.raises(Refusal, match="give both --tls-cert and --tls-key"):
        tls_from_files(str(cert), None, None)


def test_the_worker_command_names_every_option() -> None:
    shown = subprocess.run([REVIEWS, "worker", "--help"], capture_output=True, text=True, timeout=60).stdout
    for option in (
        "--address",
        "--namespace",
        "--tls-cert",
        "--tls-key",
        "--tls-ca",
        "--api-key",
        "--max-activities",
    ):
        assert option in shown, option


release = threading.Event()


class StopProbe(BaseModel):
    note: str = ""


@activity.defn
def held_up(_: StopProbe) -> None:
    release.wait(60)  # a letter's SMTP server that does not answer, say


@workflow.defn(sandboxed=False)
class HeldUp:
    @workflow.run
    async def run(self, probe: StopProbe) -> None:
        await workflow.execute_activity(held_up, probe, start_to_close_timeout=timedelta(minutes=2))


async def test_a_stop_waits_a_bounded_time_for_what_the_worker_holds() -> None:
    """Ctrl-C (or SIGTERM) ends the worker within the bound even while an activity hangs
    or the server keeps a poll open (temporalio/temporal#11841): before, a stop could wait
    a minute or more. Cut short, it says so; Temporal retries the activity. (A server of
    its own: the activity is still running when the test ends.)"""
    queue = f"stop-{uuid.uuid4().hex[:8]}"
    release.clear()
    own = await start_time_skipping()
    try:
        worker = BoundedWorker(
            own.client, task_queue=queue, workflows=[HeldUp], activities=[held_up],
            activity_executor=ThreadPoolExecutor(2), shutdown_wait=1.0,
        )  # fmt: skip
        async with worker:
            handle = await own.client.start_workflow(
                HeldUp.run, StopProbe(), id=f"held-{queue}", task_queue=queue
            )
            await until(lambda: activity_started(handle), seconds=10, every=0.1)
            started = time.monotonic()
        assert worker.cut_short and time.monotonic() - started < 5
    finally:
        release.set()
        await own.shutdown()


async def activity_started(handle: WorkflowHandle[Any, Any]) -> bool:
    pending = (await handle.describe()).raw_description.pending_activities
    return bool(pending) and pending[0].state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED


async def test_a_stop_with_nothing_held_is_clean(env: WorkflowEnvironment, tmp_path: Path) -> None:
    worker = build_worker(env.client, CaseActivities(settings_in(tmp_path)), f"idle-{uuid.uuid4().hex[:8]}")
    async with worker:
        await asyncio.sleep(0.5)
    assert not worker.cut_short
