"""The load parts of `make bench` (issue 14): message, start and visibility latencies,
the same with many cases open, and the HTTP API under concurrent users (locust)."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client

from starter.client import ReviewsClient

OWNER = {"id": "cw-alice", "role": "caseworker"}


def case(ref: str) -> dict[str, Any]:
    return {"case": {"ref": ref, "owner": "cw-alice", "manager": "om-bob", "risk": "low",
                     "decision": "primary_investigation", "decided_on": datetime.now(UTC).date().isoformat()}}  # fmt: skip


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": pct(values, 0.5), "p95": pct(values, 0.95), "p99": pct(values, 0.99), "n": len(values)}


async def start_latencies(reviews: ReviewsClient, count: int, prefix: str) -> tuple[list[float], list[str]]:
    """Open -> the case waits for its first step (what `open` answers after)."""
    out, ids = [], []
    for n in range(count):
        began = time.perf_counter()
        ids.append(await reviews.open("decision_complaint", case(f"{prefix}-{n}")))
        out.append((time.perf_counter() - began) * 1000)
    return out, ids


def turns(ids: list[str], count: int) -> Iterator[tuple[str, str, dict[str, str]]]:
    """`count` messages: pause and resume the owner's step, in turn on each case."""
    for n in range(count):
        wid = ids[n % len(ids)]
        if (n // len(ids)) % 2 == 0:
            yield wid, "pause_clock", {"reason": "waiting for records"}
        else:
            yield wid, "resume_clock", {"note": "back"}


async def message_latencies(reviews: ReviewsClient, ids: list[str], count: int) -> list[float]:
    """Update sent -> receipt, for each of `turns`."""
    out = []
    for wid, name, data in turns(ids, count):
        began = time.perf_counter()
        await reviews.send(wid, name, OWNER, data)
        out.append((time.perf_counter() - began) * 1000)
    return out


async def visibility_latencies(
    client: Client, reviews: ReviewsClient, ids: list[str]
) -> tuple[list[float], list[float]]:
    """Message sent -> the new stage in `status`, and -> in visibility (ReviewStage)."""
    in_status, in_visibility = [], []
    for wid in ids:
        began = time.perf_counter()
        await reviews.send(wid, "case_owner_resolution", OWNER, {"resolved": False})
        while (await reviews.status(wid)).stage.value != "awaiting_grounds":
            await asyncio.sleep(0.005)
        in_status.append((time.perf_counter() - began) * 1000)
        query = f"WorkflowId = '{wid}' AND ReviewStage = 'awaiting_grounds'"
        while not [w async for w in client.list_workflows(query)]:
            await asyncio.sleep(0.01)
        in_visibility.append((time.perf_counter() - began) * 1000)
    return in_status, in_visibility


async def fill(reviews: ReviewsClient, count: int, at_once: int = 64) -> float:
    """Open `count` cases, which then wait (for their owner, with timers set)."""
    gate = asyncio.Semaphore(at_once)
    began = time.perf_counter()

    async def one(n: int) -> None:
        async with gate:
            await reviews.open("decision_complaint", case(f"FILL-{n}"))

    await asyncio.gather(*(one(n) for n in range(count)))
    return time.perf_counter() - began


async def drained(database_url: str, count: int, seconds: float = 3600) -> None:
    """Wait until the filled cases' work is done (each is recorded in the store waiting for
    its owner), so the 'after' figures measure cases lying open, not a backlog."""
    from sqlalchemy import func, select

    from store.db import make_engine
    from store.models import CaseRow

    engine = make_engine(database_url)
    query = (
        select(func.count())
        .select_from(CaseRow)
        .where(CaseRow.case_ref.startswith("FILL-"), CaseRow.stage == "case_owner_resolution")
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if (conn.execute(query).scalar() or 0) >= count:
                break
        await asyncio.sleep(1)
    engine.dispose()
    await asyncio.sleep(5)


class ApiThread:
    """The HTTP API on a thread of this process (uvicorn), on the bench's server."""

    def __init__(self, target: str, folder: Path, task_queue: str, secret: str, port: int) -> None:
        self.target, self.folder, self.queue, self.secret, self.port = (
            target,
            folder,
            task_queue,
            secret,
            port,
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        import uvicorn

        from activities.settings import Settings
        from api.app import create_app
        from api.settings import ApiSettings
        from starter.client import connect

        client = await connect(self.target, codec=False)
        settings = ApiSettings(
            store=Settings.from_env(self.folder), secret=self.secret, task_queue=self.queue
        )
        app = create_app(settings, client=client, codec_server=False)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not self.stop.is_set():
            await asyncio.sleep(0.1)
        server.should_exit = True
        await task

    def __enter__(self) -> ApiThread:
        import httpx

        self.thread.start()
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the API did not start")

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def locust(host: str, tokens: dict[str, str], users: int, seconds: int) -> dict[str, Any]:
    """50 users (say) through the API for a bounded time: each opens a case and then
    pauses and resumes its owner's step. Locust runs as its own process (it uses gevent)."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        env = {**os.environ, "BENCH_BACK_OFFICE": tokens["back_office"], "BENCH_OWNER": tokens["owner"]}
        run = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host, "--csv", prefix,
             "--only-summary"],
            capture_output=True, text=True, env=env, timeout=seconds + 120,
        )  # fmt: skip
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise RuntimeError(f"locust failed:\n{run.stderr[-2000:]}")
        rows = {row["Name"]: row for row in csv.DictReader(stats.open())}
    total = rows["Aggregated"]
    message = {k: v for k, v in rows.items() if k.startswith("message")}
    requests = sum(int(r["Request Count"]) for r in message.values())
    return {
        "users": users, "seconds": seconds, "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "message_p50": max(float(r["50%"]) for r in message.values()) if message else 0.0,
        "message_p95": max(float(r["95%"]) for r in message.values()) if message else 0.0,
        "message_requests": requests, "rps": float(total["Requests/s"]),
    }  # fmt: skip
