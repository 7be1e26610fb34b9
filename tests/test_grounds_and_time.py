"""Grounds and time (paras 30-37; design.md "Time"): the grounds request and its deadline,
reminders, extensions, late requests and their explanation, due dates on each case's own
calendar, and overdue steps chased and escalated, on the real workflows with time skipping."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from domain.calendar import WorkingCalendar, end_of_day
from domain.policy import load_policy
from starter.client import Refusal, ReviewsClient
from starter.simulate import simulate
from tests.conftest import (
    CASE_OWNER,
    MANAGER,
    SERVICE_USER,
    decision_case,
    settings_in,
    skip,
    terminate_when_quiet,
    today,
)
from tests.scenario_files import body, letters_in, scenario
from tests.test_messages import gated
from worker import build_worker


async def test_a_late_request_gives_fourteen_days_and_the_reminder_comes_a_week_later(tmp_path: Path) -> None:
    result = await simulate(scenario("28"), data_dir=tmp_path)
    status = result["status"]
    assert result["expect_met"], status["letters"]
    (request,) = letters_in(tmp_path, "grounds_request")
    assert "Please send this to us by 27 April 2026" in body(request)  # 25 April is a Saturday (v8)
    kinds = [(letter["kind"], letter["sent_at"][:10]) for letter in status["letters"]]
    assert ("grounds_request", "2026-04-11") in kinds and ("grounds_reminder", "2026-04-20") in kinds
    # OAT's overdue advice was never escalated to the case owner's manager (om-bob).
    assert all(letter["to"] != "om-bob" for letter in status["letters"] if letter["kind"] == "task_escalated")


async def test_no_reminder_is_sent_with_the_request(tmp_path: Path) -> None:
    # 16 days before the deadline given (27 April) is the day the request goes out (11 April).
    late = scenario("28") | {"policy": {"durations": {"grounds_reminder_before": "16d"}}}
    result = await simulate(late, data_dir=tmp_path)
    kinds = [letter["kind"] for letter in result["status"]["letters"]]
    assert "grounds_request" in kinds and "grounds_reminder" not in kinds


async def test_the_late_explanation_request_states_the_reply_by_date(tmp_path: Path) -> None:
    result = await simulate(scenario("29"), data_dir=tmp_path)
    assert result["expect_met"]
    (request,) = letters_in(tmp_path, "late_explanation_request")
    text = body(request)
    assert "after the deadline of 27 April 2026" in text
    assert "Please reply by 15 May 2026" in text
    # Nobody declined it on the system's behalf: the case owner decided, then assessed.
    actors = [h["actor"] for h in result["status"]["history"] if "time limit" in h["action"]]
    assert actors == ["cw-alice (caseworker)"]


async def test_grounds_sent_early_are_kept_until_awaiting_grounds(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "x", "wanted": "y"})
    status = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    assert status is not None and status.stage.value == "challenge_assessment"
    assert status.grounds_in_time is True
    assert not [letter for letter in status.letters if letter.kind == "grounds_request"]


async def test_extension_moves_the_durable_timer(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 32
    data = decision_case(decided_on=await today(env))
    wid = await reviews.open("decision_complaint", data)
    first = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    assert first is not None and first.grounds_deadline is not None
    new_deadline = first.grounds_deadline + timedelta(days=60)
    with pytest.raises(Refusal, match="case's manager"):
        await reviews.send(
            wid,
            "extend_grounds_deadline",
            CASE_OWNER,
            {"new_deadline": new_deadline.isoformat(), "reason": "r"},
        )
    await reviews.send(
        wid,
        "extend_grounds_deadline",
        MANAGER,
        {"new_deadline": new_deadline.isoformat(), "reason": "GP records"},
    )
    await skip(env, timedelta(days=70))  # past the old deadline and its grace month
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_grounds" and status.grounds_deadline == new_deadline
    await skip(env, timedelta(days=55))  # past the new deadline and its grace month
    assert (await reviews.status(wid)).outcome == "grounds_not_received"


async def test_overdue_steps_remind_then_escalate(env: WorkflowEnvironment, reviews: ReviewsClient) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    status = await reviews.status(wid)
    assert status.awaiting is not None and status.awaiting.due is not None
    due = end_of_day(status.awaiting.due)
    await skip(env, due - await env.get_current_time() - timedelta(hours=1))
    assert staff_letters(await reviews.status(wid)) == []  # not overdue yet
    await skip(env, timedelta(hours=2))
    assert staff_letters(await reviews.status(wid)) == ["task_overdue"]
    escalation = end_of_day(load_policy().durations.escalate_after.after(status.awaiting.due))
    await skip(env, escalation - await env.get_current_time() + timedelta(hours=1))
    status = await reviews.status(wid)
    assert staff_letters(status) == ["task_overdue", "task_escalated"]
    assert status.awaiting is not None and status.awaiting.escalated


def staff_letters(status: Any) -> list[str]:
    """What staff were sent (the complainant's acknowledgement aside)."""
    return [x.kind for x in status.letters if x.to_role != "service_user"]


async def test_an_extension_is_refused_once_grounds_have_arrived(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Issue 9 (1): grounds sent early; while awaiting_grounds is entered the manager's
    extension is refused at once (32: the deadline no longer matters), not parked."""
    client, activities, worker = await gated(env, tmp_path, "awaiting_grounds")
    async with worker:
        wid = await client.open("decision_complaint", decision_case(decided_on=await today(env)))
        await client.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "early"})
        resolving = asyncio.create_task(
            client.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        )
        assert await asyncio.to_thread(activities.entered.wait, 20)
        later = (date.fromisoformat(await today(env)) + timedelta(days=60)).isoformat()
        sending = asyncio.create_task(
            client.send(
                wid, "extend_grounds_deadline", MANAGER, {"new_deadline": later, "reason": "more time"}
            )
        )
        with pytest.raises(Refusal, match="grounds have arrived"):
            await asyncio.wait_for(sending, 20)
        activities.release.set()
        await resolving
        await terminate_when_quiet(env, wid)


async def test_a_case_keeps_the_bank_holidays_it_was_opened_with(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Issue 9 (4): due dates come from the case's own calendar (kept with its policy),
    not from whatever `holidays` package the worker has now."""
    opened_on = date.fromisoformat(await today(env))
    extra_holiday = WorkingCalendar().add_working_days(opened_on, 3)
    base = load_policy().with_bank_holidays(opened_on)
    policy = base.model_copy(update={"bank_holidays": [*(base.bank_holidays or []), extra_holiday]})
    activities = CaseActivities(settings_in(tmp_path), policy)
    client = ReviewsClient(env.client, f"cal-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, activities, client.task_queue):
        wid = await client.open("decision_complaint", decision_case(decided_on=opened_on.isoformat()))
        status = await client.status(wid)
        awaiting = status.awaiting
        assert awaiting is not None and awaiting.since is not None
        started = awaiting.since.date()
        usual = WorkingCalendar().add_working_days(started, 10)
        kept = WorkingCalendar(frozenset([*(base.bank_holidays or []), extra_holiday]))
        assert awaiting.due == kept.add_working_days(started, 10)
        assert awaiting.due is not None and awaiting.due > usual
        await terminate_when_quiet(env, wid)
