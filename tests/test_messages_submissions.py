"""A party speaks only for itself (design.md, "The trust boundary"; paras 30-31, 33, 63;
guidance v4): what a complainant or the organisation sends is taken only from that party,
the back office relaying it, or the case owner entering what was said by phone or post.
The client and the API refuse anything else before it is sent (403, or 422 for a date),
and one sent straight to Temporal is recorded as refused and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.calendar import london_date
from domain.models import Actor, GroundsSubmitted
from starter.client import Refusal, ReviewsClient
from tests.conftest import CASE_OWNER, SERVICE_USER, decision_case, today, until_stage

ORGANISATION = {"id": "org-1", "role": "organisation"}
BACK_OFFICE = {"id": "crm", "role": "back_office"}
GROUNDS = {"why_wrong": "the report missed my GP's letter", "wanted": "a fresh look"}


async def awaiting_grounds(env: WorkflowEnvironment, reviews: ReviewsClient) -> str:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    return wid


async def test_the_organisation_cannot_send_the_complainants_grounds(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await awaiting_grounds(env, reviews)
    with pytest.raises(Refusal) as refused:
        await reviews.send(wid, "grounds_submitted", ORGANISATION, GROUNDS)
    assert refused.value.kind == "not_allowed"
    assert "org-1 (organisation) may not send grounds_submitted" in str(refused.value)
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_grounds" and status.grounds_received_on is None


async def test_a_complainant_cannot_choose_the_date_their_grounds_arrived(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 32: "in time" is when they reach us
    wid = await awaiting_grounds(env, reviews)
    with pytest.raises(Refusal, match="may not say when grounds_submitted arrived"):
        await reviews.send(wid, "grounds_submitted", SERVICE_USER, GROUNDS | {"received_on": "2020-01-01"})
    # The back office relaying a letter that came yesterday may; a date before the case opened, never.
    opened = london_date((await reviews.status(wid)).history[0].at)
    with pytest.raises(Refusal, match="between the case's opening"):
        await reviews.send(wid, "grounds_submitted", BACK_OFFICE, GROUNDS | {"received_on": "2020-01-01"})
    await reviews.send(wid, "grounds_submitted", BACK_OFFICE, GROUNDS | {"received_on": opened.isoformat()})
    await until_stage(reviews, wid, "challenge_assessment")
    assert (await reviews.status(wid)).grounds_received_on == opened


async def test_the_case_owner_enters_grounds_given_by_phone(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 31: "writing down a challenge of our decision over the phone"
    wid = await awaiting_grounds(env, reviews)
    # Guidance v5: what the case owner writes down says how it came.
    with pytest.raises(Refusal, match="must say how it was taken"):
        await reviews.send(wid, "grounds_submitted", CASE_OWNER, GROUNDS)
    with pytest.raises(Refusal, match="may not say how grounds_submitted was taken") as refused:
        await reviews.send(wid, "grounds_submitted", SERVICE_USER, GROUNDS | {"taken": "phone"})
    assert refused.value.kind == "not_allowed"
    await reviews.send(wid, "grounds_submitted", CASE_OWNER, GROUNDS | {"taken": "phone"})
    await until_stage(reviews, wid, "challenge_assessment")
    status = await reviews.status(wid)
    taken = [h for h in status.history if h.action == "grounds_submitted taken by phone for the complainant"]
    assert taken and taken[0].actor == "cw-alice (caseworker)" and taken[0].paragraphs == ["31"]
    # Acknowledged as any submission is (31), once the batch the opening acknowledgement
    # began has closed (guidance v6: one letter for what arrives within minutes).
    await env.sleep(timedelta(minutes=11))
    for _ in range(100):
        if any(x.kind == "acknowledgement" and x.sent_at >= taken[0].at for x in status.letters):
            break
        await asyncio.sleep(0.05)
        status = await reviews.status(wid)
    assert any(x.kind == "acknowledgement" and x.sent_at >= taken[0].at for x in status.letters), (
        [(x.kind, x.sent_at, x.delivery) for x in status.letters],
        taken[0].at,
    )


async def test_a_forged_submission_sent_past_the_client_is_recorded_and_changes_nothing(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await awaiting_grounds(env, reviews)
    forged = GroundsSubmitted(
        actor=Actor(id="cw-alice", role="service_user"), received_on=date(2020, 1, 1), **GROUNDS
    )
    await env.client.get_workflow_handle(wid).signal("grounds_submitted", forged)
    for _ in range(100):
        history = (await reviews.status(wid)).history
        refused = [h for h in history if h.action.startswith("refused: grounds_submitted")]
        if refused:
            break
        await asyncio.sleep(0.05)
    assert refused and "may not say when grounds_submitted arrived" in refused[0].detail
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_grounds" and status.grounds_received_on is None
