"""The rules behind guidance v8 (work reaches a person, once; design.md, "Time"), pure:
whom an overdue approval is chased at, who may complete a task, and reply-by dates."""

from __future__ import annotations

from datetime import date

import pytest

from domain.authority import NotAllowed, Refused
from domain.calendar import PACKAGE_CALENDAR, Period
from domain.enums import Risk, Role
from domain.escalation import Rung, approver_to_chase
from domain.grounds import reply_by_date
from domain.guidance import VERSIONS
from domain.models import Actor
from domain.permissions import check_complete_task
from domain.policy import load_policy

SENIOR = {
    Role.ASSISTANT_DIRECTOR: "ad-ann",
    Role.DIRECTOR: "dir-dee",
    Role.DEPUTY_OMBUDSMAN: "dep-deb",
    Role.OMBUDSMAN: "omb",
}
POST = Period(amount=2, unit="working_days")


def chased(role: str, proposed_by: str = "oat-olu", senior: dict[Role, str] = SENIOR) -> Rung:
    return approver_to_chase(role, manager="om-bob", proposed_by=proposed_by, senior=senior)


def test_an_approval_is_chased_at_a_person_never_at_a_roles_name() -> None:  # 72-73
    assert chased("operations_manager") == Rung("om-bob", "operations_manager")
    # Four eyes: the manager who proposed it cannot approve it; the next rung is chased.
    assert chased("operations_manager", proposed_by="om-bob") == Rung("ad-ann", "assistant_director")
    assert chased("assistant_director") == Rung("ad-ann", "assistant_director")
    assert chased("director") == Rung("dir-dee", "director")
    assert chased("deputy_ombudsman") == Rung("dep-deb", "deputy_ombudsman")
    # A role the policy names nobody for: the first person named above it.
    no_director: dict[Role, str] = {k: v for k, v in SENIOR.items() if k is not Role.DIRECTOR}
    assert chased("director", senior=no_director) == Rung("dep-deb", "deputy_ombudsman")
    assert chased("ombudsman", senior={}) == Rung("ombudsman", "ombudsman")


def test_a_task_is_completed_by_its_assignee_the_cases_manager_or_someone_senior() -> None:
    def done(who: Actor, task: str = "reasonable adjustment - phone call", risk: Risk | None = None) -> None:
        check_complete_task(who, task, "cw-alice", "om-bob", risk)

    done(Actor(id="cw-alice", role="caseworker"))
    done(Actor(id="om-bob", role="operations_manager"))
    done(Actor(id="ad-ann", role="assistant_director"))
    for stranger in (Actor(id="cw-zed", role="caseworker"), Actor(id="om-other", role="operations_manager"),
                     Actor(id="oat-olu", role="oat_caseworker")):  # fmt: skip
        with pytest.raises(
            NotAllowed, match=r"only its assignee \(cw-alice\), the case's manager \(om-bob\)"
        ):
            done(stranger)
    with pytest.raises(Refused, match="records the new risk level"):
        done(Actor(id="cw-alice", role="caseworker"), "risk re-assessment")
    done(Actor(id="cw-alice", role="caseworker"), "risk re-assessment", Risk.HIGH)
    with pytest.raises(Refused, match="only a risk re-assessment records a risk level"):
        done(Actor(id="cw-alice", role="caseworker"), risk=Risk.LOW)


def test_a_reply_by_date_is_a_working_day_and_the_post_adds_its_time() -> None:
    saturday, monday = date(2027, 3, 6), date(2027, 3, 8)
    assert reply_by_date(saturday, by_post=False, post_allowance=POST) == monday
    assert reply_by_date(monday, by_post=False, post_allowance=POST) == monday
    assert reply_by_date(monday, by_post=True, post_allowance=POST) == date(2027, 3, 10)
    assert reply_by_date(saturday, by_post=True, post_allowance=POST) == date(2027, 3, 10)
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March are bank holidays.
    assert reply_by_date(date(2027, 3, 26), by_post=False, post_allowance=POST) == date(2027, 3, 30)
    assert all(PACKAGE_CALENDAR.is_working_day(reply_by_date(date(2027, 1, d), by_post=False, post_allowance=POST))
               for d in range(1, 31))  # fmt: skip


def test_v8_changes_only_what_it_says() -> None:
    v7, v8 = VERSIONS[7], VERSIONS[8]
    new = ("tasks_reach_people", "chases_approvers_in_person", "chases_once", "keeps_redecided_learning",
           "tells_parties_of_routing", "learning_at_every_oat_end", "replies_by_working_day")  # fmt: skip
    for name in new:
        assert getattr(v8, name) is True
        assert not any(getattr(VERSIONS[v], name) for v in range(8)), name
    assert v7.takes_requests and v8.takes_requests


def test_the_policy_gives_each_task_its_time() -> None:
    durations = load_policy(None).durations
    assert durations.task("reconsider the decision in team") == Period(amount=10, unit="working_days")
    assert durations.task("risk re-assessment") == Period(amount=5, unit="working_days")
    assert durations.task("reasonable adjustment - phone call") == Period(amount=2, unit="working_days")
    assert durations.task("anything else") == durations.default_task
    assert durations.post_allowance == Period(amount=2, unit="working_days")


def test_the_peer_reviews_learning_comes_with_the_reconsideration_in_team_from_a_manager() -> None:
    from domain.permissions import check_peer_review_learning

    manager = Actor(id="om-bob", role="operations_manager")
    check_peer_review_learning(manager, "reconsider the decision in team", takes_learning=True)
    check_peer_review_learning(Actor(id="ad-ann", role="assistant_director"), "reconsider the decision in team",
                               takes_learning=True)  # fmt: skip
    with pytest.raises(NotAllowed, match="an operations manager does"):
        check_peer_review_learning(Actor(id="cw-alice", role="caseworker"), "reconsider the decision in team",
                                   takes_learning=True)  # fmt: skip
    with pytest.raises(Refused, match="not 'risk re-assessment'"):
        check_peer_review_learning(manager, "risk re-assessment", takes_learning=True)
    with pytest.raises(Refused, match="learning points come with"):
        check_peer_review_learning(manager, "reconsider the decision in team", takes_learning=False)


def test_whom_an_approval_is_chased_at_for_roles_off_the_ladder_and_a_listed_manager() -> None:
    # A role off the management ladder is owed from the operations managers' rung up.
    assert chased("joint_working_team") == Rung("ad-ann", "assistant_director")
    assert chased("shared_services") == Rung("ad-ann", "assistant_director")  # not a role at all
    # An operations manager named among the senior managers is never chased in the manager's
    # place when the manager proposed it (four eyes): the rung above is.
    with_om = {Role.OPERATIONS_MANAGER: "om-duty", **SENIOR}
    assert chased("operations_manager", proposed_by="om-bob", senior=with_om) == Rung(
        "ad-ann", "assistant_director"
    )


def test_a_reply_by_date_counts_the_cases_own_calendar() -> None:
    from domain.calendar import WorkingCalendar

    sunday, monday = date(2027, 3, 7), date(2027, 3, 8)
    assert reply_by_date(sunday, by_post=False, post_allowance=POST) == monday
    # The post's two working days skip the case's own bank holiday (10 March here).
    own = WorkingCalendar(frozenset({date(2027, 3, 10)}))
    assert reply_by_date(monday, by_post=True, post_allowance=POST, calendar=own) == date(2027, 3, 11)
    assert reply_by_date(date(2027, 3, 10), by_post=False, post_allowance=POST, calendar=own) == date(
        2027, 3, 11
    )


def test_learning_points_with_a_referrals_outcome_only_where_the_guidance_takes_them() -> None:
    from domain.models import LearningPoint, OatOutcomeMessage
    from domain.review_rules import check_oat_outcome

    point = LearningPoint(kind="good_practice", text="records asked for quickly")
    oat = Actor(id="oat-olu", role="oat_caseworker")
    with_points = OatOutcomeMessage(actor=oat, outcome="accepted", learning_points=[point])
    check_oat_outcome(with_points)  # v8 on: taken by default
    check_oat_outcome(OatOutcomeMessage(actor=oat, outcome="accepted"), takes_learning=False)
    with pytest.raises(Refused) as refused:
        check_oat_outcome(with_points, takes_learning=False)
    assert str(refused.value) == (
        "this case's guidance takes learning points with OAT's decision, not with the outcome of a referral"
    )


def test_a_risk_re_assessment_without_a_level_is_refused_in_these_words() -> None:
    with pytest.raises(Refused) as refused:
        check_complete_task(
            Actor(id="cw-alice", role="caseworker"), "risk re-assessment", "cw-alice", "om-bob", None
        )
    assert (
        str(refused.value)
        == "a risk re-assessment records the new risk level: risk is low, medium or high (78)"
    )
