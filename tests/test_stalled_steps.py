"""Whoever a stalled step reaches can take it over (design.md, "Time" and `reassign`;
paras 23, 32; guidance v5), driven through the real workflow with time skipping.

Reproduced in issue 22: the case owner is off sick; her step is reminded and escalated to
her manager and up the ladder, but the manager's and the assistant director's attempts
are refused ("only the case owner") and nothing can reassign the case."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from contract.receipts import Receipt
from starter.client import Refusal, ReviewsClient
from tests.conftest import CASE_OWNER, MANAGER, decision_case, skip, terminate_when_quiet, today
from tests.test_versioning_guidance import activities_under
from worker import build_worker

AD = {"id": "ad-ann", "role": "assistant_director"}
OTHER_MANAGER = {"id": "om-cat", "role": "operations_manager"}
ZED = {"id": "cw-zed", "role": "caseworker"}
OVERDUE = timedelta(days=30)  # 10 working days to the due date, 5 more to the escalation


async def opened(env: WorkflowEnvironment, reviews: ReviewsClient) -> str:
    return await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))


async def update(
    reviews: ReviewsClient, wid: str, name: str, actor: dict[str, str], data: dict[str, Any]
) -> Receipt:
    receipt = await reviews.send(wid, name, actor, data)
    assert isinstance(receipt, Receipt)
    return receipt


async def escalated(reviews: ReviewsClient, wid: str) -> None:
    for _ in range(200):
        step = (await reviews.status(wid)).awaiting
        if step is not None and step.escalated:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the overdue step was never escalated")


async def test_the_manager_takes_an_overdue_step_in_the_owners_place(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await opened(env, reviews)
    with pytest.raises(Refusal, match="only the case owner") as early:
        await reviews.send(wid, "case_owner_resolution", MANAGER, {"resolved": False})
    assert early.value.kind == "not_allowed"  # not overdue yet: the owner's alone
    await skip(env, OVERDUE)
    await escalated(reviews, wid)
    status = await reviews.status(wid)
    assert status.step_overdue and status.awaiting and status.awaiting.actor_id == "cw-alice"
    escalation = [x for x in status.letters if x.kind == "task_escalated"]
    assert escalation and escalation[0].to == "om-bob"
    # Another team's manager is nobody to this case; a caseworker is not senior.
    for nobody in (OTHER_MANAGER, ZED):
        with pytest.raises(Refusal) as refused:
            await reviews.send(wid, "case_owner_resolution", nobody, {"resolved": False})
        assert refused.value.kind == "not_allowed"
    assert "case_owner_resolution" in await reviews.offers(wid, MANAGER)
    assert "case_owner_resolution" in await reviews.offers(wid, AD)
    receipt = await update(reviews, wid, "case_owner_resolution", MANAGER, {"resolved": False})
    assert receipt.stage.value == "awaiting_grounds"
    assert "case_owner_resolution taken in the place of cw-alice" in receipt.recorded
    entry = next(
        h for h in (await reviews.status(wid)).history if h.action.startswith("case_owner_resolution taken")
    )
    assert entry.actor == "om-bob (operations_manager)" and "acted for cw-alice" in entry.detail


async def test_a_case_begun_under_v4_keeps_its_rules(env: WorkflowEnvironment, tmp_path: Path) -> None:
    reviews = ReviewsClient(env.client, f"test-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, activities_under(tmp_path, 4), reviews.task_queue):
        wid = await opened(env, reviews)
        try:
            await skip(env, OVERDUE)
            await escalated(reviews, wid)
            status = await reviews.status(wid)
            assert status.guidance == 4 and not status.step_overdue
            with pytest.raises(Refusal, match="only the case owner"):
                await reviews.send(wid, "case_owner_resolution", MANAGER, {"resolved": False})
            # ...but it can be reassigned: a new message, which every case takes.
            receipt = await update(
                reviews, wid, "reassign", MANAGER, {"to": ZED, "reason": "the owner is off sick"}
            )
            assert receipt.awaiting and receipt.awaiting.actor_id == "cw-zed"
        finally:
            await terminate_when_quiet(env, wid)


async def test_the_manager_reassigns_the_case_and_the_new_owner_takes_the_step_and_its_due_date(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await opened(env, reviews)
    due = (await reviews.status(wid)).awaiting.due  # type: ignore[union-attr]
    with pytest.raises(Refusal, match="only the case's manager") as refused:
        await reviews.send(wid, "reassign", CASE_OWNER, {"to": ZED, "reason": "I am going on leave"})
    assert refused.value.kind == "not_allowed"
    for to, words in (
        ({"id": "su-1", "role": "service_user"}, "must be a member of staff"),
        (MANAGER, "the case's manager, who oversees"),
        (CASE_OWNER, "already holds the case"),
    ):
        with pytest.raises(Refusal, match=words):
            await reviews.send(wid, "reassign", MANAGER, {"to": to, "reason": "leave"})
    receipt = await update(reviews, wid, "reassign", MANAGER, {"to": ZED, "reason": "the owner is off sick"})
    assert receipt.recorded[0] == "reassigned to cw-zed"
    status = await reviews.status(wid)
    assert status.owner == "cw-zed" and status.awaiting and status.awaiting.actor_id == "cw-zed"
    assert status.awaiting.due == due
    told = [x for x in status.letters if x.kind == "case_reassigned"]
    assert told and told[0].to == "cw-zed" and told[0].cc == ["cw-alice"]
    with pytest.raises(Refusal, match="only the case owner"):
        await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    receipt = await update(reviews, wid, "case_owner_resolution", ZED, {"resolved": False})
    assert receipt.stage.value == "awaiting_grounds"


async def test_a_teams_manager_hands_the_teams_step_to_a_member_of_the_team(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid2 = await reviews.open(
        "decision_complaint", decision_case(decided_on=await today(env), risk="high")
    )  # a high-risk case waits for OAT's advice (29)
    await reviews.send(wid2, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    for _ in range(100):
        step = (await reviews.status(wid2)).awaiting
        if step is not None and step.action == "oat_advice":
            break
        await asyncio.sleep(0.05)
    assert step is not None and step.actor_id is None and step.actor_role == "oat_caseworker"
    oat_manager = {"id": "oat-manager", "role": "oat_caseworker"}
    olu = {"id": "oat-olu", "role": "oat_caseworker"}
    with pytest.raises(Refusal, match="that team's manager"):
        await reviews.send(
            wid2, "reassign", {"id": "oat-1", "role": "oat_caseworker"}, {"to": olu, "reason": "x"}
        )
    receipt = await update(
        reviews, wid2, "reassign", oat_manager, {"to": olu, "reason": "Olu knows the organisation"}
    )
    assert receipt.awaiting and receipt.awaiting.actor_id == "oat-olu"
    assert (await reviews.status(wid2)).owner == "cw-alice"  # the case itself stays with its owner
