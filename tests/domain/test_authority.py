"""The Delegation Scheme (72-73, 68-69): every key has effect; nothing below a deputy
for a new detailed investigation or a quash; the ladder; four eyes."""

from typing import Any

import pytest

from domain.authority import (
    LADDER,
    ApprovalRule,
    DelegationScheme,
    Refused,
    at_least,
    both,
    check_approver,
    is_senior_decider,
    line_manager_role,
    rank,
    require_person,
    require_role,
)
from domain.enums import Role
from domain.models import Actor
from domain.policy import PolicyError, policy_over_default

PAYMENT = [{"up_to_gbp": 1000, "role": "operations_manager"}, {"role": "director"}]


def scheme(**kw: Any) -> DelegationScheme:
    return DelegationScheme.model_validate({"payment": PAYMENT} | kw)


@pytest.mark.parametrize("key", ["remedy_without_payment", "fresh_primary_investigation", "not_upheld"])
def test_each_optional_key_has_effect(key: str) -> None:
    """Issue 10, 6: naming a role for a route makes that route wait for it."""
    route = "remedy" if key == "remedy_without_payment" else key
    assert scheme().rule_for(route) is None
    rule = scheme(**{key: "assistant_director"}).rule_for(route)
    assert rule is not None
    assert (rule.proposal, rule.role, rule.paragraphs) == (route, Role.ASSISTANT_DIRECTOR, ["72"])


def test_an_unknown_route_needs_nothing() -> None:
    assert scheme(not_upheld="director").rule_for("something_else") is None


def test_a_payment_with_a_route_needs_both_rules_one_approval_from_the_higher() -> None:
    rule = scheme(fresh_primary_investigation="assistant_director").rule_for(
        "fresh_primary_investigation", 500
    )
    assert rule is not None
    assert rule.role is Role.ASSISTANT_DIRECTOR
    assert rule.proposal == "fresh_primary_investigation and payment"
    assert rule.paragraphs == ["60", "72"]
    assert "one approval from assistant_director or above" in rule.text()
    rule = scheme(fresh_primary_investigation="operations_manager").rule_for(
        "fresh_primary_investigation", 5000
    )
    assert rule is not None and rule.role is Role.DIRECTOR
    ndi = scheme().rule_for("new_detailed_investigation", 50_000)
    assert ndi is not None and ndi.role is Role.DEPUTY_OMBUDSMAN
    assert ndi.paragraphs == ["60", "63", "72", "73"]


def test_both_of_nothing_or_one() -> None:
    assert both([]) is None
    one = ApprovalRule(proposal="x", role=Role.DIRECTOR)
    assert both([one]) is one


def test_payment_rule_text_names_the_threshold() -> None:
    rule = scheme().payment_rule(250)
    assert rule.text() == (
        "payment of £250.00 (up to £1,000): operations_manager or above (Delegation Scheme, para 60, 72)"
    )
    above = scheme().payment_rule(1000.5)
    assert above.role is Role.DIRECTOR and "above the lower thresholds" in above.text()


@pytest.mark.parametrize("key", ["new_detailed_investigation", "quash"])
@pytest.mark.parametrize(
    "role", ["director", "assistant_director", "operations_manager", "caseworker", "legal_team"]
)
def test_a_scheme_below_a_deputy_for_ndi_or_quash_is_refused_at_load(key: str, role: str) -> None:
    paragraph = "73" if key == "new_detailed_investigation" else "69"
    with pytest.raises(
        PolicyError,
        match=rf"{key}: {role} may not be named: only the Ombudsman or a Deputy Ombudsman may decide this \(para {paragraph}\)",
    ):
        policy_over_default({"delegation": {key: role}})


def test_the_ombudsman_alone_may_be_named() -> None:
    assert policy_over_default({"delegation": {"quash": "ombudsman"}}).delegation.quash is Role.OMBUDSMAN


def test_only_the_ombudsman_or_a_deputy_meet_69_and_73() -> None:
    assert [r for r in Role if is_senior_decider(r)] == [Role.DEPUTY_OMBUDSMAN, Role.OMBUDSMAN]


def test_the_ladder() -> None:
    assert [rank(r) for r in LADDER] == list(range(6))
    assert rank(Role.OAT_CASEWORKER) is None
    assert at_least(Role.DIRECTOR, Role.DIRECTOR)
    assert at_least(Role.OMBUDSMAN, Role.CASEWORKER)
    assert not at_least(Role.CASEWORKER, Role.OPERATIONS_MANAGER)
    assert not at_least(Role.LEGAL_TEAM, Role.CASEWORKER)
    assert not at_least(Role.CASEWORKER, Role.LEGAL_TEAM)


def test_line_manager_by_grade_annex_a() -> None:
    assert line_manager_role(Role.CASEWORKER) is Role.OPERATIONS_MANAGER
    assert line_manager_role(Role.OPERATIONS_MANAGER) is Role.ASSISTANT_DIRECTOR
    assert line_manager_role(Role.DEPUTY_OMBUDSMAN) is Role.OMBUDSMAN
    assert line_manager_role(Role.OMBUDSMAN) is Role.OPERATIONS_MANAGER
    assert line_manager_role(Role.OAT_CASEWORKER) is Role.OPERATIONS_MANAGER


def test_approvals_refusals_say_why() -> None:
    rule = ApprovalRule(proposal="quash", role=Role.DEPUTY_OMBUDSMAN, paragraphs=["69"])
    with pytest.raises(
        Refused,
        match=r"^dep \(deputy_ombudsman\) proposed this and may not approve it: four eyes \(para 72\)$",
    ):
        check_approver(rule, Actor(id="dep", role=Role.DEPUTY_OMBUDSMAN), "dep")
    with pytest.raises(
        Refused, match=r"may not approve: quash: deputy_ombudsman or above \(Delegation Scheme, para 69\)$"
    ):
        check_approver(rule, Actor(id="d", role=Role.DIRECTOR), None)
    check_approver(rule, Actor(id="o", role=Role.OMBUDSMAN), None)


def test_role_and_person_checks() -> None:
    actor = Actor(id="a", role=Role.LEGAL_TEAM)
    require_role(actor, {Role.LEGAL_TEAM}, "x")
    with pytest.raises(Refused, match=r"^a \(legal_team\) may not do this: only the Legal Team$"):
        require_role(actor, {Role.OAT_CASEWORKER}, "the Legal Team")
    require_person(actor, "a", "x")
    with pytest.raises(Refused, match=r"only the owner \(b\)$"):
        require_person(actor, "b", "the owner")


def test_thresholds_must_rise_and_end_unbounded() -> None:
    with pytest.raises(ValueError, match="the last payment threshold must have no up_to_gbp"):
        DelegationScheme.model_validate({"payment": [{"up_to_gbp": 5, "role": "director"}]})
    with pytest.raises(ValueError, match="payment thresholds must rise"):
        DelegationScheme.model_validate(
            {
                "payment": [
                    {"up_to_gbp": 5000, "role": "director"},
                    {"up_to_gbp": 10, "role": "director"},
                    {"role": "director"},
                ]
            }
        )
    with pytest.raises(ValueError, match="payment thresholds must rise"):
        DelegationScheme.model_validate({"payment": [{"role": "director"}, {"role": "director"}]})
