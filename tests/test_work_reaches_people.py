"""Work reaches a person, once (issue 24; guidance v8; design.md, "Time"), on the real
workflow with time skipping: every task has a due date, is sent to its assignee, is
chased and escalated like a step until `complete_task`, and is a row of the store's task
list, one still open at closing included; an adjustment's task is the case's (31); an
overdue approval is chased at a person (72-73); a step a child awaits is chased once; a
re-decision keeps its learning (55-56); the parties are told what happens (49, 63-64);
OAT's learning is taken whichever way its review ends (Annex A); reply-by dates are
working days, with the post's time (design.md, "Time")."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from domain.calendar import PACKAGE_CALENDAR, Period, end_of_day
from domain.grounds import deadline_given, reply_by_date
from domain.models import Status
from starter.client import Refusal, ReviewsClient
from store.models import AuditRow, TaskRow
from tests.conftest import (
    CASE_OWNER,
    MANAGER,
    OAT,
    SERVICE_USER,
    decision_case,
    skip,
    terminate_when_quiet,
    today,
    until_stage,
)
from tests.scenario_files import body, letters_in
from tests.test_approvals_and_further_work import NDI, POINT, payment, to_oat_consideration
from tests.test_versioning_guidance import activities_under
from worker import build_worker

NEW_POINT = {
    "kind": "organisation",
    "text": "the checklist does not ask about carers",
    "service_model_ref": "Service Model 3.2",
    "charter_commitment": "we will be thorough",
}


def rows(activities: CaseActivities, wid: str) -> list[TaskRow]:
    engine = create_engine(activities.settings.database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(TaskRow).where(TaskRow.workflow_id == wid).order_by(TaskRow.id)))
        session.expunge_all()
    engine.dispose()
    return found


async def past(env: WorkflowEnvironment, day: date) -> None:
    """Let time run to an hour after the end of `day` (London), when its chases fall due."""
    await skip(env, end_of_day(day) - await env.get_current_time() + timedelta(hours=1))


def letters(status: Status, kind: str) -> list[str]:
    """Who each letter of `kind` the case itself sent went to (its children's are listed
    with it, marked `from_case`)."""
    return [letter.to for letter in status.letters if letter.kind == kind and letter.from_case is None]


async def to_case_owner_review(reviews: ReviewsClient, env: WorkflowEnvironment, **case: Any) -> str:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env), **case))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await reviews.send(
        wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "missed evidence", "wanted": "x"}
    )
    await until_stage(reviews, wid, "challenge_assessment")
    await reviews.send(wid, "challenge_assessment", CASE_OWNER, {"actionable": True, "analysis": "names it"})
    return wid


async def test_a_task_is_due_sent_listed_chased_and_closed_by_complete_task(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:  # paras 43, 65, 78; design.md "Time"
    wid = await to_case_owner_review(reviews, env)
    opened_on = date.fromisoformat(await today(env))
    status = await reviews.act(
        wid, "case_owner_review", CASE_OWNER, {"finding": "primary_reconsider_in_team"}
    )
    tasks = {t.task: t for t in status.tasks}
    # Each task is due by the policy's time for it, counted in working days.
    assert tasks["reconsider the decision in team"].due == PACKAGE_CALENDAR.add_working_days(opened_on, 10)
    assert tasks["risk re-assessment"].due == PACKAGE_CALENDAR.add_working_days(opened_on, 5)
    # Each is sent to its assignee, named as the task is...
    assert sorted(letters(status, "task_opened")) == ["cw-alice", "om-bob"]
    # ...and is a row of the store's task list, assigned to them with its due date.
    listed = {r.action: r for r in rows(activities, wid) if r.source == "task"}
    assert (
        listed["risk re-assessment"].actor_id == "cw-alice" and listed["risk re-assessment"].closed_at is None
    )
    assert listed["reconsider the decision in team"].due == tasks["reconsider the decision in team"].due

    # Overdue: the assignee is reminded, then their manager is told.
    risk_due = tasks["risk re-assessment"].due
    assert risk_due is not None
    await past(env, risk_due)
    status = await reviews.status(wid)
    assert letters(status, "task_overdue").count("cw-alice") == 1
    assert "om-bob" not in letters(status, "task_escalated")
    await past(env, PACKAGE_CALENDAR.add_working_days(risk_due, 5))  # escalate_after
    status = await reviews.status(wid)
    assert "om-bob" in letters(status, "task_escalated")
    assert any(h.action.startswith("escalated to om-bob: task 'risk re-assessment'") for h in status.history)

    # Only its assignee, the case's manager or someone senior may mark it done.
    with pytest.raises(Refusal, match="may not complete") as refused:
        await reviews.send(wid, "complete_task", OAT, {"task": "risk re-assessment", "risk": "high"})
    assert refused.value.kind == "not_allowed"
    status = await reviews.act(
        wid,
        "complete_task",
        CASE_OWNER,
        {"task": "risk re-assessment", "risk": "high", "note": "carer is ill"},
    )
    assert status.risk == "high"
    # The store follows the case as soon as the case has written it (the receipt may come first).
    for _ in range(100):
        done = next(r for r in rows(activities, wid) if r.action == "risk re-assessment")
        if done.closed_at is not None:
            break
        await asyncio.sleep(0.05)
    assert done.closed_at is not None and done.done_by == str(CASE_OWNER["id"]) + " (caseworker)"
    assert done.done_note == "carer is ill"
    # A task done is chased no more.
    escalations = len(letters(status, "task_escalated"))
    await skip(env, timedelta(days=10))
    status = await reviews.status(wid)
    chased_again = [
        h
        for h in status.history[-20:]
        if "risk re-assessment" in h.action and h.action.startswith("escalated")
    ]
    assert len(letters(status, "task_escalated")) >= escalations and not chased_again[escalations:]


async def test_adjustment_tasks_are_the_cases_one_a_letter_for_a_call_one_a_case_for_an_interpreter(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:  # para 31
    adjustments = [{"kind": "phone_call"}, {"kind": "interpreter", "detail": "Polish"}]
    wid = await reviews.open(
        "decision_complaint",
        decision_case(decided_on=await today(env)) | {"reasonable_adjustments": adjustments},
    )
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    await reviews.send(
        wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "missed evidence", "wanted": "x"}
    )
    await until_stage(reviews, wid, "challenge_assessment")
    status = await reviews.status(wid)
    to_complainant = [x for x in status.letters if x.to_role == "service_user"]
    assert to_complainant  # the grounds request at least
    calls = [t for t in status.tasks if t.task == "reasonable adjustment - phone call"]
    interpreters = [t for t in status.tasks if t.task == "reasonable adjustment - interpreter"]
    assert len(calls) == len(to_complainant)
    assert [t.detail for t in interpreters] == ["interpreter: Polish"]
    assert all(t.assignee == "cw-alice" for t in calls + interpreters)
    # The letters open no tasks of their own any more: the store lists the case's.
    listed = [r for r in rows(activities, wid) if r.closed_at is None and r.source != "task"]
    assert not [r for r in listed if r.action.startswith("adjustment: ")]
    assert len([r for r in rows(activities, wid) if r.source == "task"]) == len(status.tasks)
    # Done once, it stays done; the next letter's call is a new task.
    status = await reviews.act(
        wid, "complete_task", CASE_OWNER, {"task": "reasonable adjustment - interpreter"}
    )
    await reviews.send(
        wid, "challenge_assessment", CASE_OWNER, {"actionable": False, "analysis": "no reason"}
    )
    status = await reviews.status(wid)
    assert len([t for t in status.tasks if t.task == "reasonable adjustment - interpreter"]) == 1


async def test_a_task_open_when_its_case_closes_stays_listed_until_marked_done(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:  # para 31; design.md "Time"
    wid = await reviews.open(
        "decision_complaint",
        decision_case(decided_on=await today(env)) | {"reasonable_adjustments": [{"kind": "phone_call"}]},
    )
    status = await reviews.act(
        wid, "case_owner_resolution", CASE_OWNER, {"resolved": True, "note": "explained"}
    )
    assert status.outcome is not None
    closing = next(x for x in status.letters if x.kind == "closing")
    call = next(t for t in status.tasks if closing.key in t.detail)
    assert call.done_at is None and "cw-alice" in letters(status, "task_opened")
    row = next(r for r in rows(activities, wid) if r.source == "task" and closing.key in (r.detail or ""))
    assert row.closed_at is None
    # The workflow has ended; the store marks it done, by the same rule of who may.
    with pytest.raises(Refusal, match="may not complete") as refused:
        await reviews.send(wid, "complete_task", OAT, {"task": call.task})
    assert refused.value.kind == "not_allowed"
    opened_calls = [r for r in rows(activities, wid) if r.action == call.task and r.closed_at is None]
    for _ in opened_calls:
        receipt = await reviews.send(
            wid, "complete_task", MANAGER, {"task": call.task, "note": "called them"}
        )
    assert receipt.recorded == [f"task done after the case closed: {call.task}"]  # type: ignore[union-attr]
    assert all(r.closed_at is not None and r.done_by == "om-bob (operations_manager)" for r in rows(activities, wid)
               if r.action == call.task)  # fmt: skip
    with pytest.raises(Refusal, match="no task on it is open|was done") as again:
        await reviews.send(wid, "complete_task", MANAGER, {"task": call.task})
    assert again.value.kind == "not_now"
    engine = create_engine(activities.settings.database_url)
    with Session(engine) as session:
        audit = session.scalars(select(AuditRow.action).where(AuditRow.workflow_id == wid)).all()
    engine.dispose()
    assert f"task done after the case closed: {call.task}" in audit


async def test_an_overdue_approval_is_chased_at_the_cases_manager_then_up_the_ladder(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 72-73; design.md "Time"
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, payment(500))
    assert status.stage.value == "awaiting_approval" and status.awaiting and status.awaiting.due
    due = status.awaiting.due  # 10 working days on
    await past(env, due)
    status = await reviews.status(wid)
    assert letters(status, "task_overdue") == ["om-bob"]
    await past(env, PACKAGE_CALENDAR.add_working_days(due, 5))
    status = await reviews.status(wid)
    assert letters(status, "task_escalated")[:1] == ["assistant-director"]
    everyone = [x.to for x in status.letters] + [c for x in status.letters for c in x.cc]
    assert "operations_manager" not in everyone


async def test_a_step_a_child_awaits_is_chased_once_and_listed_once(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:  # design.md "Time"
    wid = await to_case_owner_review(reviews, env)
    status = await reviews.act(wid, "case_owner_review", CASE_OWNER, {"finding": "no_genuine_doubt"})
    assert status.stage.value == "oat_review"
    child = status.links.children[-1]
    due = (await reviews.status(child)).awaiting.due  # type: ignore[union-attr]
    assert due is not None
    await past(env, due)  # oat_outcome is due in 20 working days
    parent, review = await reviews.status(wid), await reviews.status(child)
    assert letters(parent, "task_overdue") == [] and letters(review, "task_overdue") == ["oat"]
    open_rows = [r for r in rows(activities, wid) + rows(activities, child) if r.action == "oat_outcome"]
    assert len([r for r in open_rows if r.closed_at is None]) == 1


async def test_a_redecision_after_a_rejection_keeps_its_new_learning(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 55-56, 72
    wid = await to_oat_consideration(reviews, env)
    await reviews.send(wid, "oat_decision", OAT, payment(500))
    await reviews.send(wid, "reject", MANAGER, {"note": "the amount is too low for the harm"})
    await until_stage(reviews, wid, "oat_consideration")
    status = await reviews.act(
        wid, "oat_decision", OAT, {**payment(800), "learning_points": [POINT, NEW_POINT]}
    )
    texts = [p.text for p in status.learning_points]
    assert texts.count(POINT["text"]) == 1 and NEW_POINT["text"] in texts
    assert len(letters(status, "learning_points")) == 2


async def test_the_complainant_is_told_when_oat_returns_a_referral(
    env: WorkflowEnvironment, reviews: ReviewsClient, activities: CaseActivities
) -> None:  # para 49
    wid = await to_case_owner_review(reviews, env)
    await reviews.send(wid, "case_owner_review", CASE_OWNER, {"finding": "no_genuine_doubt"})
    status = await reviews.act(
        wid, "oat_outcome", OAT, {"outcome": "returned_more_info", "directions": "ask the GP"}
    )
    assert status.stage.value == "case_owner_review"
    assert letters(status, "oat_returned") == [status.case_ref and f"service-user:{status.case_ref}"]
    text = body(letters_in(activities.settings.data_dir, "oat_returned")[0])
    assert "gather more information" in text and "ask the GP" not in text  # OAT's directions are staff's


async def test_oat_records_learning_when_the_review_criteria_are_not_met(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 48, Annex A
    wid = await to_case_owner_review(reviews, env)
    await reviews.send(wid, "case_owner_review", CASE_OWNER, {"finding": "no_genuine_doubt"})
    await reviews.send(
        wid,
        "oat_outcome",
        OAT,
        {"outcome": "not_for_oat_criteria_not_met", "directions": "no error", "learning_points": [NEW_POINT]},
    )
    await until_stage(reviews, wid, "closed")
    status = await reviews.status(wid)
    assert status.outcome == "review_criteria_not_met"
    assert [p.text for p in status.learning_points] == [NEW_POINT["text"]]
    assert letters(status, "learning_points") == ["om-bob"]


async def test_both_parties_are_told_whether_a_new_investigation_goes_ahead(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 63-64
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, NDI)
    await skip(env, timedelta(days=26))  # the comment window (21 days, to a working day) passes
    status = await reviews.act(wid, "ndi_proceed", OAT, {"proceed": True, "note": "no comments came"})
    told = letters(status, "ndi_decision")
    assert sorted(told) == sorted([f"service-user:{status.case_ref}", f"organisation:{status.case_ref}"])


async def test_a_reply_by_date_is_a_working_day_with_the_posts_time_added(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 32, 34; design.md "Time"
    posted = {"name": "Sam Kaur", "address": "1 Quiet Lane, Leeds"}
    decided = await today(env)
    wid = await reviews.open(
        "decision_complaint", decision_case(decided_on=decided) | {"complainant": posted}
    )
    status = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    status = await reviews.status(wid)
    given = deadline_given(
        Period(amount=1, unit="months").after(date.fromisoformat(decided)),
        date.fromisoformat(await today(env)),
        Period(amount=14, unit="days"),
    )
    expected = reply_by_date(given, by_post=True, post_allowance=Period(amount=2, unit="working_days"))
    assert status.grounds_deadline == expected and expected > given
    assert PACKAGE_CALENDAR.is_working_day(expected)


async def test_a_case_begun_under_v7_keeps_its_tasks_as_they_were(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    activities = activities_under(tmp_path, 7)
    reviews = ReviewsClient(env.client, f"test-v7-{tmp_path.name[-6:]}")
    async with build_worker(env.client, activities, reviews.task_queue):
        wid = await reviews.open(
            "decision_complaint",
            decision_case(decided_on=await today(env)) | {"reasonable_adjustments": [{"kind": "phone_call"}]},
        )
        try:
            await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
            await until_stage(reviews, wid, "awaiting_grounds")
            status = await reviews.status(wid)
            assert status.guidance == 7 and not status.tasks and not letters(status, "task_opened")
            # Under v7 the letter opened its own task in the store.
            assert any(r.action.startswith("adjustment: ") for r in rows(activities, wid))
        finally:
            await terminate_when_quiet(env, wid)


async def test_my_tasks_through_the_api_before_and_after_the_case_closes(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # design.md "Back-office HTTP API": GET /tasks
    from tests.test_api import MANAGER as MANAGER_TOKEN
    from tests.test_api import OWNER as OWNER_TOKEN
    from tests.test_api import api_on, open_case

    async with api_on(env, tmp_path) as api:
        wid = await open_case(api, env, reasonable_adjustments=[{"kind": "interpreter", "detail": "Urdu"}])
        closed = await api.http.post(
            f"/cases/{wid}/messages/case_owner_resolution",
            json={"resolved": True, "note": "ok"},
            headers=OWNER_TOKEN,
        )
        assert closed.status_code == 200 and closed.json()["outcome"], closed.text
        mine = (await api.http.get("/tasks", headers=OWNER_TOKEN)).json()
        assert [t["action"] for t in mine if t["workflow_id"] == wid] == [
            "reasonable adjustment - interpreter"
        ]
        assert not [
            t for t in (await api.http.get("/tasks", headers=MANAGER_TOKEN)).json() if t["workflow_id"] == wid
        ]
        done = await api.http.post(
            f"/cases/{wid}/messages/complete_task",
            json={"task": "reasonable adjustment - interpreter", "note": "booked"},
            headers=OWNER_TOKEN,
        )
        assert done.status_code == 200 and done.json()["recorded"] == [
            "task done after the case closed: reasonable adjustment - interpreter"
        ], done.text
        assert not [
            t for t in (await api.http.get("/tasks", headers=OWNER_TOKEN)).json() if t["workflow_id"] == wid
        ]
        again = await api.http.post(
            f"/cases/{wid}/messages/complete_task",
            json={"task": "reasonable adjustment - interpreter"},
            headers=OWNER_TOKEN,
        )
        assert again.status_code == 409, again.text
