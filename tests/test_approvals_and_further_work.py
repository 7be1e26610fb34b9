"""Approvals and further work (paras 55-73, the Delegation Scheme) on the real workflow with time skipping: payments at each Delegation Scheme
threshold, refusals of the wrong approver and of the proposer, learning points refused
without their references and routed to the owner's line manager, an NDI whose comment
window expires, and a scheme that lets another role extend the grounds deadline."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from domain.policy import DEFAULT_POLICY_FILE
from starter.client import Refusal, ReviewsClient
from starter.simulate import simulate
from tests.conftest import (
    CASE_OWNER,
    OAT,
    SERVICE_USER,
    decision_case,
    settings_in,
    skip,
    terminate_when_quiet,
    today,
    until_stage,
)
from tests.scenario_files import body, letters_in, scenario
from worker import build_worker

POINT = {
    "kind": "individual",
    "text": "did not call the complainant back",
    "service_model_ref": "Service Model 2.140",
    "charter_commitment": "we will listen to you",
}


# OAT upholds and recommends a new detailed investigation (61-63).
NDI = {
    "upheld": True,
    "route": "new_detailed_investigation",
    "ndi_reason": "significant_new_information",
    "analysis": "new records",
    "summary": "whether the discharge was safe",
    "learning_points": [POINT],
}


async def to_oat_consideration(reviews: ReviewsClient, env: WorkflowEnvironment, **case: Any) -> str:
    """Open a case and take it, in time, to the OAT caseworker's decision (paras 30-50)."""
    wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env), **case))
    owner = {"id": case.get("owner", CASE_OWNER["id"]), "role": case.get("owner_role", "caseworker")}
    await reviews.send(wid, "case_owner_resolution", owner, {"resolved": False})
    await reviews.send(
        wid, "grounds_submitted", SERVICE_USER, {"why_wrong": "missed evidence", "wanted": "x"}
    )
    await until_stage(reviews, wid, "challenge_assessment")
    await reviews.send(wid, "challenge_assessment", owner, {"actionable": True, "analysis": "names it"})
    await reviews.send(wid, "case_owner_review", owner, {"finding": "no_genuine_doubt"})
    status = await reviews.act(wid, "oat_outcome", OAT, {"outcome": "accepted"})
    assert status is not None and status.stage.value == "oat_consideration"
    return wid


def payment(amount: float) -> dict[str, Any]:
    return {
        "upheld": True,
        "route": "remedy",
        "analysis": "the delay caused distress",
        "remedy": {
            "kinds": ["financial_payment", "apology"],
            "amount_gbp": amount,
            "severity": 3,
            "impact": "months of distress",
            "proportionate": "in line with the scale",
            "restores_position": "as far as money can",
        },
        "learning_points": [POINT],
    }


@pytest.mark.parametrize(
    ("amount", "too_junior", "enough"),
    [
        (1000, None, ("om-bob", "operations_manager")),
        (1000.01, ("om-bob", "operations_manager"), ("ad-ann", "assistant_director")),
        (10000, ("om-bob", "operations_manager"), ("ad-ann", "assistant_director")),
        (25000, ("ad-ann", "assistant_director"), ("dir-dee", "director")),
    ],
)
async def test_payments_are_approved_at_their_threshold_only(
    env: WorkflowEnvironment,
    reviews: ReviewsClient,
    amount: float,
    too_junior: tuple[str, str] | None,
    enough: tuple[str, str],
) -> None:  # paras 60, 72
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, payment(amount))
    assert status is not None and status.stage.value == "awaiting_approval"
    assert status.awaiting is not None and status.awaiting.actor_role == enough[1]
    if too_junior:
        with pytest.raises(Refusal, match="may not approve"):
            await reviews.send(wid, "approve", {"id": too_junior[0], "role": too_junior[1]}, {})
    # OAT proposed it; four eyes: the proposer may not approve even with a senior role.
    with pytest.raises(Refusal, match=r"proposed this and may not approve it: four eyes \(para 72\)"):
        await reviews.send(wid, "approve", {"id": OAT["id"], "role": "ombudsman"}, {})
    status = await reviews.act(wid, "approve", {"id": enough[0], "role": enough[1]}, {"note": "fair"})
    assert status is not None and status.outcome == "upheld_remedy"
    (approval,) = status.approvals
    assert (approval.decision, approval.by, approval.role) == ("approved", enough[0], enough[1])
    assert enough[1] in approval.rule  # the rule that allowed it is on the record


async def test_a_rejected_payment_goes_back_to_oat_with_the_reason(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # para 72
    wid = await to_oat_consideration(reviews, env)
    await reviews.send(wid, "oat_decision", OAT, payment(500))
    status = await reviews.act(
        wid, "reject", {"id": "om-bob", "role": "operations_manager"}, {"note": "too low"}
    )
    assert status is not None and status.stage.value == "oat_consideration"
    assert status.approvals[0].decision == "rejected" and status.approvals[0].note == "too low"
    returned = [letter for letter in status.letters if letter.kind == "proposal_rejected"]
    assert returned and returned[0].to == OAT["id"]


async def test_learning_points_need_references_and_reach_the_line_manager(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 55-56, Annex A
    wid = await to_oat_consideration(reviews, env, owner="om-olga", owner_role="operations_manager")
    bare = {**POINT, "service_model_ref": ""}
    with pytest.raises(Refusal, match="Service Model"):
        await reviews.send(wid, "oat_decision", OAT, {**payment(200), "learning_points": [bare]})
    assert (await reviews.status(wid)).stage.value == "oat_consideration"
    good_practice = {"kind": "good_practice", "text": "clear explanation of the decision"}
    decision = {**payment(200), "learning_points": [POINT, good_practice]}
    status = await reviews.act(wid, "oat_decision", OAT, decision)
    assert status is not None
    (sent,) = [letter for letter in status.letters if letter.kind == "learning_points"]
    # The owner is an operations manager, so their line manager is an assistant director.
    assert (sent.to, sent.to_role) == ("om-bob", "assistant_director")
    assert "organisational-learning" in sent.cc  # good practice is shared more widely (19)
    assert [p.kind.value for p in status.learning_points] == ["individual", "good_practice"]
    ledger = {e.paragraph: e for e in status.ledger}
    assert ledger["55"].satisfied_at and ledger["56"].satisfied_at


async def test_an_upheld_decision_without_learning_leaves_para_55_unmet(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, {**payment(300), "learning_points": []})
    status = await reviews.act(wid, "approve", {"id": "om-bob", "role": "operations_manager"}, {})
    assert status is not None and status.outcome == "upheld_remedy"
    assert "55" in status.ledger_unmet


async def test_ndi_goes_on_after_the_comment_window_expires_without_comments(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:  # paras 61-65, 73
    wid = await to_oat_consideration(reviews, env)
    status = await reviews.act(wid, "oat_decision", OAT, NDI)
    assert status is not None and status.stage.value == "new_detailed_investigation"
    with pytest.raises(Refusal, match="comment"):
        await reviews.send(wid, "ndi_proceed", OAT, {"proceed": True})
    # A child is reached through its case, which checks the sender (issue 22: a comment
    # sent straight to the child was taken from anyone).
    child = status.links.children[-1]
    with pytest.raises(Refusal, match=f"is part of case {wid}; send it to the case") as direct:
        await reviews.send(
            child,
            "party_comment",
            {"id": "org-1", "role": "organisation"},
            {"party": "service_user", "text": "x"},
        )
    assert direct.value.kind == "not_taken"
    await skip(env, timedelta(days=26))  # the 21-day comment window of para 63 (to a working day) passes
    status = await reviews.act(wid, "ndi_proceed", OAT, {"proceed": True, "note": "no comments came"})
    with pytest.raises(Refusal, match="may not approve"):
        await reviews.send(wid, "approve", {"id": "dir-dee", "role": "director"}, {})
    status = await reviews.act(wid, "approve", {"id": "dep-deb", "role": "deputy_ombudsman"}, {})
    assert status is not None and status.outcome == "upheld_new_detailed_investigation"
    assert status.links.new_cases and any(t.task.startswith("risk") for t in status.tasks)


async def test_the_scheme_decides_who_else_may_extend_the_grounds_deadline(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:  # para 32, Delegation Scheme
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    policy["delegation"]["extend_grounds_deadline_roles"] = ["assistant_director"]
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(policy))
    settings = replace(settings_in(tmp_path), policy_file=str(policy_file))
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    reviews = ReviewsClient(env.client, task_queue)
    async with build_worker(env.client, CaseActivities(settings), task_queue):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        try:
            first = await reviews.act(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
            assert first is not None and first.grounds_deadline is not None
            later = (first.grounds_deadline + timedelta(days=14)).isoformat()
            with pytest.raises(Refusal, match="may not extend"):
                await reviews.send(
                    wid, "extend_grounds_deadline", {"id": "om-zoe", "role": "operations_manager"},
                    {"new_deadline": later, "reason": "asked"},
                )  # fmt: skip
            status = await reviews.act(
                wid, "extend_grounds_deadline", {"id": "ad-ann", "role": "assistant_director"},
                {"new_deadline": later, "reason": "hospital stay"},
            )  # fmt: skip
            assert status is not None and status.grounds_deadline is not None
            assert status.grounds_deadline.isoformat() == later
        finally:
            await terminate_when_quiet(env, wid)


async def test_the_quash_letter_reaches_the_organisation_at_its_own_address(tmp_path: Path) -> None:
    result = await simulate(scenario("30"), data_dir=tmp_path)
    assert result["expect_met"]
    closings = {str(m["To"]): body(m) for m in letters_in(tmp_path, "closing")}
    assert set(closings) == {"ann@example.org", "complaints@northshire.example"}
    for text in closings.values():
        assert (
            "Deb Stone, Deputy Ombudsman, executive team, has decided that our report or decision of 1 March 2026 is quashed"
            in text
        )
        assert "The Ombudsman has decided" not in text


async def test_the_closing_letter_states_the_remedy_and_who_approved(tmp_path: Path) -> None:
    result = await simulate(scenario("41"), data_dir=tmp_path)
    assert result["expect_met"]
    (closing,) = letters_in(tmp_path, "closing")
    text = body(closing)
    text = " ".join(text.split())
    assert "We are sorry. We got this wrong" in text and "We will pay you £500.00 for the effect" in text
    assert "This was agreed by Deb Stone, Deputy Ombudsman, executive team." in text


async def test_learning_is_sent_once_even_when_oat_decides_again(tmp_path: Path) -> None:
    result = await simulate(scenario("16"), data_dir=tmp_path)
    assert result["expect_met"]
    kinds = [letter["kind"] for letter in result["status"]["letters"]]
    assert [a["decision"] for a in result["status"]["approvals"]] == ["rejected", "approved"]
    assert kinds.count("learning_points") == 1


def test_a_scheme_below_a_deputy_for_a_quash_is_refused_by_simulate(tmp_path: Path) -> None:
    broken = scenario("19") | {"policy": {"delegation": {"quash": "director"}}}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("reviews")), "simulate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["error"].count("quash: director may not be named") == 1
    assert "quash: director may not be named: only the Ombudsman or a Deputy Ombudsman" in done.stdout
