"""The API served by uvicorn on a thread of the test process, with its own worker, on a
Temporal test server: for tests that need a real HTTP server (schemathesis, a browser)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from activities.records import CaseActivities
from api.app import create_app
from api.settings import ApiSettings
from api.ui.oidc import OidcSettings
from starter.client import connect
from store.db import migrate
from tests.conftest import settings_in
from worker import build_worker

SECRET = "live-secret-" + "z" * 32


class LiveApi:
    """The API served by uvicorn on a thread of this process, with its own worker."""

    def __init__(
        self,
        target: str,
        folder: Path,
        smtp_url: str | None = None,
        party_oidc: OidcSettings | None = None,
        policy_file: Path | None = None,
        **api: Any,  # ApiSettings fields, e.g. evidence_scan
    ) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        queue = f"schema-{uuid.uuid4().hex[:6]}"
        # Letters' sign-in links point here (issue 27); with `smtp_url`, letters and sign-in
        # links go through that mail server, as a person would receive them.
        store = replace(settings_in(folder), smtp_url=smtp_url, public_url=self.url,
                        policy_file=str(policy_file) if policy_file else None)  # fmt: skip
        migrate(store.database_url)
        self.settings = ApiSettings(store=store, secret=SECRET, task_queue=queue, evidence_max_bytes=4096)
        self.settings = replace(self.settings, **api)
        self.web_ui_url: str | None = None
        self.party_oidc = party_oidc  # the parties' identity provider (issue 27), if any
        self.target = target
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.serve()), daemon=True)

    async def serve(self) -> None:
        client = await connect(self.target, codec=False)
        app = create_app(
            self.settings, client=client, codec_server=False, web_ui_url=self.web_ui_url, local_sign_in=True,
            party_oidc_settings=self.party_oidc,
        )  # fmt: skip
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        async with build_worker(client, CaseActivities(self.settings.store), self.settings.task_queue):
            task = asyncio.create_task(server.serve())
            while not self.stop.is_set():
                await asyncio.sleep(0.1)
            server.should_exit = True
            await task

    def start(self) -> None:
        self.thread.start()
        for _ in range(200):
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the live API did not start")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
