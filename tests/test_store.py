"""The store on SQLite and PostgreSQL; letters idempotent and delivered over real SMTP."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from temporalio.testing import WorkflowEnvironment

from activities.models import AuditEvent, CaseSnapshot, LetterRequest, Recipient
from activities.records import CaseActivities
from activities.settings import Settings
from domain.models import Awaiting, HistoryEntry
from starter.client import ReviewsClient
from store.db import make_engine, migrate
from store.models import AuditRow, CaseRow, LetterRow, TaskRow
from tests.conftest import CASE_OWNER, POSTGRES_URL, decision_case, settings_in, today
from tests.mail import smtp_server


def postgres_schema_url() -> str:
    """A fresh schema per run in the `test` database, so runs never see each other."""
    schema = f"t_{uuid.uuid4().hex[:8]}"
    with make_engine(POSTGRES_URL).begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> CaseActivities:
    url = None if request.param == "sqlite" else postgres_schema_url()
    return CaseActivities(settings_in(tmp_path, url))


def letter(key: str = "001-closing") -> LetterRequest:
    return LetterRequest(
        workflow_id="wf-1",
        key=key,
        kind="closing",
        case_ref="C-1",
        to=Recipient(role="service_user", id="service-user:C-1", email="su@example.org"),
        at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        paragraphs=["40", "74"],
        reasonable_adjustments=["large print"],
        ends_internal_process=True,
        context={"outcome": "not_actionable", "reason": "only unhappy"},
    )


def snapshot(events: int, awaiting: str | None) -> CaseSnapshot:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return CaseSnapshot(
        workflow_id="wf-1",
        kind="decision_complaint",
        case_ref="C-1",
        stage="challenge_assessment",
        opened_at=at,
        awaiting=Awaiting(action=awaiting, actor_role="caseworker", since=at) if awaiting else None,
        status={"stage": "challenge_assessment"},
        events=[
            AuditEvent(seq=i, entry=HistoryEntry(at=at, actor="x", action=f"a{i}")) for i in range(events)
        ],
    )


def test_a_retried_letter_is_stored_once(store: CaseActivities) -> None:
    first = store.send_letter(letter())
    # A retry of the same step (same key), even one that arrives later with other
    # details, answers with the first letter and writes nothing new.
    retry = letter().model_copy(update={"at": datetime(2026, 3, 9, tzinfo=UTC), "kind": "grounds_request"})
    again = store.send_letter(retry)
    assert (again.key, again.kind, again.sent_at) == (
        "001-closing",
        "closing",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    assert again == first
    assert [p.name for p in store.settings.outbox_dir.rglob("*.eml")] == ["001-closing.eml"]
    with store.sessions() as session:
        rows = session.scalars(select(LetterRow)).all()
        assert len(rows) == 1
        assert "This letter is the end of our internal complaints process." in rows[0].body
        assert "large print" in rows[0].body
        assert Path(rows[0].eml_path or "").read_bytes().startswith(b"From:")


def test_the_store_holds_whatever_the_contract_allows(store: CaseActivities) -> None:
    """Issue 23, reproduced on PostgreSQL: an `other` adjustment's words over ~33 characters
    (the task's action column) and an e-mail over 200 characters raised DataError, retried
    for ever. The largest the contract accepts is stored, on SQLite and on PostgreSQL."""
    words = "has severe depression; please phone before writing; " * 300  # 15,900 characters
    email = "a" * 64 + "@" + "b" * 60 + "." + "b" * 60 + "." + "b" * 59 + ".example"  # 254: the longest
    request = LetterRequest.model_validate(
        letter("002-grounds_request").model_dump()
        | {
            "kind": "grounds_request",
            "to": {"role": "service_user", "id": "service-user:C-1", "email": email},
            "reasonable_adjustments": [{"kind": "other", "detail": words}],
            "case_owner": "cw-alice",
            "context": {"deadline": "2026-04-01"},
        }
    )
    store.send_letter(request)
    big = snapshot(1, None)
    big.events[0].entry.action = "signal not taken by a decision_complaint: " + "x" * 5000
    store.sync_case(big)
    with store.sessions() as session:
        task = session.scalars(select(TaskRow)).one()
        assert len(task.action) <= 100 and task.detail and task.detail.endswith(words)
        assert session.scalars(select(LetterRow)).one().to_email == email
        assert len(session.scalars(select(AuditRow)).one().action) <= 300


def test_a_retried_sync_writes_each_audit_event_and_task_once(store: CaseActivities) -> None:
    store.sync_case(snapshot(3, "challenge_assessment"))
    store.sync_case(snapshot(3, "challenge_assessment"))
    store.sync_case(snapshot(5, None))
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow)) == 5
        tasks = session.scalars(select(TaskRow)).all()
        assert len(tasks) == 1 and tasks[0].closed_at is not None


async def test_letters_are_delivered_over_smtp_once(tmp_path: Path) -> None:
    with smtp_server() as (inbox, url):
        settings = Settings(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", url, None)
        activities = CaseActivities(settings)
        first = await asyncio.to_thread(activities.send_letter, letter())
        assert first.delivery == "queued" and inbox.messages == []  # the case does not wait on it
        assert await asyncio.to_thread(activities.dispatcher.run_once) == 1
        again = await asyncio.to_thread(activities.send_letter, letter())  # a retry after success
        assert await asyncio.to_thread(activities.dispatcher.run_once) == 0
        assert again.key == first.key
    assert len(inbox.messages) == 1
    assert b"Subject: Your complaint about our decision" in inbox.messages[0]
    assert b"X-Reviews-Case: C-1" in inbox.messages[0]


def test_a_new_case_ref_already_taken_by_another_case_gets_the_next_one(store: CaseActivities) -> None:
    from activities.models import NewCaseRequest

    def request(workflow_id: str) -> NewCaseRequest:
        return NewCaseRequest(
            workflow_id=workflow_id, key="new-case-1", from_case_ref="C-7", kind="new_detailed_investigation",
            priority=True, summary="s", allocation_advice="", at=datetime(2026, 3, 2, tzinfo=UTC),
        )  # fmt: skip

    first = store.open_new_case(request("wf-a"))
    second = store.open_new_case(request("wf-b"))
    third = store.open_new_case(request("wf-c"))
    assert [first.case_ref, second.case_ref, third.case_ref] == ["C-7-NDI1", "C-7-NDI1-2", "C-7-NDI1-3"]
    assert store.open_new_case(request("wf-b")).case_ref == "C-7-NDI1-2"  # a retry: the same case


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_migration_that_fails_half_way_leaves_the_store_as_it_was(backend: str, tmp_path: Path) -> None:
    """Issue 14: a worker killed (or failing) during its first migration must not leave
    tables without an alembic_version, which made every later start fail with 'table
    audit_events already exists'. The upgrade is one transaction: all or nothing."""
    from sqlalchemy import inspect

    from store.db import migrate

    url = f"sqlite:///{tmp_path / 'half.db'}" if backend == "sqlite" else postgres_schema_url()
    engine = make_engine(url)
    # A stray table where the first migration's third table goes makes it fail there,
    # after it has created two others.
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE letters (stray INTEGER)"))
    with pytest.raises(Exception, match="letters"):
        migrate(url)
    tables = set(inspect(make_engine(url)).get_table_names())
    assert tables == {"letters"}, f"the failed migration left {tables}"
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE letters"))
    migrate(url)
    migrate(url)  # idempotent
    tables = set(inspect(make_engine(url)).get_table_names())
    assert {"alembic_version", "audit_events", "cases", "letters", "tasks"} <= tables


async def until_stored(activities: CaseActivities, wid: str, letters: int, seconds: float = 20) -> None:
    """The update's receipt comes once the case has applied it; the store is written by
    the activities after, so a loaded machine may read it a moment before they finish."""
    for _ in range(int(seconds * 20)):
        with activities.sessions() as session:
            row = session.get(CaseRow, wid)
            count = session.scalar(
                select(func.count()).select_from(LetterRow).where(LetterRow.workflow_id == wid)
            )
            if row is not None and row.outcome and count == letters:
                return
        await asyncio.sleep(0.05)


async def test_store_holds_case_audit_task_and_letters(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:
    wid = await reviews.open(
        "decision_complaint",
        decision_case(decided_on=await today(env)) | {"reasonable_adjustments": "BSL interpreter"},
    )
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": True})
    await until_stored(activities, wid, letters=3)
    with activities.sessions() as session:
        row = session.get(CaseRow, wid)
        assert row is not None and row.outcome == "resolved_by_case_owner"
        audits = session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.workflow_id == wid))
        status = await reviews.status(wid)
        assert audits == len(status.history)
        # Each sync sent only what changed; merged, the store holds the status as it is.
        assert row.status == status.model_dump(mode="json", exclude={"history", "letters", "documents"})
        letters = session.scalars(select(LetterRow).where(LetterRow.workflow_id == wid)).all()
        # The acknowledgement of the complaint, the case owner's task for the adjustment
        # sent to her (v8), and the closing letter.
        assert sorted(x.kind for x in letters) == [
            "acknowledgement",
            "closing",
            "task_opened",
        ]  # written at once: any order
        closing = next(x.body for x in letters if x.kind == "closing")
        assert "BSL interpreter" in closing and "end of our internal complaints process" in closing
        still_open = session.scalars(
            select(TaskRow.action).where(TaskRow.workflow_id == wid, TaskRow.closed_at.is_(None))
        ).all()
        # Every step closed with the case; what stays open is the case owner's task to make
        # the "BSL interpreter" adjustment (an `other` adjustment, issue 13), once a case.
        assert still_open == ["reasonable adjustment - other"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_api_processes_count_one_flood(backend: str, tmp_path: Path) -> None:
    """Issue 23 (volume limits): the windows live in the store, so a caller who spreads a
    flood over two API processes meets one limit, not one each."""
    from datetime import timedelta

    from store.rates import SharedWindow

    url = f"sqlite:///{tmp_path / 'rates.db'}" if backend == "sqlite" else postgres_schema_url()
    migrate(url)
    first = SharedWindow(make_engine(url), "messages", limit=3, seconds=60)
    second = SharedWindow(make_engine(url), "messages", limit=3, seconds=60)
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert first.take("su|case-1", start) is None
    assert second.take("su|case-1", start + timedelta(seconds=1)) is None
    assert first.take("su|case-1", start + timedelta(seconds=2)) is None
    wait = second.take("su|case-1", start + timedelta(seconds=10))
    assert wait == pytest.approx(50.0)  # the oldest mark leaves the window at 60 s
    assert first.take("other|case-1", start + timedelta(seconds=10)) is None  # nobody else held back
    assert second.take("su|case-1", start + timedelta(seconds=61)) is None  # the window moved on
    bad = SharedWindow(make_engine(url), "bad_tokens", limit=3, seconds=60)
    assert bad.full("su|case-1", start + timedelta(seconds=10)) is None  # a window of its own


def test_letters_are_listed_in_the_order_their_case_wrote_them(store: CaseActivities) -> None:
    """The acknowledgement and the grounds request of one step are written by activities
    side by side, so the store may hold the second first: the lists (the API's
    `/letters/{n}`, whose n is the case's own letter index that `mark_posted` takes; the
    pages; the post queue) go by the case's order, not the store's."""
    from store.letters import post_queue, written

    def by_post(key: str) -> LetterRequest:
        request = letter(key)
        request.to = Recipient(role="service_user", id="service-user:C-1", name="Pat", address="2 Mill Lane")
        return request

    store.send_letter(by_post("002-closing"))  # stored first
    store.send_letter(by_post("001-closing"))
    assert [r.key for r in written(store.engine, ["wf-1"])] == ["001-closing", "002-closing"]
    queue = [x["key"] for x in post_queue(store.engine) if x["workflow_id"] == "wf-1"]
    assert queue == ["001-closing", "002-closing"]
