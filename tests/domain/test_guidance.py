"""Guidance versions (domain/guidance): each case keeps the rules it began under. Every
member of every version is checked here, so a mutation of any one of them fails a test:
v0 (the first release), v1 (the edges: 21, 27, 32-35, 55-56, 58, 60, 63-66, 69, 72-73),
v2 (acknowledgements), v3 (never silent), v4 (the trust boundary), v5 (stalled steps
handed over, submissions taken by staff say how)."""

from datetime import UTC, date, datetime

import pytest

from domain.calendar import PACKAGE_CALENDAR, Period, WorkingCalendar
from domain.enums import DecisionType, Outcome, Role
from domain.escalation import Rung
from domain.guidance import CURRENT, VERSIONS, guidance_for, version_at_birth, version_of_legacy_state
from domain.models import Actor, ComplaintOpened, DecidedCase, Flags, PartyComment
from domain.policy import PolicyError, load_policy
from domain.state import CaseState

V0, V1, V2, V3, V4, V5, V6, V7 = (guidance_for(n) for n in range(8))
MONTH = Period.model_validate("1m")
TWO_WEEKS = Period.model_validate("14d")


def opened(decision: DecisionType = DecisionType.PRIMARY_INVESTIGATION, **flags: bool) -> ComplaintOpened:
    case = DecidedCase(
        ref="C-1",
        owner="cw-alice",
        manager="om-bob",
        risk="low",
        decision=decision,
        decided_on=date(2026, 3, 2),
    )
    return ComplaintOpened(case=case, flags=Flags(**flags))


def comment(party: Role) -> PartyComment:
    return PartyComment(party=party, text="a comment", actor=Actor(id="x", role=party))


def test_the_versions_are_numbered_in_order_and_current_is_the_newest() -> None:
    assert sorted(VERSIONS) == list(range(len(VERSIONS)))
    assert CURRENT == max(VERSIONS) == 9
    assert all(VERSIONS[n].version == n for n in VERSIONS)


def test_an_unknown_version_is_a_clear_error() -> None:
    with pytest.raises(
        ValueError, match="no guidance version 10: this build knows 0, 1, 2, 3, 4, 5, 6, 7, 8, 9"
    ):
        guidance_for(10)


@pytest.mark.parametrize(
    ("edges", "acknowledges", "never_silent", "from_policy", "version"),
    [
        (False, False, False, None, 0),
        (False, True, True, 3, 0),  # no edges marker: the first release, whatever follows
        (True, False, False, None, 1),
        (True, False, True, 3, 1),
        (True, True, False, None, 2),
        (True, True, True, None, 3),  # all markers, a policy recorded before versions
        (True, True, True, 2, 2),  # a scenario asking for an older version
        (True, True, True, 3, 3),
    ],
)
def test_the_version_at_birth_comes_from_the_markers_then_the_policy(
    edges: bool, acknowledges: bool, never_silent: bool, from_policy: int | None, version: int
) -> None:
    assert (
        version_at_birth(
            edges=edges, acknowledges=acknowledges, never_silent=never_silent, from_policy=from_policy
        )
        == version
    )


@pytest.mark.parametrize(
    ("flags", "version"),
    [
        ({}, 0),
        ({"edges": True}, 1),
        ({"edges": True, "acknowledges": True}, 2),
        ({"edges": True, "acknowledges": True, "keeps_in_touch": True}, 3),
    ],
)
def test_a_state_carried_before_versions_were_data_maps_onto_its_version(
    flags: dict[str, bool], version: int
) -> None:
    assert version_of_legacy_state(flags) == version
    old = {
        "kind": "decision_complaint",
        "case_ref": "C-1",
        "owner": "a",
        "manager": "b",
        "edges": False,
    } | flags
    state = CaseState.model_validate(old)
    assert state.guidance == version
    assert "edges" not in state.model_dump()


def test_a_state_that_names_its_version_keeps_it() -> None:
    state = CaseState.model_validate(
        {"kind": "decision_complaint", "case_ref": "C-1", "owner": "a", "manager": "b", "guidance": 2}
    )
    assert state.guidance == 2


def test_the_worker_fills_in_the_newest_version_and_a_policy_may_name_an_older_one() -> None:
    policy = load_policy()
    assert policy.guidance is None
    assert policy.with_guidance(CURRENT).guidance == CURRENT
    older = policy.model_copy(update={"guidance": 1})
    assert older.with_guidance(CURRENT).guidance == 1
    with pytest.raises(PolicyError, match="guidance version 10 is newer than this build's 9"):
        policy.model_copy(update={"guidance": 10}).with_guidance(CURRENT)


# ------------------------------------------------------------ v0 -> v1: the edges


def test_v0_checked_low_level_injustice_before_a_joint_decision_v1_sends_it_to_the_jwt() -> None:  # 21, 76
    both = opened(DecisionType.LOW_LEVEL_INJUSTICE, lgsco_joint=True)
    v0, v1 = V0.eligibility(both), V1.eligibility(both)
    assert v0 is not None and v0[0] is Outcome.NOT_ELIGIBLE_LOW_LEVEL_INJUSTICE
    assert v1 is not None and v1[0] is Outcome.REFERRED_TO_JOINT_WORKING_TEAM
    joint = opened(lgsco_joint=True)
    assert V0.eligibility(joint) == V1.eligibility(joint)
    assert V0.eligibility(joint) is not None
    assert V0.eligibility(opened()) is None and V1.eligibility(opened()) is None
    rude = opened(unacceptable_behaviour=True)
    assert V0.eligibility(rude) == V1.eligibility(rude)


def test_later_oat_advice_is_taken_from_v1() -> None:  # 27
    assert (V0.later_oat_advice_taken, V1.later_oat_advice_taken) == (False, True)


def test_the_grounds_deadline_is_fixed_at_opening_only_in_v0() -> None:  # 32, 34
    assert (V0.grounds_deadline_fixed_at_opening, V1.grounds_deadline_fixed_at_opening) == (True, False)


def test_a_reminder_never_comes_with_or_before_the_request_from_v1() -> None:  # 32
    deadline, requested = date(2026, 4, 2), date(2026, 3, 30)
    assert V0.grounds_reminder_on(deadline, requested, Period.model_validate("7d"), PACKAGE_CALENDAR) == date(
        2026, 3, 26
    )
    assert V1.grounds_reminder_on(deadline, requested, Period.model_validate("7d"), PACKAGE_CALENDAR) is None
    assert V1.grounds_reminder_on(
        deadline, date(2026, 3, 2), Period.model_validate("7d"), PACKAGE_CALENDAR
    ) == date(2026, 3, 26)


def test_the_late_explanation_letter_gives_a_reply_by_date_from_v1() -> None:  # 33
    assert (V0.late_explanation_gives_reply_by, V1.late_explanation_gives_reply_by) == (False, True)


def test_only_v0_declines_on_its_own_with_no_explanation() -> None:  # 35
    assert (V0.system_declines_without_explanation, V1.system_declines_without_explanation) == (True, False)


def test_our_delay_is_a_factor_from_v1() -> None:  # 34
    late = date(2026, 4, 20)
    assert V0.delay_factor(date(2026, 3, 2), late, MONTH) is None
    said = V1.delay_factor(date(2026, 3, 2), late, MONTH)
    assert said is not None and "2026-04-20" in said and "2026-04-02" in said
    assert V1.delay_factor(date(2026, 3, 2), date(2026, 3, 10), MONTH) is None


def test_v0_escalated_once_to_the_manager_v1_climbs_the_ladder() -> None:  # design.md "Time"
    ladder = [Rung("om-bob", "operations_manager"), Rung("ad-max", "assistant_director")]
    assert (V0.escalates_repeatedly, V1.escalates_repeatedly) == (False, True)
    assert V0.escalation_to(ladder, 1, "om-bob") == Rung("om-bob", "manager")
    assert V0.escalation_to(ladder, 1, "") == Rung("operations-manager", "manager")
    assert V1.escalation_to(ladder, 0, "om-bob") == Rung("om-bob", "operations_manager")
    assert V1.escalation_to(ladder, 1, "om-bob") == Rung("ad-max", "assistant_director")
    assert V1.escalation_to(ladder, 5, "om-bob") == Rung("ad-max", "assistant_director")


def test_approvals_learning_and_further_work_from_v1() -> None:  # 55-56, 60, 65, 66, 72
    pairs = [
        (V0.not_upheld_may_need_approval, V1.not_upheld_may_need_approval),
        (V0.learning_shared_once, V1.learning_shared_once),
        (V0.ndi_risk_task_when_recommended, V1.ndi_risk_task_when_recommended),
        (V0.quash_told_at_own_address, V1.quash_told_at_own_address),
        (V0.closing_letter_names_approver, V1.closing_letter_names_approver),
        (V0.closing_letter_states_remedy, V1.closing_letter_states_remedy),
    ]
    assert pairs == [(False, True)] * 6
    assert V0.amount_for_route_approval(2000.0) == 0
    assert V1.amount_for_route_approval(2000.0) == 2000.0


def test_only_the_ombudsman_or_a_deputy_meets_69_and_73_from_v1() -> None:
    assert V0.senior_decision_met(Role.DIRECTOR) is True
    assert V1.senior_decision_met(Role.DIRECTOR) is False
    assert V1.senior_decision_met(Role.DEPUTY_OMBUDSMAN) is True
    assert V1.senior_decision_met(Role.OMBUDSMAN) is True


def test_v0_ended_the_comment_window_on_any_two_comments_v1_on_both_parties() -> None:  # 63
    ends = date(2026, 5, 1)
    before = datetime(2026, 4, 20, tzinfo=UTC)
    twice = [comment(Role.SERVICE_USER), comment(Role.SERVICE_USER)]
    both = [comment(Role.SERVICE_USER), comment(Role.ORGANISATION)]
    assert V0.ndi_window_closed(before, ends, []) is False
    assert V0.ndi_window_closed(before, ends, twice[:1]) is False
    assert V0.ndi_window_closed(before, ends, twice) is True
    assert V1.ndi_window_closed(before, ends, twice) is False
    assert V1.ndi_window_closed(before, ends, both) is True
    for g in (V0, V1):
        assert g.ndi_window_closed(datetime(2026, 5, 1, 22, 59, tzinfo=UTC), ends, []) is False
        assert g.ndi_window_closed(datetime(2026, 5, 1, 23, 0, tzinfo=UTC), ends, []) is True


def test_the_named_new_case_owner_may_decide_from_v1() -> None:  # 64
    assert V0.ndi_named_decider("oat-2") is None
    assert V1.ndi_named_decider("oat-2") == "oat-2"
    assert V1.ndi_named_decider(None) is None


# ------------------------------------------------ v2, v3: what the complainant gets


def test_submissions_are_acknowledged_from_v2_and_silence_is_broken_from_v3() -> None:
    assert [g.acknowledges_submissions for g in (V0, V1, V2, V3)] == [False, False, True, True]
    assert [g.keeps_in_touch for g in (V0, V1, V2, V3)] == [False, False, False, True]


def test_each_later_version_keeps_every_earlier_rule_it_does_not_name() -> None:
    # v2 and v3 change only what the complainant gets: the edges stay as in v1.
    for g in (V2, V3):
        assert g.eligibility(opened(DecisionType.LOW_LEVEL_INJUSTICE, lgsco_joint=True)) == V1.eligibility(
            opened(DecisionType.LOW_LEVEL_INJUSTICE, lgsco_joint=True)
        )
        assert g.system_declines_without_explanation is False
        assert g.escalates_repeatedly is True


def test_a_policy_naming_the_newest_version_is_kept() -> None:
    policy = load_policy().model_copy(update={"guidance": CURRENT})
    assert policy.with_guidance(CURRENT).guidance == CURRENT


def test_the_reminder_date_is_on_the_cases_own_calendar() -> None:  # 32: working days skip its holidays
    deadline, requested, before = date(2026, 4, 10), date(2026, 3, 2), Period.model_validate("3wd")
    holiday = WorkingCalendar(frozenset({date(2026, 4, 7)}))
    for g in (V0, V1):
        assert g.grounds_reminder_on(deadline, requested, before, PACKAGE_CALENDAR) == date(2026, 4, 7)
        assert g.grounds_reminder_on(deadline, requested, before, holiday) == date(2026, 4, 6)


def test_submitters_are_checked_from_v4() -> None:  # design.md, "The trust boundary"
    assert [g.checks_submitters for g in (V0, V1, V2, V3, V4)] == [False, False, False, False, True]
    assert V4.keeps_in_touch and V4.acknowledges_submissions


def test_overdue_steps_are_handed_over_and_taken_submissions_say_how_from_v5() -> None:  # design.md, "Time"
    versions = (V0, V1, V2, V3, V4, V5)
    assert [g.hands_over_overdue_steps for g in versions] == [False] * 5 + [True]
    assert [g.says_how_taken for g in versions] == [False] * 5 + [True]
    assert V5.checks_submitters and V5.keeps_in_touch


def test_acknowledgements_are_batched_from_v6() -> None:  # issue 23: 30 uploads, 38 letters
    versions = (V0, V1, V2, V3, V4, V5, V6)
    assert [g.batches_acknowledgements for g in versions] == [False] * 6 + [True]
    assert V6.hands_over_overdue_steps and V6.checks_submitters


# ------------------------------------------- v8 -> v9: letters that reach people


def test_v9_refers_a_joint_decision_to_the_jwt_in_a_letter_of_its_own() -> None:  # 76
    assert guidance_for(9).refers_to_jwt_in_its_own_words and guidance_for(9).letters_through_outbox
    assert not any(guidance_for(n).refers_to_jwt_in_its_own_words for n in range(9))
    assert not any(guidance_for(n).letters_through_outbox for n in range(9))
