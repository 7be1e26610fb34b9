"""A case's state stays small whatever arrives (issue 23, item 1: a service user sending
1.5 million characters twice wedged a case for good, every workflow task failing with
PAYLOADS_TOO_LARGE). Here a case is sent the largest message the contract allows, of each
kind a party sends, again and again for its whole life, with continue-as-new forced often:
no workflow task fails, `status` always answers, every payload Temporal carries stays under
256 KB and the case's whole history, every run of it, under 10 MB (design.md, "Rules of the
house"): what is larger is kept in the case store and the history holds a reference
(starter/claimcheck.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from contract.messages import MESSAGES
from contract.receipts import WouldTake, WouldTakeAnswer
from domain.bounds import CASE_DOCUMENTS_MAX, DOCUMENTS_MAX, NAME_MAX, TEXT_MAX
from domain.policy import DEFAULT_POLICY_FILE
from starter.client import Refusal, ReviewsClient
from starter.testserver import start_time_skipping
from tests.conftest import (
    CASE_OWNER,
    SERVICE_USER,
    decision_case,
    failed_workflow_tasks,
    settings_in,
    terminate_when_quiet,
    today,
    until_stage,
)
from worker import build_worker

PAYLOAD_BUDGET = 256 * 1024
HISTORY_BUDGET = 10 * 1024 * 1024


@pytest.fixture(scope="module")
async def own_server() -> AsyncIterator[WorkflowEnvironment]:
    """A test server of its own: a case this busy, cut short at the end, could keep the
    shared server from skipping time for every test after it."""
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


ORGANISATION = {"id": "org-1", "role": "organisation"}


def activities_with_small_history(folder: Path) -> CaseActivities:
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text()) | {"history_limit": 120}
    file = folder / "policy.yaml"
    file.write_text(yaml.safe_dump(policy))
    return CaseActivities(replace(settings_in(folder), policy_file=str(file)))


def documents(n: int, tag: str) -> list[dict[str, str]]:
    return [{"name": f"{tag}-{i}-" + "n" * (NAME_MAX - 20)} for i in range(n)]


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload anywhere in a history event: messages, activity inputs and results,
    updates, the state continue-as-new carries, memos."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif field.is_repeated:
            items = list(value)
        else:
            items = [value]
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


async def runs_payloads_and_bytes(env: WorkflowEnvironment, wid: str) -> tuple[int, list[int], int]:
    """How many runs the case has had (continue-as-new), the size of every payload in every
    run, and the bytes of the whole history, every run of it."""
    sizes: list[int] = []
    runs, run_id, total = 0, "", 0
    while True:
        history = await env.client.get_workflow_handle(wid, run_id=run_id or None).fetch_history()
        runs += 1
        for event in history.events:
            total += event.ByteSize()
            sizes += [payload.ByteSize() for payload in payloads_in(event)]
        run_id = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
        if not run_id:
            return runs, sizes, total


async def past_the_sticky_query(reviews: ReviewsClient, wid: str, name: str, actor: dict[str, str],
                                 data: dict[str, object]) -> None:  # fmt: skip
    """Send as the client does (the case's `would_take` first, then the signal), asking
    again if the Java test server left that query on the sticky queue of the run that just
    continued as new (a real server hands it to the new run). A refusal is raised."""
    handle = reviews.client.get_workflow_handle(wid)
    ask = WouldTake(message=name, data={**data, "actor": actor})
    for attempt in range(6):
        try:
            answer = await handle.query("would_take", ask, result_type=WouldTakeAnswer,
                                        rpc_timeout=timedelta(seconds=5))  # fmt: skip
            break
        except RPCError:
            if attempt == 5:
                raise
    if not answer.accepted:
        raise Refusal(f"{name} refused: {answer.reason}", answer.kind or "invalid")
    await handle.signal(name, MESSAGES[name].model.model_validate({**data, "actor": actor}))


async def test_the_largest_messages_for_a_whole_life_never_wedge_a_case(
    own_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    env = own_server
    reviews = ReviewsClient(env.client, f"life-{uuid.uuid4().hex[:8]}")
    # No sticky cache: after continue-as-new the Java test server sometimes leaves a query
    # on the sticky queue unanswered ("query deadline exceeded"); a real server does not.
    async with build_worker(
        env.client, activities_with_small_history(tmp_path), reviews.task_queue, max_cached_workflows=0
    ):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        try:
            await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
            await until_stage(reviews, wid, "awaiting_grounds")
            longest = {"why_wrong": "w" * TEXT_MAX, "wanted": "x" * TEXT_MAX}
            sent = refused = 0
            for round_ in range(14):  # 14 x 50 documents is more than a case may hold
                try:
                    await past_the_sticky_query(reviews, wid, "grounds_submitted", SERVICE_USER,
                                       longest | {"evidence": documents(DOCUMENTS_MAX, f"g{round_}")})  # fmt: skip
                    sent += 1
                except Refusal as refusal:
                    assert f"takes at most {CASE_DOCUMENTS_MAX}" in str(refusal)
                    refused += 1
                await past_the_sticky_query(
                    reviews, wid, "evidence_submitted", ORGANISATION, {"note": "n" * TEXT_MAX}
                )
                status = await reviews.status(wid)  # always answers
                assert len(status.documents) <= CASE_DOCUMENTS_MAX
            assert sent == CASE_DOCUMENTS_MAX // DOCUMENTS_MAX and refused == 14 - sent
            assert await failed_workflow_tasks(reviews, wid) == 0
            for _ in range(200):  # the case continues as new once it is idle again
                runs, sizes, whole_history = await runs_payloads_and_bytes(env, wid)
                if runs > 1:
                    break
                await asyncio.sleep(0.05)
            assert runs > 1, "continue-as-new was meant to happen"
            assert max(sizes) < PAYLOAD_BUDGET, max(sizes)
            assert whole_history < HISTORY_BUDGET, whole_history
            assert status.stage.value == "challenge_assessment"
        finally:
            await terminate_when_quiet(env, wid)
