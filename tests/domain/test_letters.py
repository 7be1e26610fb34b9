"""What letters say and to whom (53, 66, 74) and how they write dates."""

from datetime import UTC, date, datetime

import pytest

from activities.letters import render
from activities.models import LetterRequest, Recipient
from domain.enums import OUTCOMES_WHERE_COMPLAINT_CONTINUES, Kind, Outcome, Role
from domain.letters import date_in_words, ends_internal_process, named, quash_parties, supervised
from domain.models import Actor

INTERNAL_PROCESS = "end of our internal complaints process"


def closing(outcome: Outcome, kind: Kind = Kind.DECISION_COMPLAINT, **context: object) -> str:
    request = LetterRequest(
        workflow_id="wf",
        key="001-closing",
        kind="closing",
        case_ref="C-1",
        to=Recipient(role="service_user", id="service-user:C-1", name="Ann"),
        at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
        ends_internal_process=ends_internal_process(outcome, kind),
        context={"outcome": outcome.value, "reason": "r"} | context,
    )
    return render(request)[1]


def test_the_letter_to_the_joint_working_team_does_not_end_the_process() -> None:
    """Guards fault 1 of issue 16: the para 74 sentence belongs only to final decisions."""
    assert ends_internal_process(Outcome.REFERRED_TO_JOINT_WORKING_TEAM, Kind.DECISION_COMPLAINT) is False
    assert INTERNAL_PROCESS not in closing(Outcome.REFERRED_TO_JOINT_WORKING_TEAM)
    assert INTERNAL_PROCESS not in closing(Outcome.RECLASSIFIED_SERVICE_COMPLAINT)


@pytest.mark.parametrize(
    "outcome",
    [o for o in Outcome if o not in OUTCOMES_WHERE_COMPLAINT_CONTINUES],
)
def test_every_other_decision_closing_ends_the_process(outcome: Outcome) -> None:
    assert ends_internal_process(outcome, Kind.DECISION_COMPLAINT) is True
    assert ends_internal_process(outcome, Kind.SERVICE_COMPLAINT) is False


def test_the_complaint_goes_on_after_a_referral_or_a_reclassification() -> None:
    assert {
        Outcome.REFERRED_TO_JOINT_WORKING_TEAM,
        Outcome.RECLASSIFIED_SERVICE_COMPLAINT,
        Outcome.RECLASSIFIED_DECISION_COMPLAINT,
    } == OUTCOMES_WHERE_COMPLAINT_CONTINUES


def test_a_decision_closing_letter_says_so() -> None:
    assert INTERNAL_PROCESS in closing(Outcome.NOT_UPHELD)


def test_the_manager_is_copied_on_oats_decision_when_supervised() -> None:
    """Guards fault 4 of issue 16 (para 53)."""
    assert supervised(True, "low") is True
    assert supervised(False, "medium") is True
    assert supervised(False, "high") is True
    assert supervised(False, "low") is False
    assert supervised(False, None) is False


def test_dates_in_letters_are_london_dates_in_words() -> None:
    """Issue 10, 13: 00:30 BST on 1 July is 1 July, not 30 June."""
    assert date_in_words(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert date_in_words(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "1 December 2026"
    assert date_in_words(date(2026, 12, 2)) == "2 December 2026"
    assert date_in_words("2026-02-28") == "28 February 2026"
    assert date_in_words("2026-06-30T23:30:00Z") == "1 July 2026"
    assert "Date: 1 July 2026" in closing(Outcome.NOT_UPHELD)


def test_a_quash_is_told_to_every_affected_party() -> None:
    assert quash_parties(has_advocate=False) == ["service_user", "organisation"]
    assert quash_parties(has_advocate=True) == ["service_user", "advocate", "organisation"]


def test_the_quash_letter_names_who_decided() -> None:
    deputy = closing(
        Outcome.UPHELD_REPORT_QUASHED,
        decided_on="2026-03-01",
        approved_by="dep-1, Deputy Ombudsman",
        approver_role="deputy_ombudsman",
    )
    assert "dep-1, Deputy Ombudsman, has decided that our report or decision of 1 March 2026" in deputy
    ombudsman = closing(Outcome.UPHELD_REPORT_QUASHED, decided_on="2026-03-01", approver_role="ombudsman")
    assert "The Ombudsman has decided that our report" in ombudsman


def test_every_approved_remedy_is_in_the_closing_letter_whatever_the_route() -> None:
    """Issue 10, 14 (para 58)."""
    remedy = {"kinds": ["apology", "financial_payment"], "amount_gbp": 250.0}
    for outcome in (
        Outcome.UPHELD_NEW_DETAILED_INVESTIGATION,
        Outcome.UPHELD_REMEDY,
        Outcome.UPHELD_NEW_PRIMARY_INVESTIGATION,
    ):
        body = closing(
            outcome, remedy=remedy, approved_by="ad-1, Assistant Director", new_case="N-1", summary="s"
        )
        # In words (issue 25): an apology is made, not listed; a payment with its amount.
        assert "We are sorry. We got this wrong, and we apologise" in body
        assert "We will pay you £250.00." in body and "  - apology" not in body
        assert "This was agreed by ad-1, Assistant Director." in body  # not in the staff directory: as given


def test_approvers_are_named_with_their_title() -> None:
    assert named(Actor(id="dep-1", role=Role.DEPUTY_OMBUDSMAN)) == "dep-1, Deputy Ombudsman"
    assert named(Actor(id="om", role=Role.OPERATIONS_MANAGER)) == "om, Operations Manager"
    assert named(Actor(id="x", role=Role.OAT_CASEWORKER)) == "x, Caseworker, Ombudsman's Assurance Team"
    assert named(Actor(id="y", role=Role.BACK_OFFICE)) == "y, back office"


def test_staff_letters_give_london_times_in_words() -> None:  # issue 25
    from datetime import UTC, datetime

    from domain.letters import time_in_words

    assert time_in_words(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026 at 2:05pm"  # BST
    assert time_in_words(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == "1 December 2026 at 12:30am"
    assert time_in_words(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026 at 12:30am"
    assert time_in_words(datetime(2026, 3, 2, 11, 59, tzinfo=UTC)) == "2 March 2026 at 11:59am"
    assert time_in_words(datetime(2026, 12, 1, 12, 30, tzinfo=UTC)) == "1 December 2026 at 12:30pm"  # noon


def test_a_person_is_named_once_when_their_name_is_their_title() -> None:
    from domain.staff import Person

    assert (
        Person(id="omb", name="The Ombudsman", role=Role.OMBUDSMAN, team="executive").in_words()
        == "The Ombudsman"
    )
    deb = Person(id="dep-deb", name="Deb Stone", role=Role.DEPUTY_OMBUDSMAN, team="executive")
    assert deb.in_words() == "Deb Stone, Deputy Ombudsman, executive team"
