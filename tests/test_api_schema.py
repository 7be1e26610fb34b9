"""The API against its own OpenAPI, with schemathesis (issue 11): generated requests to
every route, on a real Temporal test server with a worker, never answer 500 and every
answer matches the schema (status, content type, body)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from domain.enums import Role
from domain.models import Actor
from starter.client import connect
from starter.testserver import start_time_skipping
from store.db import migrate
from tests.conftest import settings_in
from worker import build_worker

SECRET = "schema-secret-" + "z" * 32
schema = schemathesis.openapi.from_dict(
    create_app(ApiSettings(store=settings_in(Path("/tmp")), secret=SECRET)).openapi()
)


class LiveApi:
    """The API served by uvicorn on a thread of this process, with its own worker."""

    def __init__(self, target: str, folder: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        queue = f"schema-{uuid.uuid4().hex[:6]}"
        store = settings_in(folder)
        migrate(store.database_url)
        self.settings = ApiSettings(store=store, secret=SECRET, task_queue=queue, evidence_max_bytes=4096)
        self.target = target
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.serve()), daemon=True)

    async def serve(self) -> None:
        client = await connect(self.target, codec=False)
        app = create_app(self.settings, client=client, codec_server=False)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        async with build_worker(client, CaseActivities(self.settings.store), self.settings.task_queue):
            task = asyncio.create_task(server.serve())
            while not self.stop.is_set():
                await asyncio.sleep(0.1)
            server.should_exit = True
            await task


@pytest.fixture(scope="module")
async def own_server() -> AsyncIterator[WorkflowEnvironment]:
    """A test server of its own: generated cases stay open, and an open case with no
    worker would stop the shared server skipping time for the other tests."""
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


@pytest.fixture(scope="module")
def live_api(own_server: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    api = LiveApi(own_server.client.service_client.config.target_host, tmp_path_factory.mktemp("schema"))
    api.thread.start()
    for _ in range(200):
        try:
            if httpx.get(f"{api.url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield api
    api.stop.set()
    api.thread.join(timeout=10)


STAFF = {"Authorization": "Bearer " + mint(SECRET, Actor(id="crm", role=Role.BACK_OFFICE))}


# The time-skipping server has no visibility, so listing is tested on the dev server
# (tests/test_dev_server.py).
@schema.exclude(path="/cases", method="GET").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_500_or_off_its_schema(case: Any, live_api: LiveApi) -> None:
    # Every check but "schema-valid data is accepted": the rules refuse much that the
    # schema allows (a stage, a role, a date), as documented 403/409/422 problems.
    case.call_and_validate(base_url=live_api.url, headers=STAFF, excluded_checks=[positive_data_acceptance])
