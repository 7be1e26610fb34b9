"""More of the core's rules, each at its boundary and word for word: what reaches a
caller, a letter or the audit trail is behaviour."""

from datetime import date

import pytest

from domain.authority import ApprovalRule, DelegationScheme, Refused, both
from domain.calendar import Period, WorkingCalendar
from domain.enums import OatAdviceRoute, Role
from domain.escalation import Rung, TeamContacts, escalation_ladder, next_chase_on
from domain.grounds import check_extension, grounds_deadline, may_extend, reminder_date
from domain.models import Actor, NdiProceed
from domain.permissions import check_case_owner, check_oat_advice
from domain.policy import load_policy
from domain.review_rules import check_ndi_decider, check_ndi_proceed

SCHEME = load_policy().delegation
TEN_WD = Period(amount=10, unit="working_days")
# A calendar with a made-up holiday the package does not know, so a test can tell
# whether the case's own calendar was used.
OWN = WorkingCalendar(frozenset({date(2026, 3, 10)}))


def test_the_ndi_and_quash_rules_word_for_word() -> None:
    ndi = SCHEME.ndi_rule()
    assert (ndi.proposal, ndi.role, ndi.paragraphs) == (
        "new_detailed_investigation",
        Role.DEPUTY_OMBUDSMAN,
        ["63", "73"],
    )
    assert ndi.text() == (
        "new detailed investigation: the Ombudsman or a Deputy Ombudsman (Delegation Scheme, para 63, 73)"
    )
    quash = SCHEME.quash_rule()
    assert (quash.proposal, quash.role, quash.paragraphs) == ("quash", Role.DEPUTY_OMBUDSMAN, ["69"])
    assert (
        quash.text() == "quashing a report: the Ombudsman or a Deputy Ombudsman (Delegation Scheme, para 69)"
    )
    assert SCHEME.rule_for("quash") == quash and SCHEME.rule_for("new_detailed_investigation") == ndi


def test_a_rule_without_paragraphs_says_only_who() -> None:
    assert ApprovalRule(proposal="x", role=Role.DIRECTOR).text() == "x: director or above"


def test_the_top_threshold_says_above_the_lower_ones() -> None:
    assert SCHEME.payment_rule(50_000).text() == (
        "payment of £50,000.00 (above the lower thresholds): director or above (Delegation Scheme, para 60, 72)"
    )
    one = DelegationScheme.model_validate({"payment": [{"role": "operations_manager"}]})
    assert one.payment_rule(10**6).role is Role.OPERATIONS_MANAGER


def test_any_payment_at_all_needs_the_payment_rule() -> None:
    rule = SCHEME.rule_for("fresh_primary_investigation", 0.5)
    assert rule is not None and rule.proposal == "payment" and rule.role is Role.OPERATIONS_MANAGER


def test_both_rules_take_the_higher_role_and_paragraphs_in_order() -> None:
    low = ApprovalRule(proposal="low", role=Role.CASEWORKER, paragraphs=["9"])
    high = ApprovalRule(
        proposal="high", role=Role.OPERATIONS_MANAGER, paragraphs=["10"], describe="high: ops"
    )
    combined = both([low, high])
    assert combined is not None
    assert combined.role is Role.OPERATIONS_MANAGER
    assert combined.paragraphs == ["9", "10"]
    assert combined.describe == (
        "low: caseworker or above; high: ops (one approval from operations_manager or above)"
    )


def test_the_usual_deadline_and_reminder_use_the_cases_own_calendar() -> None:
    assert grounds_deadline(date(2026, 3, 2), TEN_WD, OWN) == date(2026, 3, 17)
    assert grounds_deadline(date(2026, 3, 2), TEN_WD) == date(2026, 3, 16)
    assert reminder_date(date(2026, 3, 17), date(2026, 3, 1), TEN_WD, OWN) == date(2026, 3, 2)
    assert reminder_date(date(2026, 3, 17), date(2026, 3, 1), TEN_WD) == date(2026, 3, 3)
    five = Period(amount=5, unit="working_days")
    assert next_chase_on(
        date(2026, 3, 6), reminded=True, escalations=0, escalate_after=five, calendar=OWN
    ) == date(2026, 3, 16)


def test_a_role_above_one_the_scheme_names_may_extend() -> None:
    ops = Actor(id="om-2", role=Role.OPERATIONS_MANAGER)
    assert may_extend(ops, "om-bob", [Role.CASEWORKER])
    assert not may_extend(ops, "om-bob", [Role.ASSISTANT_DIRECTOR])


def extend(actor: Actor, *, received: bool = False, owner_role: Role = Role.CASEWORKER) -> None:
    check_extension(
        actor, manager="om-bob", extra_roles=[], grounds_received=received, in_force=date(2026, 4, 1),
        new_deadline=date(2026, 4, 15), owner_role=owner_role,
    )  # fmt: skip


def test_extension_refusals_word_for_word() -> None:
    with pytest.raises(Refused) as refused:
        extend(Actor(id="om-bob", role=Role.OPERATIONS_MANAGER), received=True)
    assert str(refused.value) == "grounds have arrived: the deadline can no longer move (32)"
    with pytest.raises(Refused) as refused:
        extend(Actor(id="cw", role=Role.CASEWORKER))
    assert str(refused.value) == (
        "cw (caseworker) may not extend the deadline: only the case's manager (om-bob), a more senior "
        "manager or a role the Delegation Scheme names may agree an extension (32)"
    )


def test_above_the_manager_depends_on_the_owners_grade() -> None:
    extend(Actor(id="ad", role=Role.ASSISTANT_DIRECTOR))
    with pytest.raises(Refused, match="may not extend"):
        extend(Actor(id="ad", role=Role.ASSISTANT_DIRECTOR), owner_role=Role.OPERATIONS_MANAGER)


def test_case_owner_and_oat_advice_refusals_word_for_word() -> None:
    with pytest.raises(Refused) as refused:
        check_case_owner(
            Actor(id="om", role=Role.OPERATIONS_MANAGER), "cw", OatAdviceRoute.WITHIN_OAT, "x (23)"
        )
    assert str(refused.value) == (
        "om (operations_manager) may not send x (23): only the case owner (cw) or, as OAT advised within_oat, "
        "an OAT caseworker"
    )
    with pytest.raises(Refused) as refused:
        check_oat_advice(Actor(id="cw", role=Role.CASEWORKER), OatAdviceRoute.AS_USUAL, "low")
    assert str(refused.value) == "cw (caseworker) may not do this: only an OAT caseworker gives advice (27)"


def test_ndi_refusals_word_for_word() -> None:
    with pytest.raises(Refused) as refused:
        check_ndi_decider(
            Actor(id="om", role=Role.OPERATIONS_MANAGER), ndi_case_owner=None, owner="cw", manager="om"
        )
    assert str(refused.value) == (
        "om (operations_manager) may not decide whether to proceed: the original case owner and the case's "
        "manager do not decide on a new investigation of their own decision (64)"
    )
    too_early = NdiProceed(actor=Actor(id="oat", role=Role.OAT_CASEWORKER), proceed=True)
    from datetime import UTC, datetime

    with pytest.raises(Refused) as refused:
        check_ndi_proceed(
            too_early,
            datetime(2026, 4, 1, tzinfo=UTC),
            date(2026, 5, 1),
            [],
            ndi_case_owner=None,
            owner="cw",
            manager="om",
        )
    assert str(refused.value) == (
        "the parties may comment until 2026-05-01 (63); decide whether to proceed once the comment window "
        "has closed or both parties have commented (64)"
    )
    after = datetime(2026, 5, 2, tzinfo=UTC)
    named = NdiProceed(actor=Actor(id="cw-new", role=Role.CASEWORKER), proceed=True)
    check_ndi_proceed(named, after, date(2026, 5, 1), [], ndi_case_owner="cw-new", owner="cw", manager="om")
    owner = NdiProceed(actor=Actor(id="cw", role=Role.OAT_CASEWORKER), proceed=True)
    with pytest.raises(Refused, match="their own decision"):
        check_ndi_proceed(owner, after, date(2026, 5, 1), [], ndi_case_owner=None, owner="cw", manager="om")


TEAMS = {"legal": TeamContacts("legal-team", "head-of-legal")}
SENIOR = {Role.DIRECTOR: "dir", Role.OMBUDSMAN: "omb"}


def test_a_team_not_in_the_policy_is_escalated_like_anyone_else() -> None:
    assert escalation_ladder("oat_caseworker", None, manager="om", teams=TEAMS, senior=SENIOR)[0] == Rung(
        "om", "operations_manager"
    )
    assert escalation_ladder("some_new_role", None, manager="om", teams=TEAMS, senior=SENIOR)[0] == Rung(
        "om", "operations_manager"
    )


def test_another_operations_managers_step_goes_above_operations_managers() -> None:
    assert escalation_ladder("operations_manager", "om-2", manager="om", teams=TEAMS, senior=SENIOR) == [
        Rung("dir", "director"),
        Rung("omb", "ombudsman"),
    ]


def test_when_everyone_is_excluded_the_ombudsman_is_still_told() -> None:
    ladder = escalation_ladder("caseworker", "cw", manager="om", teams=TEAMS, senior={}, excluded=("om",))
    assert ladder == [Rung("ombudsman", "ombudsman")]
    named = escalation_ladder(
        "caseworker", "cw", manager="om", teams=TEAMS, senior={Role.OMBUDSMAN: "o-1"}, excluded=("om", "o-1")
    )
    assert named == [Rung("o-1", "ombudsman")]


def test_a_payment_weighs_impact_proportion_and_restoration() -> None:
    from domain.models import Remedy
    from domain.review_rules import remedy_considered

    full = {"impact": "i", "proportionate": "p", "restores_position": "r"}
    assert remedy_considered(Remedy(**full))
    for missing in full:
        assert not remedy_considered(Remedy(**(full | {missing: " "})))


def test_only_an_opted_in_policy_goes_on_without_oat_and_never_on_high_risk() -> None:
    from domain.oat_criteria import may_go_on_without_advice

    assert may_go_on_without_advice("medium", "further_oversight")
    assert not may_go_on_without_advice("high", "further_oversight")
    assert not may_go_on_without_advice("medium", None)


def test_a_rejection_needs_a_note_and_a_review_needs_comments() -> None:
    from domain.permissions import check_comments, check_rejection_note

    check_rejection_note("too much")
    with pytest.raises(
        Refused, match=r"^a rejection needs a note with the reason, for whoever proposed it \(72\)$"
    ):
        check_rejection_note("  ")
    check_comments("well done")
    with pytest.raises(Refused, match=r"^manager_review needs comments for the caseworker \(9\)$"):
        check_comments(" ")
