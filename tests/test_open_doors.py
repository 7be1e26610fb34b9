"""Doors the guidance keeps open (issue 24; guidance v7): the complainant can withdraw at
any stage (24), an adjustment can be captured at any time (31), a request for more time or
for an adjustment is somebody's task (31, 32). A case begun under an older version keeps
its rules: it refuses what its version does not take, and says why."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.models import AuditEvent, CaseSnapshot, EarlierReviewAsk
from activities.records import CaseActivities
from contract.messages import MESSAGES
from contract.receipts import WouldTake, WouldTakeAnswer
from domain.models import HistoryEntry
from starter.client import Refusal, ReviewsClient
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
from tests.test_approvals_and_further_work import payment, to_oat_consideration
from tests.test_messages_authority_matrix import Matrix, identities
from tests.test_service_and_feedback import wait_until
from tests.test_versioning_guidance import activities_under
from worker import build_worker

ORGANISATION = {"id": "org-1", "role": "organisation"}


async def test_the_complainant_withdraws_from_any_stage(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    with pytest.raises(Refusal) as refused:  # the organisation cannot withdraw the complaint for them
        await reviews.send(wid, "withdraw", ORGANISATION, {"note": "no merit"})
    assert refused.value.kind == "not_allowed"
    await reviews.send(wid, "withdraw", SERVICE_USER, {"note": "your call answered my questions"})
    await until_stage(reviews, wid, "closed")
    status = await reviews.status(wid)
    assert status.outcome == "withdrawn"
    closing = [letter for letter in status.letters if letter.kind == "closing"]
    assert len(closing) == 1 and closing[0].to_role == "service_user" and closing[0].ends_internal_process
    said = [e for e in status.history if e.action == "the complainant is satisfied and withdraws"]
    assert said and said[0].detail == "your call answered my questions" and said[0].actor.startswith("su-1")
    with pytest.raises(Refusal, match=r"the case is closed \(withdrawn\)"):
        await reviews.send(wid, "withdraw", SERVICE_USER, {})


async def test_a_case_begun_under_v6_takes_no_withdrawal(env: WorkflowEnvironment, tmp_path: Path) -> None:
    reviews = ReviewsClient(env.client, f"v6-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, activities_under(tmp_path, 6), reviews.task_queue):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        try:
            await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
            await until_stage(reviews, wid, "awaiting_grounds")
            with pytest.raises(Refusal, match="began under guidance v6, which takes no withdraw"):
                await reviews.send(wid, "withdraw", SERVICE_USER, {})
            assert (await reviews.status(wid)).stage.value == "awaiting_grounds"
        finally:
            await terminate_when_quiet(env, wid)


async def test_an_adjustment_asked_for_mid_case_is_a_task_then_honoured_by_every_later_letter(
    reviews: ReviewsClient, env: WorkflowEnvironment, activities: CaseActivities
) -> None:
    """Para 31 ("must"): adjustments can be captured at any time, not only at intake."""
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    assert "complete_task" not in await reviews.offers(wid, CASE_OWNER)  # no task is open
    with pytest.raises(Refusal, match="no task is open on this case"):
        await reviews.send(wid, "complete_task", CASE_OWNER, {"task": "anything"})
    with pytest.raises(Refusal) as refused:
        await reviews.send(wid, "adjustment_requested", ORGANISATION, {"text": "easy read please"})
    assert refused.value.kind == "not_allowed"
    await reviews.send(
        wid, "adjustment_requested", SERVICE_USER, {"text": "I find long letters hard", "kind": "easy_read"}
    )
    await reviews.send(wid, "more_time_requested", SERVICE_USER, {"text": "I am in hospital"})
    status = await reviews.status(wid)
    assert "complete_task" in await reviews.offers(wid, CASE_OWNER)
    owed = {t.task.split(" (")[0]: (t.assignee, t.detail) for t in status.tasks}
    assert owed["confirm a reasonable adjustment the complainant asked for"] == (
        "cw-alice",
        "easy read: I find long letters hard",
    )
    assert owed["decide the complainant's request for more time"] == ("om-bob", "I am in hospital")
    with pytest.raises(Refusal) as not_theirs:
        await reviews.send(wid, "record_adjustment", SERVICE_USER, {"kind": "easy_read"})
    assert not_theirs.value.kind == "not_allowed"
    await reviews.send(wid, "record_adjustment", CASE_OWNER, {"kind": "easy_read", "note": "asked by letter"})
    with pytest.raises(Refusal, match="already has the adjustment easy read"):
        await reviews.send(wid, "record_adjustment", MANAGER, {"kind": "easy_read"})
    status = await reviews.status(wid)
    assert [a.kind.value for a in status.reasonable_adjustments] == ["easy_read"]
    (confirmed,) = [t for t in status.tasks if t.task.startswith("confirm a reasonable adjustment")]
    assert confirmed.done_at is not None and confirmed.done_by == "cw-alice (caseworker)"
    before = {p.name for p in activities.settings.outbox_dir.rglob("*.easy-read.txt")}
    assert before == set()  # nothing before it was recorded was made easy read
    deadline = status.grounds_deadline
    assert deadline is not None
    later = (deadline + timedelta(days=14)).isoformat()
    await reviews.send(
        wid, "extend_grounds_deadline", MANAGER, {"new_deadline": later, "reason": "in hospital"}
    )
    made = {p.name for p in activities.settings.outbox_dir.rglob("*.easy-read.txt")}
    assert any("grounds_deadline_extended" in name for name in made), made


async def test_a_case_begun_under_v6_takes_adjustments_only_at_intake(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    reviews = ReviewsClient(env.client, f"v6-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, activities_under(tmp_path, 6), reviews.task_queue):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        try:
            with pytest.raises(
                Refusal, match="began under guidance v6, which takes adjustments only at intake"
            ):
                await reviews.send(wid, "record_adjustment", CASE_OWNER, {"kind": "easy_read"})
            with pytest.raises(Refusal, match="which takes no more_time_requested"):
                await reviews.send(wid, "more_time_requested", SERVICE_USER, {"text": "in hospital"})
        finally:
            await terminate_when_quiet(env, wid)


async def test_a_threat_recorded_before_the_grounds_sends_them_to_legal_first(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    await reviews.send(wid, "record_jr_threat", CASE_OWNER, {"note": "the complainant said so by phone"})
    with pytest.raises(Refusal, match="already recorded"):
        await reviews.send(wid, "record_jr_threat", CASE_OWNER, {})
    assert (await reviews.status(wid)).stage.value == "awaiting_grounds"  # nothing to consider yet
    await reviews.send(
        wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "the GP letter", "wanted": "a review"}
    )
    await until_stage(reviews, wid, "legal_advice")
    await reviews.send(wid, "legal_advice", {"id": "legal-1", "role": "legal_team"}, {"proceed": True})
    await until_stage(reviews, wid, "challenge_assessment")


def an_earlier_case(activities: CaseActivities, ref: str, outcome: str | None, reached_review: bool) -> str:
    """A decision complaint about `ref` that closed earlier, as the store holds it."""
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    wid = f"decision-complaint-{ref}-earlier{uuid.uuid4().hex[:4]}"
    events = (
        [HistoryEntry(at=at, actor="reviews (system)", action="stage: oat_review")] if reached_review else []
    )
    activities.sync_case(
        CaseSnapshot(
            workflow_id=wid, kind="decision_complaint", case_ref=ref, stage="closed", outcome=outcome,
            opened_at=at, closed_at=at, status={"stage": "closed"},
            events=[AuditEvent(seq=i, entry=e) for i, e in enumerate(events)],
        )
    )  # fmt: skip
    return wid


def test_which_earlier_cases_count_as_a_review(activities: CaseActivities) -> None:
    ask = EarlierReviewAsk(case_ref="C-5", workflow_id="now")
    assert activities.earlier_review(ask) is None
    an_earlier_case(activities, "C-5", "resolved_by_case_owner", reached_review=False)
    an_earlier_case(activities, "C-6", "not_upheld", reached_review=True)  # another case
    assert activities.earlier_review(ask) is None
    reviewed = an_earlier_case(activities, "C-5", "declined_pending_judicial_review", reached_review=True)
    assert activities.earlier_review(ask) == reviewed
    assert activities.earlier_review(EarlierReviewAsk(case_ref="C-6", workflow_id="now")) is not None


async def test_a_second_complaint_about_a_reviewed_decision_waits_for_oat(
    reviews: ReviewsClient, env: WorkflowEnvironment, activities: CaseActivities
) -> None:
    """Para 5: one review per case, except in exceptional circumstances, which OAT decides."""
    ref = f"C-{uuid.uuid4().hex[:6]}"
    earlier = an_earlier_case(activities, ref, "not_upheld", reached_review=True)
    wid = await reviews.open("decision_complaint", decision_case(ref, decided_on=await today(env)))
    # The letter to OAT goes just after the stage is entered: the status may show the stage first.
    status = await wait_until(
        reviews, wid, lambda now: any(x.kind == "second_review_check" for x in now.letters)
    )
    assert status.stage.value == "second_review_check" and status.awaiting is not None
    assert status.awaiting.action == "exceptional_review" and status.awaiting.actor_role == "oat_caseworker"
    assert [sent.kind for sent in status.letters].count("second_review_check") == 1  # to OAT's mailbox
    with pytest.raises(Refusal) as refused:
        await reviews.send(wid, "exceptional_review", CASE_OWNER, {"proceed": True, "reason": "mine"})
    assert refused.value.kind == "not_allowed"
    closed = await reviews.act(wid, "exceptional_review", OAT, {"proceed": False, "reason": "nothing new"})
    assert closed.outcome == "declined_already_reviewed"
    assert any(sent.kind == "closing" and sent.to_role == "service_user" for sent in closed.letters)
    assert earlier in " ".join(e.detail for e in closed.history)
    again = await reviews.open("decision_complaint", decision_case(ref, decided_on=await today(env)))
    goes_on = await reviews.act(again, "exceptional_review", OAT, {"proceed": True, "reason": "new evidence"})
    assert goes_on.stage.value == "case_owner_resolution"


async def test_exceptional_review_is_taken_exactly_where_the_table_says(
    reviews: ReviewsClient, env: WorkflowEnvironment, activities: CaseActivities, tmp_path: Path
) -> None:
    """The authority matrix's check for the one message no scenario can send: every
    identity is asked, and answered as the message table's `who` says."""
    ref = f"C-{uuid.uuid4().hex[:6]}"
    an_earlier_case(activities, ref, "upheld_remedy", reached_review=True)
    wid = await reviews.open("decision_complaint", decision_case(ref, decided_on=await today(env)))
    status = await reviews.status(wid)
    spec, matrix, checked = MESSAGES["exceptional_review"], Matrix(tmp_path), 0
    for person in identities(status, OAT):
        allowed = spec.who.allows(matrix.standing(person, status))
        ask = WouldTake(message="exceptional_review", data={**spec.example, "actor": person})
        answer = await env.client.get_workflow_handle(wid).query(
            "would_take", ask, result_type=WouldTakeAnswer
        )
        assert (answer.kind != "not_allowed") == allowed, (person, answer)
        checked += 1
    assert checked > 10


async def test_an_approval_cannot_be_paused(reviews: ReviewsClient, env: WorkflowEnvironment) -> None:
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, payment(500))
    assert status.stage.value == "awaiting_approval"
    with pytest.raises(Refusal, match="an approval cannot be paused") as refused:
        await reviews.send(wid, "pause_clock", MANAGER, {"reason": "waiting for the finance team"})
    assert refused.value.kind == "not_now"
    assert "pause_clock" not in await reviews.offers(wid, MANAGER)


async def test_a_pause_that_reaches_its_resume_by_date_restarts_and_the_manager_is_told(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    resume_by = (date.fromisoformat(await today(env)) + timedelta(days=5)).isoformat()
    await reviews.send(
        wid, "pause_clock", CASE_OWNER, {"reason": "waiting for the GP's letter", "resume_by": resume_by}
    )
    before = (await reviews.status(wid)).awaiting
    assert before is not None and before.paused_since is not None and before.due is not None
    await skip(env, timedelta(days=7))
    status = await reviews.status(wid)
    assert status.awaiting is not None and status.awaiting.paused_since is None
    assert status.awaiting.due == before.due + timedelta(days=6)  # the days it stood still
    told = [sent for sent in status.letters if sent.kind == "pause_ended"]
    assert [sent.to for sent in told] == ["om-bob"]
    assert any(
        e.action == "clock resumed: case_owner_resolution" and "resume-by date" in e.detail
        for e in status.history
    )


async def closed_for_want_of_grounds(reviews: ReviewsClient, env: WorkflowEnvironment) -> str:
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await skip(env, timedelta(days=70))  # past the deadline and its grace month
    assert (await reviews.status(wid)).outcome == "grounds_not_received"
    return wid


async def test_a_late_explanation_alone_reopens_a_case_closed_for_want_of_grounds(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    wid = await closed_for_want_of_grounds(reviews, env)
    with pytest.raises(Refusal, match=r"the case is closed \(grounds_not_received\)") as refused:
        await reviews.send(wid, "record_adjustment", CASE_OWNER, {"kind": "easy_read"})
    assert refused.value.kind == "closed"
    with pytest.raises(Refusal) as not_theirs:  # reopening is the complainant's, not the organisation's
        await reviews.send(wid, "late_explanation", ORGANISATION, {"text": "they were ill"})
    assert not_theirs.value.kind == "not_allowed"
    await reviews.send(wid, "late_explanation", SERVICE_USER, {"text": "I was in hospital"})
    # The explanation is in: the case owner decides.
    status = await wait_until(
        reviews, wid, lambda s: s.awaiting is not None and s.awaiting.action == "time_limit_decision"
    )
    assert status.stage.value == "time_limit" and status.outcome is None
    _, running, outcome = await reviews._describe(wid)
    assert (running, outcome) == (True, "running")  # no Outcome any more


async def test_the_door_closes_when_the_late_grounds_window_ends(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    wid = await closed_for_want_of_grounds(reviews, env)
    await skip(env, timedelta(days=370))  # the policy's 12 months
    _, running, outcome = await reviews._describe(wid)
    assert (running, outcome) == (False, "grounds_not_received")
    with pytest.raises(Refusal, match=r"the case is closed \(grounds_not_received\)"):
        await reviews.send(
            wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "late", "wanted": "a review"}
        )


async def test_at_most_ten_requests_of_a_kind_wait_at_once(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    """A case's state travels in every run (issue 23): requests cannot pile up without end."""
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
    for n in range(10):
        await reviews.send(wid, "more_time_requested", SERVICE_USER, {"text": f"request {n}"})
    with pytest.raises(
        Refusal, match="already has 10 such requests waiting for a decision, the most it holds"
    ):
        await reviews.send(wid, "more_time_requested", SERVICE_USER, {"text": "and another"})
    await reviews.send(wid, "adjustment_requested", SERVICE_USER, {"text": "large print"})  # another kind
    status = await reviews.status(wid)
    assert len([t for t in status.tasks if t.task.startswith("decide the complainant's request")]) == 10
