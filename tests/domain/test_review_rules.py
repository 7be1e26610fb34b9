"""The review's own rules: findings that fit the decision (43-44), what an OAT decision
must hold (51, 58, 60), and who decides a new detailed investigation, and when (61-65)."""

from datetime import UTC, date, datetime

import pytest

from domain.authority import Refused
from domain.enums import CaseOwnerFinding, DecisionRoute, DecisionType, Role
from domain.models import Actor, NdiProceed, OatDecision, PartyComment, Remedy
from domain.review_rules import (
    check_finding,
    check_ndi_decider,
    check_ndi_proceed,
    check_oat_decision,
    comment_party,
    window_closed,
)

OAT = Actor(id="oat-1", role=Role.OAT_CASEWORKER)
SU = Actor(id="su-1", role=Role.SERVICE_USER)
ORG = Actor(id="trust", role=Role.ORGANISATION)
BACK_OFFICE = Actor(id="bo", role=Role.BACK_OFFICE)
ENDS = date(2026, 5, 1)
BEFORE = datetime(2026, 4, 20, 9, tzinfo=UTC)
AFTER = datetime(2026, 5, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize("finding", list(CaseOwnerFinding))
def test_findings_for_any_decision_are_accepted_where_they_fit(finding: CaseOwnerFinding) -> None:
    fits = {
        CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM: DecisionType.PRIMARY_INVESTIGATION,
        CaseOwnerFinding.DETAILED_POSSIBLY_WRONG: DecisionType.DETAILED_INVESTIGATION,
    }
    check_finding(finding, fits.get(finding, DecisionType.PARTIAL_REMIT))


def test_a_finding_that_does_not_fit_the_decision_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        check_finding(CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM, DecisionType.DETAILED_INVESTIGATION)
    assert str(refused.value) == (
        "primary_reconsider_in_team is only for a primary_investigation (43); this complaint is "
        "about a detailed_investigation"
    )
    with pytest.raises(Refused, match=r"detailed_possibly_wrong is only for a detailed_investigation \(44\)"):
        check_finding(CaseOwnerFinding.DETAILED_POSSIBLY_WRONG, DecisionType.PRIMARY_INVESTIGATION)


def test_a_payment_on_a_not_upheld_decision_is_refused() -> None:
    paying = Remedy(kinds=[], amount_gbp=100, severity=2)
    with pytest.raises(Refused, match=r"not upheld offers no payment \(58, 60\)"):
        check_oat_decision(OatDecision(actor=OAT, upheld=False, analysis="a", remedy=paying))
    check_oat_decision(OatDecision(actor=OAT, upheld=False, analysis="a", remedy=Remedy(kinds=["apology"])))
    check_oat_decision(
        OatDecision(actor=OAT, upheld=True, route=DecisionRoute.REMEDY, analysis="a", remedy=paying)
    )


def comment(actor: Actor | None, party: Role | None = None) -> PartyComment:
    return PartyComment(actor=actor, party=party, text="x")


def test_whose_comment_it_is() -> None:
    assert comment_party(comment(SU)) is Role.SERVICE_USER
    assert comment_party(comment(ORG)) is Role.ORGANISATION
    assert comment_party(comment(BACK_OFFICE)) is None
    assert comment_party(comment(None)) is None
    assert comment_party(comment(BACK_OFFICE, Role.ORGANISATION)) is Role.ORGANISATION


def test_the_window_ends_at_its_date() -> None:
    assert not window_closed(BEFORE, ENDS, [])
    assert not window_closed(datetime(2026, 5, 1, 22, 59, tzinfo=UTC), ENDS, [])  # 23:59 BST
    assert window_closed(datetime(2026, 5, 1, 23, 0, tzinfo=UTC), ENDS, [])
    assert window_closed(AFTER, ENDS, [])


def test_the_window_ends_early_only_when_both_parties_commented() -> None:
    """Issue 10, 5: two comments from the service user do not end it."""
    assert not window_closed(BEFORE, ENDS, [comment(SU), comment(SU)])
    assert not window_closed(BEFORE, ENDS, [comment(ORG), comment(BACK_OFFICE)])
    assert window_closed(BEFORE, ENDS, [comment(SU), comment(ORG)])
    assert window_closed(BEFORE, ENDS, [comment(BACK_OFFICE, Role.SERVICE_USER), comment(ORG)])


def decide(actor: Actor, ndi_case_owner: str | None = "cw-new") -> None:
    check_ndi_decider(actor, ndi_case_owner=ndi_case_owner, owner="cw-alice", manager="om-bob")


def test_oat_or_the_named_new_case_owner_decide_whether_to_proceed() -> None:
    decide(OAT)
    decide(Actor(id="cw-new", role=Role.CASEWORKER))
    decide(OAT, None)


def test_never_the_original_case_owner_or_the_manager() -> None:
    """Issue 10, 4: the people whose decision is being reviewed."""
    for actor in (
        Actor(id="cw-alice", role=Role.CASEWORKER),
        Actor(id="om-bob", role=Role.OPERATIONS_MANAGER),
    ):
        with pytest.raises(
            Refused, match=r"do not decide on a new investigation of their own decision \(64\)"
        ):
            decide(actor)
    with pytest.raises(
        Refused, match=r"only OAT or the new case owner \(cw-new\) decide whether to proceed \(64\)"
    ):
        decide(Actor(id="cw-other", role=Role.CASEWORKER))
    with pytest.raises(Refused, match=r"only OAT decide whether to proceed \(64\)"):
        decide(Actor(id="cw-other", role=Role.CASEWORKER), None)
    with pytest.raises(Refused, match="their own decision"):
        decide(Actor(id="cw-alice", role=Role.OAT_CASEWORKER))


def proceed(actor: Actor, now: datetime, comments: list[PartyComment]) -> None:
    msg = NdiProceed(actor=actor, proceed=True)
    check_ndi_proceed(msg, now, ENDS, comments, ndi_case_owner=None, owner="cw-alice", manager="om-bob")


def test_proceeding_waits_for_the_window() -> None:
    with pytest.raises(Refused, match=r"the parties may comment until 2026-05-01 \(63\)"):
        proceed(OAT, BEFORE, [comment(SU)])
    proceed(OAT, BEFORE, [comment(SU), comment(ORG)])
    proceed(OAT, AFTER, [])
    with pytest.raises(Refused, match="their own decision"):
        proceed(Actor(id="om-bob", role=Role.OPERATIONS_MANAGER), AFTER, [])


def test_the_new_case_owner_is_never_the_decisions_owner_or_manager() -> None:  # 64
    from domain.review_rules import check_ndi_case_owner

    check_ndi_case_owner(None, owner="cw-alice", manager="om-bob")
    check_ndi_case_owner("cw-nia", owner="cw-alice", manager="om-bob")
    with pytest.raises(Refused) as owner:
        check_ndi_case_owner("cw-alice", owner="cw-alice", manager="om-bob")
    assert str(owner.value) == (
        "ndi_case_owner cw-alice is the case's owner: a new detailed investigation is handled by "
        "someone who did not make or manage the decision (64)"
    )
    with pytest.raises(Refused, match="is the case's manager"):
        check_ndi_case_owner("om-bob", owner="cw-alice", manager="om-bob")
