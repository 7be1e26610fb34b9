"""Session-scoped Temporal environments so the suite stays fast; a unique task queue and
workflow id per test."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from activities.settings import Settings
from starter.client import ReviewsClient, quiet_runtime
from starter.testserver import start_time_skipping
from worker import build_worker

POSTGRES_URL = os.environ.get(
    "REVIEWS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

quiet_runtime()


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


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
    client = ReviewsClient(env.client, task_queue)
    async with build_worker(env.client, activities, task_queue):
        yield client
        # A case left open with no worker would stop the shared server skipping time.
        for wid in client.opened:
            with contextlib.suppress(Exception):
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
    return {"case": case}


CASE_OWNER = {"id": "cw-alice", "role": "caseworker"}
MANAGER = {"id": "om-bob", "role": "operations_manager"}
OAT = {"id": "oat-olu", "role": "oat_caseworker"}
SERVICE_USER = {"id": "su-1", "role": "service_user"}


async def today(env: WorkflowEnvironment) -> str:
    """The test server's date: its clock is shared and moves on as tests skip time."""
    from domain.calendar import london_date

    return london_date(await env.get_current_time()).isoformat()
