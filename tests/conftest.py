"""Session-scoped Temporal environments so the suite stays fast; a unique task queue and
workflow id per test."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from activities.settings import Settings
from domain.models import Status
from starter.client import ReviewsClient, quiet_runtime
from starter.simulate import in_flight
from starter.testserver import start_time_skipping
from worker import build_worker

POSTGRES_URL = os.environ.get(
    "REVIEWS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

quiet_runtime()


class SharedServer:
    """The suite's time-skipping server, shared so the suite stays fast. The Java test
    server keeps time skipping locked for good when a task is cut short (a termination
    mid-task), and every later skip then waits in real time and fails: one slip would
    fail the rest of the suite. So after each test the server is asked to skip a minute;
    if it cannot, the test is named in a warning and a fresh server takes over."""

    def __init__(self, environment: WorkflowEnvironment) -> None:
        self.env = environment
        self.replaced: list[str] = []

    async def can_skip_time(self) -> bool:
        request = SleepRequest()
        request.duration.FromTimedelta(timedelta(minutes=1))
        try:
            await self.env.client.test_service.unlock_time_skipping_with_sleep(
                request, timeout=timedelta(seconds=10)
            )
        except RPCError:
            return False
        return True

    async def replace_if_stuck(self, test: str) -> None:
        if await self.can_skip_time():
            return
        self.replaced.append(test)
        warnings.warn(
            f"{test} left the shared time-skipping server unable to skip time "
            "(a task cut short?); a fresh server takes over",
            stacklevel=1,
        )
        stuck, self.env = self.env, await start_time_skipping()
        with contextlib.suppress(Exception):
            await stuck.shutdown()


@pytest.fixture(scope="session")
async def shared_server() -> AsyncIterator[SharedServer]:
    server = SharedServer(await start_time_skipping())
    yield server
    await server.env.shutdown()


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the module's own, for modules whose live API and browser
    share one server across tests (a module may define its own `server` instead)."""
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


@pytest.fixture
async def env(
    shared_server: SharedServer, request: pytest.FixtureRequest
) -> AsyncIterator[WorkflowEnvironment]:
    yield shared_server.env
    await shared_server.replace_if_stuck(request.node.nodeid)


def settings_in(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=database_url or f"sqlite:///{folder / 'reviews.db'}",
        smtp_url=None,
        policy_file=None,
    )


@pytest.fixture
def activities(tmp_path: Path) -> CaseActivities:
    return CaseActivities(settings_in(tmp_path))


@pytest.fixture
async def reviews(env: WorkflowEnvironment, activities: CaseActivities) -> AsyncIterator[ReviewsClient]:
    """A client and a running worker on a task queue of this test's own."""
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    client = ReviewsClient(env.client, task_queue, store_url=activities.settings.database_url)
    async with build_worker(env.client, activities, task_queue):
        yield client
        # A case left open with no worker would stop the shared server skipping time.
        for wid in client.opened:
            await terminate_when_quiet(env, wid)


async def terminate_when_quiet(env: WorkflowEnvironment, wid: str) -> None:
    """Terminate an open case once no activity or workflow task is in flight: the Java
    test server keeps time skipping locked for a task that a termination cut short. Then
    the workflows it started: the Java test server does not apply a child's parent-close
    policy when the parent is terminated, and an orphan's timer falling due later, with no
    worker on its task queue, would stop the shared server skipping time for good."""
    handle = env.client.get_workflow_handle(wid)
    started: list[str] = []
    with contextlib.suppress(Exception):
        links = (await handle.query("status", result_type=Status, rpc_timeout=timedelta(seconds=5))).links
        started = [*links.children, *filter(None, [links.reclassified_to])]
    await _terminate_once_quiet(env, wid)
    for other in started:
        await terminate_when_quiet(env, other)


async def _terminate_once_quiet(env: WorkflowEnvironment, wid: str) -> None:
    with contextlib.suppress(Exception):
        for _ in range(200):
            ended, busy = await in_flight(env, wid)
            if ended:
                return
            if not busy:
                break
            await asyncio.sleep(0.1)
        await env.client.get_workflow_handle(wid).terminate("test finished")


def decision_case(ref: str | None = None, **overrides: object) -> dict[str, object]:
    case = {
        "ref": ref or f"C-{uuid.uuid4().hex[:6]}",
        "owner": "cw-alice",
        "manager": "om-bob",
        "risk": "low",
        "decision": "primary_investigation",
        "decided_on": "2026-03-01",
    }
    case.update(overrides)  # type: ignore[arg-type]
    # Someone we can write to: a case with no contact at all opens a task to find one (issue 25).
    return {"case": case, "complainant": {"name": "Sam Patel", "email": "sam@example.org"}}


CASE_OWNER = {"id": "cw-alice", "role": "caseworker"}
MANAGER = {"id": "om-bob", "role": "operations_manager"}
OAT = {"id": "oat-olu", "role": "oat_caseworker"}
SERVICE_USER = {"id": "su-1", "role": "service_user"}


async def skip(env: WorkflowEnvironment, duration: timedelta, wall_seconds: float = 240) -> None:
    """Let `duration` pass on the time-skipping server, a day at a time. One long sleep on
    a loaded machine can outlast the RPC's timeout while the server fires every timer on
    the way ("Timeout expired", an h2 error) although time does pass; each step here is
    short, and a step cut off is simply taken again from the server's clock."""
    end = await env.get_current_time() + duration
    give_up = asyncio.get_running_loop().time() + wall_seconds
    while (now := await env.get_current_time()) < end:
        request = SleepRequest()
        request.duration.FromTimedelta(min(end - now, timedelta(days=1)))
        try:
            await env.client.test_service.unlock_time_skipping_with_sleep(
                request, timeout=timedelta(seconds=60)
            )
        except RPCError:
            if asyncio.get_running_loop().time() > give_up:
                raise


async def failed_workflow_tasks(client: ReviewsClient, wid: str) -> int:
    history = await client.client.get_workflow_handle(wid).fetch_history()
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)


async def until(check: Callable[[], Any], seconds: float = 20, every: float = 0.05) -> Any:
    """What `check` gives (awaited if it is a coroutine) once it is truthy, within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if inspect.isawaitable(found):
            found = await found
        if found:
            return found
        await asyncio.sleep(every)
    raise AssertionError(f"not so within {seconds} s")


async def today(env: WorkflowEnvironment) -> str:
    """The test server's date: its clock is shared and moves on as tests skip time."""
    from domain.calendar import london_date

    return london_date(await env.get_current_time()).isoformat()


async def until_stage(
    reviews: ReviewsClient, wid: str, stage: str, seconds: float = 30, *, leaving: bool = False
) -> None:
    """Wait until the case shows `stage` in its status (or, `leaving`, any other stage):
    after a signal, the next update must find the case at the stage the signal moved it
    to, not race it."""
    seen = None
    for _ in range(int(seconds * 20)):
        status = await reviews.status(wid)
        seen = status.stage.value
        if (seen != stage) if leaving else (seen == stage):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"case {wid} stayed at {seen}, never {'left' if leaving else 'reached'} {stage}")
