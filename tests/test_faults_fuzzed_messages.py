"""Fuzzed messages against the real workflows (design.md, "Rules of the house": bad input never fails a workflow): Hypothesis draws sequences of
messages, actors (every role) and data (wrong types, huge and unicode strings, dates far
in the past and future) and sends them to a case on a time-skipping server. Whatever is
sent: no workflow task ever fails, every refusal says why, a closed case stays closed,
and the grounds deadline moves only by an extension."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType

from activities.records import CaseActivities
from contract.messages import MESSAGES
from domain.enums import Role
from starter.client import Refusal, ReviewsClient
from starter.testserver import start_time_skipping
from tests.conftest import decision_case, settings_in
from worker import build_worker

T = TypeVar("T")
NAMES = sorted(
    name for name, spec in MESSAGES.items() if "decision_complaint" in {k.value for k in spec.case_kinds}
)
PEOPLE = [("cw-alice", "caseworker"), ("om-bob", "operations_manager"), ("oat-olu", "oat_caseworker"),
          ("legal-1", "legal_team"), ("dep-1", "deputy_ombudsman"), ("su-1", "service_user"), ("x", "back_office")]  # fmt: skip
VALUES = st.one_of(
    st.booleans(), st.integers(min_value=-(10**12), max_value=10**12), st.none(),
    st.text(max_size=40), st.text(alphabet="éあ🙂\u202e\x00", max_size=5), st.just("x" * 20_000),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).map(date.isoformat),
    st.sampled_from(["true", "no_genuine_doubt", "accepted", "as_usual", "remedy", "apology", "2026-03-31"]),
)  # fmt: skip
FIELDS = ["resolved", "route", "why_wrong", "wanted", "evidence", "actionable", "analysis", "finding", "outcome",
          "upheld", "new_deadline", "reason", "note", "accept", "proceed", "text", "resume_by", "remedy"]  # fmt: skip
STEP = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(PEOPLE),
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
)


class Server:
    """A time-skipping server and a worker on a loop of their own thread, so Hypothesis's
    synchronous examples can each run a case on it."""

    def __init__(self, folder: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.folder = folder
        self.ready: Future[None] = asyncio.run_coroutine_threadsafe(self.start(), self.loop)
        self.ready.result(timeout=120)

    async def start(self) -> None:
        self.env = await start_time_skipping()
        self.queue = f"fuzz-{uuid.uuid4().hex[:6]}"
        self.worker = build_worker(self.env.client, CaseActivities(settings_in(self.folder)), self.queue)
        await self.worker.__aenter__()
        self.reviews = ReviewsClient(self.env.client, self.queue)

    def run(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return asyncio.run_coroutine_threadsafe(make(), self.loop).result(timeout=120)

    async def stop(self) -> None:
        await self.worker.__aexit__(None, None, None)
        await self.env.shutdown()

    def close(self) -> None:
        self.run(self.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_no_message_breaks_a_case(
    server: Server, steps: list[tuple[str, tuple[str, str], dict[str, Any]]]
) -> None:
    async def scenario() -> None:
        reviews = server.reviews
        wid = await reviews.open("decision_complaint", decision_case(f"F-{uuid.uuid4().hex[:6]}"))
        closed_as = None
        deadline = (await reviews.status(wid)).grounds_deadline
        for name, (who, role), data in steps:
            try:
                await reviews.send(wid, name, {"id": who, "role": role}, data)
                refused = None
            except Refusal as refusal:
                refused = str(refusal)
                assert refused.strip() and "refused" in refused, refused
            status = await reviews.status(wid)
            if closed_as is not None:
                assert status.outcome == closed_as and refused is not None, "a closed case stays closed"
            closed_as = status.outcome or closed_as
            if status.grounds_deadline != deadline:
                moved_by = [h.action for h in status.history if "deadline extended" in h.action]
                assert deadline is None or moved_by, "the deadline moved without an extension"
                deadline = status.grounds_deadline
        failed = [
            e async for e in server.env.client.get_workflow_handle(wid).fetch_history_events()
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]  # fmt: skip
        assert not failed, failed[0].workflow_task_failed_event_attributes.failure.message
        await server.env.client.get_workflow_handle(wid).terminate("fuzz example done")

    server.run(scenario)


def test_every_role_is_drawn() -> None:
    assert {role for _, role in PEOPLE} <= {r.value for r in Role}
