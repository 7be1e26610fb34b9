"""Letters as the mail server receives them (design.md, "What the complainant gets";
paras 24, 30-31, 74): a real case on the time-skipping server writes to a real local
SMTP server, and each person gets their own letter at their own address, once. The
outbox files are not what a person reads: these tests read what was delivered."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from starter.client import ReviewsClient
from starter.simulate import simulate
from tests.conftest import CASE_OWNER, decision_case, settings_in, skip, terminate_when_quiet, today
from tests.mail import Inbox, smtp_server
from tests.scenario_files import body, letters_in, scenario
from worker import build_worker

COMPLAINANT = "sam@example.org"


@asynccontextmanager
async def mailing(
    env: WorkflowEnvironment, tmp_path: Path, refused: tuple[str, ...] = ()
) -> AsyncIterator[tuple[Inbox, ReviewsClient]]:
    """A real local mail server (refusing `refused` for good) and a worker delivering to it."""
    with smtp_server() as (inbox, url):
        inbox.refused.update(refused)
        activities = CaseActivities(replace(settings_in(tmp_path), smtp_url=url))
        reviews = ReviewsClient(env.client, f"mail-{uuid.uuid4().hex[:8]}")
        async with build_worker(env.client, activities, reviews.task_queue):
            yield inbox, reviews


ADVOCATE = "help@advocacy.example"


async def test_the_advocate_gets_their_own_copy_of_each_letter_to_the_complainant(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # para 31: reasonable adjustments; design.md advocate_copy
    async with mailing(env, tmp_path) as (inbox, reviews):
        opened = decision_case(decided_on=await today(env)) | {
            "complainant": {"name": "Sam Patel", "email": COMPLAINANT},
            "reasonable_adjustments": [
                {"kind": "advocate_copy", "contact": {"name": "Leeds Advocacy", "email": ADVOCATE}}
            ],
        }
        wid = await reviews.open("decision_complaint", opened)
        try:
            status = await reviews.act(
                wid, "case_owner_resolution", CASE_OWNER, {"resolved": True, "note": "agreed by phone"}
            )
            assert status is not None and status.outcome == "resolved_by_case_owner"
        finally:
            await terminate_when_quiet(env, wid)
    to_complainant = sorted(r.kind for r in inbox.to(COMPLAINANT))
    to_advocate = sorted(r.kind for r in inbox.to(ADVOCATE))
    assert to_complainant == ["acknowledgement", "closing"]
    assert to_advocate == to_complainant, "the advocate must receive every letter the complainant gets"
    for received in inbox.received:
        # One person per message: never the complainant and the advocate on one e-mail.
        assert len(received.rcpt_tos) == 1
        assert received.message["To"].addresses[0].addr_spec == received.rcpt_tos[0]
    closing = next(r.message for r in inbox.to(ADVOCATE) if r.kind == "closing")
    body = closing.get_body(preferencelist=("plain",))
    assert body is not None and "Sam Patel" in body.get_content()


async def test_what_goes_to_the_organisation_is_about_the_organisation(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # design.md, "The trust boundary"; issue 22 reproduced both
    """The complainant's adjustments were printed in letters to the organisation, and the
    complainant's advocate was sent copies of letters addressed to the organisation."""
    organisation = "complaints@riverside.example"
    health = "PTSD after the birth; interpreter: Polish"
    async with mailing(env, tmp_path) as (inbox, reviews):
        opened = decision_case(decided_on=await today(env)) | {
            "complainant": {"name": "Sam Patel", "email": COMPLAINANT},
            "organisation": {"name": "Riverside Trust", "email": organisation},
            "reasonable_adjustments": [
                {"kind": "advocate_copy", "contact": {"name": "Leeds Advocacy", "email": ADVOCATE}},
                {"kind": "other", "detail": health},
            ],
        }
        wid = await reviews.open("decision_complaint", opened)
        try:
            org = {"id": "org-1", "role": "organisation"}
            await reviews.send(wid, "evidence_submitted", org, {"documents": [{"name": "call-log.pdf"}]})
            for _ in range(200):
                if inbox.to(organisation):
                    break
                await asyncio.sleep(0.05)
        finally:
            await terminate_when_quiet(env, wid)
    (to_organisation,) = inbox.to(organisation)
    assert to_organisation.kind == "acknowledgement"
    text = to_organisation.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "call-log.pdf" in text
    assert health not in text and "changes for you" not in text and COMPLAINANT not in text
    assert sorted(r.kind for r in inbox.to(ADVOCATE)) == sorted(r.kind for r in inbox.to(COMPLAINANT))
    assert all(organisation not in str(r.message["To"]) for r in inbox.to(ADVOCATE))


async def test_letters_are_dated_in_london(tmp_path: Path) -> None:
    await simulate(scenario("40"), data_dir=tmp_path)
    (closing,) = letters_in(tmp_path, "closing")
    assert "Date: 1 July 2026" in body(closing)


async def test_a_letter_the_mail_server_refuses_opens_a_task_and_the_case_goes_on(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Issue 23, reproduced: a letter that cannot be sent was retried for ever and the next
    update hung. A permanent refusal (550) is on the record, the case owner is asked to
    check the address, and the case moves on; nothing is sent twice."""
    gone = "moved-away@example.org"
    async with mailing(env, tmp_path, refused=(gone,)) as (inbox, reviews):
        opened = decision_case(decided_on=await today(env)) | {
            "complainant": {"name": "Sam Patel", "email": gone}
        }
        wid = await reviews.open("decision_complaint", opened)
        try:
            status = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
            assert status is not None and status.stage.value == "awaiting_grounds"
            for _ in range(100):
                status = await reviews.status(wid)
                if any(t.task.startswith("we could not reach") for t in status.tasks):
                    break
                await asyncio.sleep(0.05)
        finally:
            await terminate_when_quiet(env, wid)
    assert inbox.to(gone) == []
    refused = [x for x in status.letters if x.undeliverable]
    assert refused and "550" in (refused[0].undeliverable or "")
    task = next(t for t in status.tasks if t.task.startswith("we could not reach"))
    assert task.task == "we could not reach Sam Patel: check the address" and task.assignee == "cw-alice"
    assert any(h.action.startswith("letter could not be sent") for h in status.history)


async def test_a_run_of_uploads_gets_one_acknowledgement_not_one_each(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    """Issue 23, reproduced: 30 uploads sent 38 acknowledgements (guidance v6). The first
    is acknowledged at once; what follows within the batch window waits for one letter."""
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    su = {"id": "su-1", "role": "service_user"}

    async def acknowledgements() -> list[str]:
        return [
            x.key
            for x in (await reviews.status(wid)).letters
            if x.kind == "acknowledgement" and x.to_role == "service_user"
        ]

    # The complaint itself is the first submission, acknowledged at once.
    for _ in range(100):
        if await acknowledgements():
            break
        await asyncio.sleep(0.05)
    assert len(await acknowledgements()) == 1
    for n in range(5):
        await reviews.send(wid, "evidence_submitted", su, {"documents": [{"name": f"more-{n}.pdf"}]})
    await asyncio.sleep(0.5)
    assert len(await acknowledgements()) == 1  # held for the batch
    await skip(env, timedelta(minutes=11))
    for _ in range(100):
        if len(await acknowledgements()) == 2:
            break
        await asyncio.sleep(0.05)
    status = await reviews.status(wid)
    assert len(await acknowledgements()) == 2
    batch = [h for h in status.history if h.action.startswith("acknowledged:")]
    assert batch[-1].action == "acknowledged: " + "; ".join(["documents you sent"] * 5)
