"""Pure rules: eligibility (21, 22, 76), OAT criteria (26-29), authority and the
Delegation Scheme (72-73), quashing (67), learning points (Annex A)."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain.authority import Refused, check_approver
from domain.eligibility import eligibility
from domain.enums import DecisionType, Outcome, Risk, Role
from domain.models import (
    Actor,
    ComplaintOpened,
    DecidedCase,
    Flags,
    LearningPoint,
    OatDecision,
    QuashGrounds,
    Remedy,
)
from domain.oat_criteria import needs_oat_advice
from domain.policy import PolicyError, load_policy, policy_from_mapping
from domain.review_rules import check_oat_decision, quash_conditions_met

OAT = Actor(id="oat-1", role=Role.OAT_CASEWORKER)


def case(risk: Risk = Risk.LOW, decision: DecisionType = DecisionType.PRIMARY_INVESTIGATION) -> DecidedCase:
    return DecidedCase(
        ref="C-1", owner="cw", manager="om", risk=risk, decision=decision, decided_on=date(2026, 3, 1)
    )


def test_no_criterion_means_no_oat_advice() -> None:
    assert needs_oat_advice(case(), Flags()) == []


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("mp_involved", "MP"),
        ("jr_threatened", "Judicial Review"),
        ("organisation_complainant", "organisation"),
        ("further_complaint_after_upheld_review", "upheld review"),
        ("oat_priority_group", "reviews first"),
        ("specialist", "specialist"),
    ],
)
def test_each_para_26_criterion_asks_oat(flag: str, words: str) -> None:
    reasons = needs_oat_advice(case(), Flags(**{flag: True}))
    assert len(reasons) == 1 and words in reasons[0] and reasons[0].startswith("26")


def test_medium_risk_asks_oat_and_high_risk_needs_the_discussion_of_29() -> None:
    assert needs_oat_advice(case(Risk.MEDIUM), Flags())[0].startswith("26: original case was medium")
    assert needs_oat_advice(case(Risk.HIGH), Flags())[0].startswith("29")


def test_eligibility_order_and_outcomes() -> None:
    low = ComplaintOpened(case=case(decision=DecisionType.LOW_LEVEL_INJUSTICE))
    assert (eligibility(low) or [None])[0] is Outcome.NOT_ELIGIBLE_LOW_LEVEL_INJUSTICE
    joint = ComplaintOpened(case=case(), flags=Flags(lgsco_joint=True))
    assert (eligibility(joint) or [None])[0] is Outcome.REFERRED_TO_JOINT_WORKING_TEAM
    assert eligibility(ComplaintOpened(case=case())) is None


SCHEME = load_policy().delegation


@pytest.mark.parametrize(
    ("amount", "lowest"),
    [
        (1000, Role.OPERATIONS_MANAGER),
        (1000.01, Role.ASSISTANT_DIRECTOR),
        (10000, Role.ASSISTANT_DIRECTOR),
        (10001, Role.DIRECTOR),
    ],
)
def test_payment_thresholds(amount: float, lowest: Role) -> None:
    rule = SCHEME.rule_for("remedy", amount)
    assert rule is not None and rule.role is lowest


def test_higher_roles_may_approve_lower_may_not_and_nobody_their_own() -> None:
    rule = SCHEME.rule_for("remedy", 5000)
    assert rule is not None
    check_approver(rule, Actor(id="d", role=Role.DIRECTOR), "oat-1")
    with pytest.raises(Refused, match="may not approve"):
        check_approver(rule, Actor(id="om", role=Role.OPERATIONS_MANAGER), "oat-1")
    with pytest.raises(Refused, match="four eyes"):
        check_approver(rule, Actor(id="oat-1", role=Role.OMBUDSMAN), "oat-1")
    with pytest.raises(Refused):
        check_approver(rule, Actor(id="legal", role=Role.LEGAL_TEAM), "oat-1")


def test_ndi_and_quash_need_the_ombudsman_or_a_deputy() -> None:
    for proposal in ("new_detailed_investigation", "quash"):
        rule = SCHEME.rule_for(proposal)
        assert rule is not None
        check_approver(rule, Actor(id="dep", role=Role.DEPUTY_OMBUDSMAN), "oat-1")
        with pytest.raises(Refused):
            check_approver(rule, Actor(id="dir", role=Role.DIRECTOR), "oat-1")


def test_not_upheld_needs_no_approval_by_default() -> None:
    assert SCHEME.rule_for("not_upheld") is None


def test_a_broken_scheme_is_refused_with_a_clear_error() -> None:
    with pytest.raises(PolicyError, match="payment"):
        policy_from_mapping({"delegation": {"payment": [{"up_to_gbp": 500, "role": "director"}]}})
    with pytest.raises(PolicyError, match="ladder"):
        policy_from_mapping({"delegation": {"payment": [{"role": "legal_team"}]}})


@pytest.mark.parametrize(
    ("grounds", "met"),
    [
        ({"missed_or_new_evidence": True, "no_other_way": True, "public_interest": True}, True),
        ({"incontrovertibly_wrong": True, "no_other_way": True, "public_interest": True}, True),
        ({"incontrovertibly_wrong": True, "no_other_way": True}, False),
        ({"missed_or_new_evidence": True, "public_interest": True}, False),
        ({"no_other_way": True, "public_interest": True}, False),
    ],
)
def test_para_67_as_written(grounds: dict[str, bool], met: bool) -> None:
    assert quash_conditions_met(QuashGrounds(**grounds)) is met


def test_learning_points_name_guidance_and_charter_except_good_practice() -> None:
    with pytest.raises(ValidationError, match="Service Charter"):
        LearningPoint(kind="individual", text="no call")
    LearningPoint(kind="good_practice", text="clear letter")


def test_payment_needs_severity_and_an_amount() -> None:
    with pytest.raises(ValidationError, match="severity"):
        Remedy(kinds=["financial_payment"], amount_gbp=100)
    with pytest.raises(ValidationError, match="amount_gbp"):
        Remedy(kinds=["financial_payment"])


def test_oat_decision_needs_analysis_and_a_route_that_fits() -> None:
    with pytest.raises(Refused, match="analysis"):
        check_oat_decision(OatDecision(actor=OAT, upheld=False))
    with pytest.raises(Refused, match="route"):
        check_oat_decision(OatDecision(actor=OAT, upheld=True, analysis="x"))
    with pytest.raises(Refused, match="ndi_reason"):
        check_oat_decision(
            OatDecision(actor=OAT, upheld=True, analysis="x", route="new_detailed_investigation")
        )


def test_the_ledger_registry_is_every_marked_paragraph_of_the_guidance() -> None:
    """Para numbers of every "(Policy requirement(s))" / "(Legal requirement)" in the text."""
    import re
    from pathlib import Path

    from domain.ledger import REGISTRY

    text = (Path(__file__).parents[2] / "docs" / "review-and-feedback-guidance-v12.txt").read_text()
    marked: set[str] = set()
    current = None
    for line in text.splitlines():
        if m := re.match(r"^(\d+)\. ", line):
            current = m.group(1)
        if re.search(r"\((Policy|Legal) requirements?\)", line) and current:
            marked.add(current)
    assert marked == set(REGISTRY), (marked - set(REGISTRY), set(REGISTRY) - marked)
    legal = {r.paragraph for r in REGISTRY.values() if "legal" in r.marked}
    assert legal == {"63"}
