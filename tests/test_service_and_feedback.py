"""Service complaints and positive feedback on the real workflows with time skipping: positive feedback (7-9), service
complaints (10-19) on every path, both reclassifications (12, 48), the compliance ledger
(met, unmet, not applicable) and paused clocks."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.calendar import end_of_day, london_date
from domain.enums import Kind
from domain.ledger import requirements_for
from domain.models import Status
from domain.policy import load_policy
from starter.client import Refusal, ReviewsClient
from tests.conftest import CASE_OWNER, MANAGER, OAT, SERVICE_USER, decision_case, skip, today

AD = {"id": "ad-ann", "role": "assistant_director"}
POINT = {
    "kind": "individual",
    "text": "did not return calls",
    "service_model_ref": "Service Model 3.2",
    "charter_commitment": "we will keep you informed",
}


def ledger(status: Status) -> dict[str, str]:
    return {e.paragraph: e.state for e in status.ledger}


def assert_ledger_complete(status: Status, kind: Kind) -> None:
    """Every requirement of the kind is on a closed case, each met, unmet or n/a; a met
    one points at the audited event that met it."""
    states = ledger(status)
    assert {r.paragraph for r in requirements_for(kind)} <= set(states)
    assert set(states.values()) <= {"met", "unmet", "not_applicable"}
    for entry in status.ledger:
        if entry.state == "met":
            assert entry.event is not None and f"para {entry.paragraph}" in status.history[entry.event].action
    assert status.ledger_unmet == sorted((p for p, s in states.items() if s == "unmet"), key=int)


def service_case(ref: str | None = None) -> dict[str, Any]:
    return {
        "case": {"ref": ref or f"S-{uuid.uuid4().hex[:6]}", "owner": "cw-alice", "manager": "om-bob"},
        "about": "cw-alice",
        "summary": "nobody returned my calls for six weeks",
        "reasonable_adjustments": ["large print"],
    }


# ----------------------------------------------------------- positive feedback


async def test_positive_feedback_is_saved_tasked_reviewed_and_copied(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 7-9
    data = {
        "case": {"ref": "P-1", "owner": "cw-alice", "manager": "om-bob"},
        "received_by": "cw-alice",
        "channel": "email",
        "content": "Alice was kind and clear",
        "received_on": await today(env),
    }
    wid = await reviews.open("positive_feedback", data)
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_manager_review"
    assert status.awaiting is not None and status.awaiting.actor_id == "om-bob"
    (task,) = status.tasks
    assert task.task == "positive feedback received" and "Alice was kind" in task.detail
    assert [x.kind for x in status.letters] == ["positive_feedback_received"]
    with pytest.raises(
        Refusal, match=r"may not send manager_review: only the case's manager \(om-bob\) \(9\)"
    ):
        await reviews.send(
            wid, "manager_review", {"id": "om-zed", "role": "operations_manager"}, {"comments": "x"}
        )
    with pytest.raises(Refusal, match="comments"):
        await reviews.send(wid, "manager_review", MANAGER, {"comments": " "})
    status = await reviews.act(wid, "manager_review", MANAGER, {"comments": "Well done, Alice"})
    assert status is not None and status.outcome == "feedback_reviewed"
    comments = status.letters[-1]
    assert comments.kind == "positive_feedback_comments" and comments.to == "cw-alice"
    assert set(comments.cc) == {"director-of-operations", "director-of-legal-and-clinical", "chief-executive"}
    assert ledger(status) == {"7": "met", "8": "met", "9": "met"}
    assert_ledger_complete(status, Kind.POSITIVE_FEEDBACK)


async def test_feedback_saved_late_leaves_para_7_unmet_and_the_review_is_chased(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    received = london_date(await env.get_current_time()) - timedelta(days=30)
    data = {
        "case": {"ref": "P-2", "owner": "cw-alice", "manager": "om-bob"},
        "received_by": "cw-alice",
        "channel": "phone",
        "content": "thank you",
        "received_on": received.isoformat(),
    }
    wid = await reviews.open("positive_feedback", data)
    status = await reviews.status(wid)
    assert status.awaiting is not None and status.awaiting.due is not None
    await skip(env, end_of_day(status.awaiting.due) - await env.get_current_time() + timedelta(hours=1))
    status = await reviews.status(wid)
    assert status.letters[-1].kind == "task_overdue" and status.letters[-1].to == "om-bob"
    status = await reviews.act(wid, "manager_review", MANAGER, {"comments": "thanks"})
    assert status is not None and status.ledger_unmet == ["7"]
    assert_ledger_complete(status, Kind.POSITIVE_FEEDBACK)


# ----------------------------------------------------------- service complaints


async def test_resolved_by_the_manager_at_first_contact(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("service_complaint", service_case())
    status = await reviews.status(wid)
    assert status.stage.value == "manager_resolution" and status.awaiting is not None
    assert (status.awaiting.actor_id, status.awaiting.action) == ("om-bob", "manager_resolution")
    with pytest.raises(
        Refusal, match=r"may not send manager_resolution: only the case's manager \(om-bob\) \(13-14\)"
    ):
        await reviews.send(wid, "manager_resolution", CASE_OWNER, {"resolved": True})
    status = await reviews.act(wid, "manager_resolution", MANAGER, {"resolved": True, "action": "apology"})
    assert status is not None and status.outcome == "resolved_by_manager"
    closing = next(x for x in reversed(status.letters) if x.kind == "closing")
    assert not closing.ends_internal_process  # not a review (11, 74)
    states = ledger(status)
    assert states["13"] == states["14"] == "met" and states["18"] == "not_applicable"
    assert_ledger_complete(status, Kind.SERVICE_COMPLAINT)


async def test_escalated_up_the_chain_then_upheld_with_an_approved_payment(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 11, 15, 17-19, 72
    wid = await reviews.open("service_complaint", service_case())
    await reviews.send(wid, "manager_resolution", MANAGER, {"resolved": False, "action": "explanation"})
    await reviews.send(wid, "oat_service_advice", OAT, {"advice": "consider a payment at level 2"})
    with pytest.raises(Refusal, match="not above"):
        await reviews.send(
            wid, "escalate", MANAGER, {"to": {"id": "om-cat", "role": "operations_manager"}, "reason": "r"}
        )
    with pytest.raises(Refusal, match="management chain"):
        await reviews.send(
            wid, "escalate", MANAGER, {"to": {"id": "oat-x", "role": "oat_caseworker"}, "reason": "r"}
        )
    status = await reviews.act(wid, "escalate", MANAGER, {"to": AD, "reason": "risk profile changed"})
    assert status is not None and status.handler is not None and status.handler.id == "ad-ann"
    assert status.awaiting is not None and status.awaiting.actor_id == "ad-ann"
    with pytest.raises(Refusal, match="is with ad-ann"):
        await reviews.send(wid, "close_unresolved", MANAGER, {"reason": "x"})
    decision = {
        "upheld": True,
        "what_happened": "six weeks without a call back",
        "should_have_happened": "a call within five working days",
        "difference": "distress and time lost",
        "remedy": {"kinds": ["apology", "financial_payment"], "amount_gbp": 5000, "severity": 2},
        "learning_points": [POINT],
    }
    with pytest.raises(Refusal, match="remedy"):
        await reviews.send(wid, "service_complaint_decision", AD, {**decision, "remedy": None})
    status = await reviews.act(wid, "service_complaint_decision", AD, decision)
    assert status is not None and status.stage.value == "awaiting_approval"
    with pytest.raises(Refusal, match="four eyes"):
        await reviews.send(wid, "approve", AD, {})
    with pytest.raises(Refusal, match="may not approve"):
        await reviews.send(wid, "approve", MANAGER, {})
    status = await reviews.act(wid, "approve", {"id": "ad-max", "role": "assistant_director"}, {})
    assert status is not None and status.outcome == "service_complaint_upheld"
    kinds = [x.kind for x in status.letters]
    assert {
        "oat_service_advice",
        "service_complaint_escalated",
        "service_review_record",
        "learning_points",
    } <= set(kinds)
    assert any(t.task == "record as a service review" for t in status.tasks)
    assert ledger(status)["18"] == "met" and ledger(status)["19"] == "met"
    assert_ledger_complete(status, Kind.SERVICE_COMPLAINT)


async def test_upheld_without_learning_leaves_para_19_unmet(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("service_complaint", service_case())
    await reviews.send(wid, "manager_resolution", MANAGER, {"resolved": False})
    decision = {
        "upheld": True,
        "what_happened": "late reply",
        "should_have_happened": "a reply in time",
        "difference": "worry",
        "remedy": {"kinds": ["apology"]},
    }
    status = await reviews.act(wid, "service_complaint_decision", MANAGER, decision)
    assert status is not None and status.outcome == "service_complaint_upheld"
    assert status.ledger_unmet == ["19"]
    assert_ledger_complete(status, Kind.SERVICE_COMPLAINT)


@pytest.mark.parametrize(
    ("message", "data", "outcome"),
    [
        (
            "service_complaint_decision",
            {"upheld": False, "what_happened": "a call in time", "should_have_happened": "the same"},
            "service_complaint_not_upheld",
        ),
        (
            "close_unresolved",
            {"reason": "the service user wants a new caseworker, which we cannot do"},
            "closed_unresolved",
        ),
    ],
)
async def test_not_upheld_or_closed_unresolved(
    env: WorkflowEnvironment, reviews: ReviewsClient, message: str, data: dict[str, Any], outcome: str
) -> None:  # paras 15, 17
    wid = await reviews.open("service_complaint", service_case())
    await reviews.send(wid, "manager_resolution", MANAGER, {"resolved": False})
    status = await reviews.act(wid, message, MANAGER, data)
    assert status is not None and status.outcome == outcome
    assert ledger(status)["18"] == "not_applicable"
    assert_ledger_complete(status, Kind.SERVICE_COMPLAINT)


async def test_a_service_complaint_about_the_decision_becomes_a_decision_complaint(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 12
    wid = await reviews.open("service_complaint", service_case())
    with pytest.raises(Refusal, match="decided_on"):
        await reviews.send(
            wid, "reclassify_as_decision_complaint", CASE_OWNER, {"reason": "about the decision"}
        )
    status = await reviews.act(
        wid,
        "reclassify_as_decision_complaint",
        CASE_OWNER,
        {
            "reason": "really about our findings",
            "risk": "low",
            "decision": "primary_investigation",
            "decided_on": await today(env),
        },
    )
    assert status is not None and status.outcome == "reclassified_decision_complaint"
    new_id = status.links.reclassified_to
    assert new_id is not None and ledger(status)["12"] == "met"
    reviews.opened.append(new_id)
    new = await wait_for_stage(reviews, new_id, "case_owner_resolution")
    assert new.kind == "decision_complaint" and new.links.reclassified_from == wid
    assert [str(a) for a in new.reasonable_adjustments] == ["large print"]


async def test_oat_not_for_oat_service_complaint_becomes_a_service_complaint(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 48
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await reviews.send(
        wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "you were rude to me", "wanted": "apology"}
    )
    await reviews.send(
        wid, "challenge_assessment", CASE_OWNER, {"actionable": True, "analysis": "about service"}
    )
    await reviews.send(wid, "case_owner_review", CASE_OWNER, {"finding": "no_genuine_doubt"})
    status = await reviews.act(
        wid, "oat_outcome", OAT, {"outcome": "not_for_oat_service_complaint", "directions": "service"}
    )
    assert status is not None and status.outcome == "reclassified_service_complaint"
    assert not status.letters[-1].ends_internal_process  # the complaint goes on (74)
    new_id = status.links.reclassified_to
    assert new_id is not None
    reviews.opened.append(new_id)
    new = await wait_for_stage(reviews, new_id, "manager_resolution")
    assert new.kind == "service_complaint" and new.links.reclassified_from == wid
    assert "rude" in new.history[0].detail or any("rude" in h.detail for h in new.history)
    assert_ledger_complete(status, Kind.DECISION_COMPLAINT)


async def wait_for_stage(reviews: ReviewsClient, wid: str, stage: str) -> Status:
    import asyncio

    for _ in range(100):
        try:
            status = await reviews.status(wid)
            if status.stage.value == stage:
                return status
        except Refusal:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{wid} never reached {stage}")


# ------------------------------------------------------------------ paused clocks


async def test_a_paused_clock_moves_the_due_date_and_a_forgotten_pause_restarts_by_itself(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("service_complaint", service_case())
    status = await reviews.status(wid)
    assert status.awaiting is not None and status.awaiting.due is not None
    due = status.awaiting.due
    with pytest.raises(Refusal, match="may not pause"):
        await reviews.send(wid, "pause_clock", CASE_OWNER, {"reason": "x"})
    status = await reviews.act(wid, "pause_clock", MANAGER, {"reason": "waiting for the service user's call"})
    assert status is not None and status.clock_paused and status.awaiting is not None
    resume_by = status.awaiting.resume_by
    # The case's own bank holidays: those the worker gave it at opening (the years around
    # the real today), whatever year the shared test server has skipped to.
    calendar = load_policy().with_bank_holidays(date.today()).calendar()
    assert resume_by == calendar.add_working_days(london_date(await env.get_current_time()), 20)
    with pytest.raises(Refusal, match="already paused"):
        await reviews.send(wid, "pause_clock", MANAGER, {"reason": "again"})
    # Past the original due date nobody is chased: the clock is stopped.
    await skip(env, end_of_day(due) - await env.get_current_time() + timedelta(days=1))
    assert [x.kind for x in (await reviews.status(wid)).letters] == ["service_complaint_received"]
    # A pause nobody resumes restarts by itself at its resume-by date, and the case's
    # manager is told (guidance v7: pauses are bounded).
    await skip(env, end_of_day(resume_by) - await env.get_current_time() + timedelta(hours=1))
    status = await reviews.status(wid)
    assert (status.letters[-1].kind, status.letters[-1].to) == ("pause_ended", MANAGER["id"])
    assert not status.clock_paused and status.awaiting is not None
    (pause,) = status.pauses
    assert pause.days >= 20 and pause.days == status.time_paused_days
    assert status.awaiting.due == due + timedelta(days=pause.days)
    with pytest.raises(Refusal, match="is not paused"):
        await reviews.send(wid, "resume_clock", MANAGER, {"note": "call happened"})


async def test_what_the_service_user_sends_restarts_a_paused_clock(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "x", "wanted": "y"})
    status = await reviews.act(wid, "pause_clock", CASE_OWNER, {"reason": "asked for the GP letter"})
    assert status is not None and status.clock_paused
    await skip(env, timedelta(days=3))
    await reviews.send(wid, "grounds_submitted", SERVICE_USER, {"evidence": ["GP letter"]})
    status = await wait_until(reviews, wid, lambda s: not s.clock_paused)
    assert status.pauses[0].days == 3 and status.time_paused_days == 3


async def wait_until(reviews: ReviewsClient, wid: str, test: Any) -> Status:
    import asyncio

    for _ in range(100):
        status = await reviews.status(wid)
        if test(status):
            return status
        await asyncio.sleep(0.1)
    raise AssertionError("condition never held")


async def test_access_to_a_service_complaint_can_be_declined_for_behaviour(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 22: "access to a review of our decision or service"
    wid = await reviews.open("service_complaint", service_case())
    with pytest.raises(Refusal, match="may not decline"):
        await reviews.send(wid, "decline_unacceptable_behaviour", CASE_OWNER, {"reason": "abusive calls"})
    await reviews.send(wid, "manager_resolution", MANAGER, {"resolved": False})
    status = await reviews.act(wid, "decline_unacceptable_behaviour", MANAGER, {"reason": "abusive calls"})
    assert status is not None and status.outcome == "declined_unacceptable_behaviour"
    assert_ledger_complete(status, Kind.SERVICE_COMPLAINT)
    feedback = await reviews.open(
        "positive_feedback",
        {
            "case": {"ref": "P-3", "owner": "a", "manager": "b"},
            "received_by": "a",
            "channel": "phone",
            "content": "thanks",
        },
    )
    with pytest.raises(Refusal, match="positive_feedback does not take decline_unacceptable_behaviour"):
        await reviews.send(feedback, "decline_unacceptable_behaviour", MANAGER, {"reason": "x"})
