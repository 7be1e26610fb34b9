"""The rules behind the doors guidance v7 keeps open (paras 24, 31-35), pure."""

from __future__ import annotations

from datetime import date

import pytest

from domain.authority import NotNow, Refused
from domain.grounds import check_decline_before_reply_by, check_extension
from domain.guidance import VERSIONS
from domain.models import Actor

MANAGER = Actor(id="om-bob", role="operations_manager")
TODAY = date(2026, 4, 6)


def extend(new: date, today: date | None) -> None:
    check_extension(MANAGER, manager="om-bob", extra_roles=[], grounds_received=False,
                    in_force=date(2026, 4, 1), new_deadline=new, today=today)  # fmt: skip


def test_an_extension_is_to_a_date_after_today_as_well_as_after_the_deadline() -> None:
    with pytest.raises(Refused, match=r"must be after today \(2026-04-06\)"):
        extend(date(2026, 4, 3), TODAY)
    with pytest.raises(Refused, match=r"must be after today"):
        extend(TODAY, TODAY)
    extend(date(2026, 4, 7), TODAY)
    extend(date(2026, 4, 3), None)  # before v7: only later than the deadline in force
    with pytest.raises(Refused, match="later than the current deadline"):
        extend(date(2026, 4, 1), None)


def test_a_late_request_is_not_declined_before_the_reply_by_date_unless_explained() -> None:
    reply_by = date(2026, 4, 21)
    with pytest.raises(NotNow) as waits:
        check_decline_before_reply_by(False, explained=False, reply_by=reply_by, today=reply_by)
    assert str(waits.value) == (
        "the complainant has until 2026-04-21 to explain why their request is late (33): it can be declined "
        "after that date, or once their explanation arrives (35)"
    )
    check_decline_before_reply_by(False, explained=False, reply_by=reply_by, today=date(2026, 4, 22))
    check_decline_before_reply_by(False, explained=True, reply_by=reply_by, today=TODAY)
    check_decline_before_reply_by(True, explained=False, reply_by=reply_by, today=TODAY)
    check_decline_before_reply_by(False, explained=False, reply_by=None, today=TODAY)


@pytest.mark.parametrize("member", ["takes_withdrawals", "takes_adjustments_any_time", "takes_requests",
                                    "records_jr_threats", "one_review_per_case", "bounds_pauses",
                                    "refuses_dropped_remedies",
                                    "extends_beyond_today", "waits_for_reply_by"])  # fmt: skip
def test_only_cases_begun_under_v7_or_later_open_these_doors(member: str) -> None:
    assert {v: getattr(g, member) for v, g in VERSIONS.items()} == {v: v >= 7 for v in VERSIONS}


def test_a_remedy_the_decision_cannot_carry_is_refused_never_dropped() -> None:
    from domain.models import Remedy
    from domain.review_rules import check_remedy_carried

    apology = Remedy.model_validate({"kinds": ["apology", "explanation"]})
    with pytest.raises(Refused) as refused:
        check_remedy_carried(False, apology)
    assert str(refused.value) == (
        "a decision that is not upheld carries no remedy (apology, explanation) (58, 18): uphold it, or drop "
        "the remedy and explain in the analysis"
    )
    check_remedy_carried(True, apology)  # on any route: a payment beside a new investigation (60, 72)
    check_remedy_carried(False, None)
    check_remedy_carried(False, Remedy())  # an empty remedy is no remedy


def test_who_records_an_adjustment() -> None:
    from domain.authority import NotAllowed
    from domain.permissions import check_record_adjustment

    for actor in (Actor(id="cw-alice", role="caseworker"), MANAGER, Actor(id="crm", role="back_office")):
        check_record_adjustment(actor, "cw-alice", "om-bob")
    for actor in (Actor(id="cw-zed", role="caseworker"), Actor(id="cw-alice", role="service_user"),
                  Actor(id="su-1", role="service_user"), Actor(id="om-bob", role="organisation")):  # fmt: skip
        with pytest.raises(
            NotAllowed, match=r"only the case owner \(cw-alice\), the case's manager \(om-bob\)"
        ):
            check_record_adjustment(actor, "cw-alice", "om-bob")


def test_a_recorded_adjustment_is_the_adjustment_asked_for() -> None:
    from domain.models import Adjustment, Contact, RecordAdjustment

    contact = Contact(name="Ann Advocate", email="ann@advice.example")
    msg = RecordAdjustment(actor=MANAGER, kind="advocate_copy", detail="copy her advocate", contact=contact)
    assert msg.adjustment() == Adjustment(kind="advocate_copy", detail="copy her advocate", contact=contact)
