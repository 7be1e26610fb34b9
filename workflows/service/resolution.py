"""Paras 10, 13-14, 16: a service complaint is passed to the case owner's manager, who
tries to resolve it, often at first contact; para 15: OAT's advice on handling it is
passed to whoever holds it, whenever it comes."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import permissions
    from domain.enums import Outcome, Role, Stage
    from domain.models import ManagerResolution, OatServiceAdvice, Reclassify
    from domain.state import ServiceState
    from workflows.case.core import CaseCore
    from workflows.service.reclassify import reclassify

Case = CaseCore[ServiceState]
RESOLVE = "resolve service complaint"
FIRST_CONTACT = ("manager_resolution", "reclassify_as_decision_complaint", "oat_service_advice")


async def at_intake(case: Case) -> Stage:
    """Para 13: considered by, or passed to, the case owner's manager."""
    opened = case.state.opened
    await case.enter(
        Stage.INTAKE,
        paragraphs=["10", "13"],
        detail=f"about {opened.about.text or 'our service'}: {opened.summary[:200]}",
    )
    case.add_task(
        RESOLVE,
        case.state.manager,
        "operations_manager",
        ["13", "14"],
        opened.summary,
        chased=False,  # it is the manager_resolution step, chased as a step
        announced=True,  # by the letter below
    )
    sent = await case.letter(
        "service_complaint_received",
        case.staff(case.state.manager, "manager"),
        paragraphs=["13", "14", "16"],
        context={"about": opened.about.text, "summary": opened.summary},
    )
    case.reach("13", f"passed to the case owner's manager {case.state.manager} ({sent.key})")
    return Stage.MANAGER_RESOLUTION


async def at_manager_resolution(case: Case) -> Stage:
    """Paras 14, 16: the manager attempts to resolve it, often at first contact."""
    if case.arriving(Stage.MANAGER_RESOLUTION):
        await case.enter(
            Stage.MANAGER_RESOLUTION,
            action="manager_resolution",
            role=Role.OPERATIONS_MANAGER,
            actor_id=case.state.manager,
            paragraphs=["14", "16"],
        )
    msg = await take_passing_on_advice(case, FIRST_CONTACT)
    if case.guidance.tasks_reach_people:  # the manager acted on the task this step was (v8)
        case.tasks_done(
            RESOLVE, msg.actor, "reclassified" if isinstance(msg, Reclassify) else "first contact made"
        )
    if isinstance(msg, Reclassify):
        return await reclassify(case, msg)
    action = msg.action.value if msg.action else "no action named"
    case.reach("14", f"{msg.actor} attempted to resolve it: {action}. {msg.note}".strip())
    if msg.resolved:
        return await case.close(
            Outcome.RESOLVED_BY_MANAGER,
            reason=msg.note,
            paragraphs=["14", "16"],
            actor=msg.actor,
            context={"action": msg.action.value if msg.action else None},
        )
    case.record(msg.actor, "not resolved at first contact; to consideration", ["15", "17"], msg.note)
    case.state.handler = msg.actor
    return Stage.CONSIDERATION


async def take_passing_on_advice(case: Case, expected: tuple[str, ...]) -> Any:
    """Para 15: OAT's advice on handling is passed to whoever holds the complaint
    whenever it comes; the stage goes on waiting for its own message."""
    state = case.state
    msg = await case.take(*expected)
    while isinstance(msg, OatServiceAdvice):
        handler = state.handler.id if state.handler else state.manager
        state.oat_advice.append(msg.advice)
        case.record(msg.actor, "OAT advice on handling the service complaint", ["15"], msg.advice)
        await case.letter(
            "oat_service_advice",
            case.staff(handler, "manager"),
            paragraphs=["15"],
            context={"advice": msg.advice},
        )
        msg = await case.take(*expected)
    return msg


def check_manager_resolution(case: Case, msg: ManagerResolution) -> None:
    case.require_stage("manager_resolution")
    permissions.check_not_about(msg.actor, case.about_staff, "resolve it")
    if not case.stands_in(msg.actor):  # once overdue, someone more senior (design.md, "Time")
        permissions.check_manager(msg.actor, case.state.manager, "manager_resolution", "13-14")
