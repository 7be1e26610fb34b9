"""Whoever a stalled step reaches can take it over (design.md, "Time"; `reassign`; paras
23, 32, 64; guidance v5), and what staff enter for the complainant says how it was taken
(31). Pure rules: domain.permissions and domain.review_rules."""

from datetime import date

import pytest

from domain.authority import NotAllowed, Refused
from domain.enums import Role, Taken
from domain.models import Actor, Awaiting
from domain.permissions import check_reassign, check_submission, stands_in
from domain.review_rules import check_ndi_case_owner

OWNER = Actor(id="cw-alice", role=Role.CASEWORKER)
MANAGER = Actor(id="om-bob", role=Role.OPERATIONS_MANAGER)
OTHER_MANAGER = Actor(id="om-cat", role=Role.OPERATIONS_MANAGER)
AD = Actor(id="ad-ann", role=Role.ASSISTANT_DIRECTOR)
DUE = date(2026, 3, 10)
STEP = Awaiting(action="case_owner_resolution", actor_role="caseworker", actor_id="cw-alice", due=DUE)
TEAM_STEP = Awaiting(action="oat_advice", actor_role="oat_caseworker", due=DUE)


def may(actor: Actor, today: date, step: Awaiting | None = STEP, about: tuple[str, ...] = ()) -> bool:
    return stands_in(actor, step, manager="om-bob", today=today, about_staff=about)


def test_nobody_stands_in_before_the_step_is_overdue() -> None:
    assert not may(MANAGER, DUE) and not may(AD, DUE)
    assert may(MANAGER, date(2026, 3, 11)) and may(AD, date(2026, 3, 11))


def test_only_the_cases_manager_or_someone_more_senior_stands_in() -> None:
    late = date(2026, 3, 20)
    assert not may(OTHER_MANAGER, late)  # another team's manager
    assert not may(Actor(id="cw-zed", role=Role.CASEWORKER), late)
    assert not may(Actor(id="oat-1", role=Role.OAT_CASEWORKER), late)
    # The same id in a party's or the back office's role is not that person.
    assert not may(Actor(id="om-bob", role=Role.SERVICE_USER), late)
    assert not may(Actor(id="om-bob", role=Role.BACK_OFFICE), late)
    assert not may(OWNER, late)  # whoever owes it simply takes it


def test_nobody_stands_in_for_a_team_a_paused_clock_or_someone_the_complaint_is_about() -> None:
    late = date(2026, 3, 20)
    assert not may(MANAGER, late, TEAM_STEP)
    paused = STEP.model_copy(update={"paused_since": "2026-03-01T09:00:00Z"})
    assert not may(MANAGER, late, paused)
    assert not may(AD, late, about=("ad-ann",))
    assert not may(MANAGER, late, None)


def reassign(actor: Actor, to: Actor, step: Awaiting | None = STEP, about: tuple[str, ...] = ()) -> str:
    return check_reassign(
        actor,
        to,
        step,
        owner="cw-alice",
        owner_role=Role.CASEWORKER,
        manager="om-bob",
        team_manager="oat-manager" if step is TEAM_STEP else None,
        about_staff=about,
    )


def test_the_manager_or_someone_more_senior_reassigns_to_staff_of_the_owners_grade() -> None:
    zed = Actor(id="cw-zed", role=Role.CASEWORKER)
    assert reassign(MANAGER, zed) == "owner"
    assert reassign(AD, zed) == "owner"
    assert reassign(MANAGER, Actor(id="om-cat", role=Role.OPERATIONS_MANAGER)) == "owner"
    with pytest.raises(NotAllowed) as refused:
        reassign(OWNER, zed)
    assert str(refused.value) == (
        "cw-alice (caseworker) may not reassign this case: only the case's manager (om-bob) or someone more "
        "senior (23, 32)"
    )
    with pytest.raises(NotAllowed):
        reassign(OTHER_MANAGER, zed)
    with pytest.raises(NotAllowed):
        reassign(AD, zed, about=("ad-ann",))
    with pytest.raises(Refused, match="member of staff"):
        reassign(MANAGER, Actor(id="su-1", role=Role.SERVICE_USER))
    with pytest.raises(Refused, match="the complaint is not about"):
        reassign(MANAGER, zed, about=("cw-zed",))
    with pytest.raises(Refused, match="the case's manager, who oversees"):
        reassign(MANAGER, MANAGER)
    with pytest.raises(Refused, match="already holds the case: name someone else"):
        reassign(MANAGER, OWNER)
    with pytest.raises(Refused, match="owner's grade"):
        check_reassign(
            MANAGER, zed, STEP, owner="om-x", owner_role=Role.OPERATIONS_MANAGER, manager="om-bob",
            team_manager=None, about_staff=(),
        )  # fmt: skip


def test_a_teams_manager_hands_the_teams_step_to_a_member_of_the_team() -> None:
    team_manager = Actor(id="oat-manager", role=Role.OAT_CASEWORKER)
    olu = Actor(id="oat-olu", role=Role.OAT_CASEWORKER)
    assert reassign(team_manager, olu, TEAM_STEP) == "team step"
    assert reassign(MANAGER, olu, TEAM_STEP) == "team step"
    with pytest.raises(NotAllowed) as refused:
        reassign(Actor(id="oat-1", role=Role.OAT_CASEWORKER), olu, TEAM_STEP)
    assert str(refused.value).endswith(
        "only the case's manager (om-bob) or someone more senior, or for a step owed by a team that team's "
        "manager (oat-manager) (23, 32)"
    )
    held = TEAM_STEP.model_copy(update={"actor_id": "oat-olu"})
    with pytest.raises(Refused) as already:
        check_reassign(
            team_manager, olu, held, owner="cw-alice", owner_role=Role.CASEWORKER, manager="om-bob",
            team_manager="oat-manager", about_staff=(),
        )  # fmt: skip
    assert str(already.value) == "oat_advice is already with oat-olu: name someone else"
    with pytest.raises(NotAllowed):  # a team's manager has no say over the case itself
        reassign(team_manager, olu, STEP)


def test_whoever_held_the_case_before_it_was_reassigned_never_handles_its_new_investigation() -> None:
    check_ndi_case_owner("cw-new", owner="cw-zed", manager="om-bob", previous_owners=["cw-alice"])
    with pytest.raises(Refused, match="the case's owner"):
        check_ndi_case_owner("cw-alice", owner="cw-zed", manager="om-bob", previous_owners=["cw-alice"])


def submit(actor: Actor, taken: Taken | None, owner_says_how: bool = True) -> None:
    check_submission(
        "grounds_submitted", actor, owner="cw-alice", opened_on=DUE, today=DUE, taken=taken,
        owner_says_how=owner_says_how,
    )  # fmt: skip


def test_what_the_case_owner_enters_says_how_it_was_taken() -> None:
    submit(OWNER, Taken.PHONE)
    with pytest.raises(Refused, match="must say how it was taken"):
        submit(OWNER, None)
    submit(OWNER, None, owner_says_how=False)  # guidance before v5
    submit(Actor(id="crm", role=Role.BACK_OFFICE), Taken.POST)
    submit(Actor(id="crm", role=Role.BACK_OFFICE), None)  # the back office relays; need not say
    submit(Actor(id="su-1", role=Role.SERVICE_USER), None)
    with pytest.raises(NotAllowed, match="may not say how"):
        submit(Actor(id="su-1", role=Role.SERVICE_USER), Taken.PHONE)
