"""`reviews worker` for a real cluster (design.md, "Real components and how they start"): TLS files, an API key, and activity
slots that match the threads that run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from starter.client import Refusal, tls_from_files
from tests.conftest import settings_in
from worker import build_worker

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
