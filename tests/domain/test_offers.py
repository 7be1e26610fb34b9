"""Which forms a person is offered on a case page (issue 12): the stage takes the
message and they are the kind of person who sends it."""

from datetime import UTC, datetime

import pytest

from domain.enums import OatAdviceRoute, Role, Stage
from domain.models import Actor, Awaiting
from domain.permissions import may_offer

OWNER = Actor(id="cw-alice", role=Role.CASEWORKER)
MANAGER = Actor(id="om-bob", role=Role.OPERATIONS_MANAGER)
OAT = Actor(id="oat-1", role=Role.OAT_CASEWORKER)
LEGAL = Actor(id="legal-1", role=Role.LEGAL_TEAM)
AD = Actor(id="ad-ann", role=Role.ASSISTANT_DIRECTOR)
OTHER = Actor(id="cw-zed", role=Role.CASEWORKER)


def offer(name: str, actor: Actor, stage: Stage, awaiting: Awaiting | None = None, **kw: object) -> bool:
    return may_offer(name, actor, stage=stage, owner="cw-alice", manager="om-bob", awaiting=awaiting, **kw)  # type: ignore[arg-type]


def waits(action: str, role: str, person: str | None = None, chase: bool = True) -> Awaiting:
    return Awaiting(action=action, actor_role=role, actor_id=person, chase=chase)


def test_the_owners_steps_at_their_stage() -> None:
    assert offer("case_owner_resolution", OWNER, Stage.CASE_OWNER_RESOLUTION)
    assert not offer("case_owner_resolution", OWNER, Stage.OAT_ADVICE)
    assert not offer("case_owner_resolution", OTHER, Stage.CASE_OWNER_RESOLUTION)
    assert not offer("challenge_assessment", OAT, Stage.CHALLENGE_ASSESSMENT)
    assert offer("challenge_assessment", OAT, Stage.CHALLENGE_ASSESSMENT, oat_route=OatAdviceRoute.WITHIN_OAT)
    assert not offer("case_owner_resolution", OWNER, Stage.CLOSED)


def test_oat_and_legal_steps() -> None:
    assert offer("oat_decision", OAT, Stage.OAT_CONSIDERATION)
    assert not offer("oat_decision", OWNER, Stage.OAT_CONSIDERATION)
    assert offer("legal_advice", LEGAL, Stage.LEGAL_ADVICE)
    assert not offer("legal_advice", OAT, Stage.LEGAL_ADVICE)
    named = waits("ndi_proceed", "oat_caseworker", "cw-nia")
    assert offer(
        "ndi_proceed", Actor(id="cw-nia", role=Role.CASEWORKER), Stage.NEW_DETAILED_INVESTIGATION, named
    )
    assert offer("ndi_proceed", OAT, Stage.NEW_DETAILED_INVESTIGATION, named)
    assert not offer(
        "ndi_proceed", OWNER, Stage.NEW_DETAILED_INVESTIGATION, waits("ndi_proceed", "caseworker")
    )
    assert not offer("ndi_proceed", OTHER, Stage.NEW_DETAILED_INVESTIGATION, named)


@pytest.mark.parametrize(
    ("actor", "offered"),
    [(MANAGER, True), (AD, True), (OWNER, False), (Actor(id="dir", role=Role.DIRECTOR), True), (OAT, False)],
)
def test_approvals_go_to_the_role_the_scheme_names_or_higher(actor: Actor, offered: bool) -> None:
    waiting = waits("approve", "operations_manager")
    assert offer("approve", actor, Stage.AWAITING_APPROVAL, waiting) is offered
    assert offer("reject", actor, Stage.AWAITING_APPROVAL, waiting) is offered
    assert not offer("approve", actor, Stage.AWAITING_APPROVAL, None)
    assert not offer("approve", actor, Stage.AWAITING_APPROVAL, waits("approve", "someone odd"))


def test_managers_seniors_handlers_and_clocks() -> None:
    assert offer("manager_resolution", MANAGER, Stage.MANAGER_RESOLUTION)
    assert not offer("manager_resolution", AD, Stage.MANAGER_RESOLUTION)
    handler = waits("service_complaint_decision", "assistant_director", "ad-ann")
    assert offer("escalate", AD, Stage.CONSIDERATION, handler)
    assert not offer("escalate", MANAGER, Stage.CONSIDERATION, handler)
    assert offer("extend_grounds_deadline", MANAGER, Stage.AWAITING_GROUNDS)
    assert offer("extend_grounds_deadline", AD, Stage.AWAITING_GROUNDS)
    assert not offer("extend_grounds_deadline", OTHER, Stage.AWAITING_GROUNDS)
    assert not offer(
        "extend_grounds_deadline", Actor(id="om-2", role=Role.OPERATIONS_MANAGER), Stage.AWAITING_GROUNDS
    )
    assert offer("decline_unacceptable_behaviour", AD, Stage.CHALLENGE_ASSESSMENT)
    step = waits("challenge_assessment", "caseworker", "cw-alice")
    assert offer("pause_clock", OWNER, Stage.CHALLENGE_ASSESSMENT, step)
    assert not offer("resume_clock", MANAGER, Stage.CHALLENGE_ASSESSMENT, step)
    paused = step.model_copy(update={"paused_since": datetime(2026, 3, 2, tzinfo=UTC)})
    assert offer("resume_clock", MANAGER, Stage.CHALLENGE_ASSESSMENT, paused)
    assert not offer("pause_clock", OWNER, Stage.CHALLENGE_ASSESSMENT, paused)
    assert not offer("pause_clock", OTHER, Stage.CHALLENGE_ASSESSMENT, step)
    assert not offer(
        "pause_clock", OWNER, Stage.AWAITING_GROUNDS, waits("grounds_submitted", "service_user", chase=False)
    )
    assert not offer("pause_clock", OWNER, Stage.CHALLENGE_ASSESSMENT, None)
    by_role = waits("oat_advice", "oat_caseworker")
    assert offer("pause_clock", OAT, Stage.OAT_ADVICE, by_role)
    assert offer("reclassify_as_decision_complaint", OWNER, Stage.MANAGER_RESOLUTION)
    assert not offer("reclassify_as_decision_complaint", OTHER, Stage.MANAGER_RESOLUTION)
    assert not offer("something_unknown", OWNER, Stage.CASE_OWNER_RESOLUTION)
