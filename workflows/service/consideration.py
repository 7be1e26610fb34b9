"""Paras 11, 15, 17-19: an unresolved service complaint is considered by its handler, who
may escalate it up the management chain (never to anyone it is about), close it
unresolved, or decide it: upheld with a remedy (18), approved under the Delegation Scheme
when it pays (72), or not upheld; learning goes to the line manager (19)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import permissions
    from domain.authority import require_role
    from domain.enums import Outcome, Role, Stage
    from domain.models import (
        Actor,
        CloseUnresolved,
        Escalate,
        Escalation,
        OatServiceAdvice,
        Proposal,
        Reclassify,
        ServiceComplaintDecision,
    )
    from domain.review_rules import check_remedy_carried
    from domain.state import ServiceState
    from workflows.case.approvals import propose
    from workflows.case.core import CaseCore
    from workflows.case.learning import share_learning
    from workflows.service.reclassify import reclassify
    from workflows.service.resolution import take_passing_on_advice

Case = CaseCore[ServiceState]
CONSIDERATION = (
    "service_complaint_decision",
    "escalate",
    "close_unresolved",
    "reclassify_as_decision_complaint",
    "oat_service_advice",
)
REMEDY = "service complaint remedy"


async def at_consideration(case: Case) -> Stage:
    """Paras 11, 15, 17: consider, escalate up the chain, or close unresolved."""
    handler = case.state.handler or Actor(id=case.state.manager, role=Role.OPERATIONS_MANAGER)
    if case.arriving(Stage.CONSIDERATION):
        await case.enter(
            Stage.CONSIDERATION,
            action="service_complaint_decision",
            role=handler.role,
            actor_id=handler.id,
            paragraphs=["15", "17"],
        )
    msg = await take_passing_on_advice(case, CONSIDERATION)
    if isinstance(msg, Reclassify):
        return await reclassify(case, msg)
    if isinstance(msg, Escalate):
        return await escalate_to(case, msg)
    if isinstance(msg, CloseUnresolved):
        return await case.close(
            Outcome.CLOSED_UNRESOLVED, reason=msg.reason, paragraphs=["11", "15"], actor=msg.actor
        )
    return await decide(case, msg)


async def escalate_to(case: Case, msg: Escalate) -> Stage:
    """Paras 11, 15: up the management chain, in rare circumstances."""
    case.state.escalations.append(
        Escalation(by=str(msg.actor), to=str(msg.to), reason=msg.reason, at=case.now())
    )
    case.record(msg.actor, f"escalated to {msg.to}", ["11", "15"], msg.reason)
    await case.letter(
        "service_complaint_escalated",
        case.staff(msg.to.id, msg.to.role.value),
        paragraphs=["11", "15", "17"],
        context={"by": str(msg.actor), "reason": msg.reason},
    )
    case.state.handler = msg.to
    return Stage.CONSIDERATION


async def decide(case: Case, msg: ServiceComplaintDecision) -> Stage:
    """Para 17: what happened, what should have happened, the difference; 18: remedy."""
    case.state.decision = msg
    case.record(
        msg.actor,
        "service complaint " + ("upheld" if msg.upheld else "not upheld"),
        ["17"],
        f"happened: {msg.what_happened} | should have: {msg.should_have_happened} | difference: {msg.difference}",
    )
    if not msg.upheld:
        if msg.learning_points:
            await learning(case, msg)
        return await case.close(
            Outcome.SERVICE_COMPLAINT_NOT_UPHELD, reason=msg.what_happened, paragraphs=["17"], actor=msg.actor
        )
    amount = msg.remedy.amount_gbp if msg.remedy else 0
    rule = case.rules.delegation.rule_for("remedy", amount)
    if rule is not None:
        proposal = Proposal(
            route=REMEDY,
            proposed_by=msg.actor.id,
            proposer_role=msg.actor.role,
            amount_gbp=amount,
            remedy=msg.remedy,
            summary=msg.difference,
        )
        return propose(case, proposal, rule)
    return await uphold(case, msg.actor)


async def uphold(case: Case, actor: Actor) -> Stage:
    """Para 18: the remedy is offered and the complaint recorded as a service review."""
    decision, handler = case.state.decision, case.state.handler
    if decision is None or decision.remedy is None or handler is None:  # pragma: no cover - set by decide
        return Stage.CONSIDERATION
    remedy = decision.remedy.model_dump(mode="json")
    case.reach("18", "remedy offered: " + ", ".join(remedy["kinds"]))
    case.add_task(
        "record as a service review",
        handler.id,
        handler.role.value,
        ["18"],
        ", ".join(remedy["kinds"]),
        announced=True,  # by the service_review_record letter below
    )
    await case.letter(
        "service_review_record",
        case.staff(handler.id, handler.role.value),
        paragraphs=["18"],
        context={
            **decision.model_dump(
                mode="json", include={"what_happened", "should_have_happened", "difference"}
            ),
            "remedy": remedy,
        },
    )
    await learning(case, decision)
    return await case.close(
        Outcome.SERVICE_COMPLAINT_UPHELD,
        reason=decision.difference,
        paragraphs=["17", "18"],
        actor=actor,
        context={"remedy": remedy},
    )


async def learning(case: Case, decision: ServiceComplaintDecision) -> None:
    """Para 19: learning shared with the line manager and the wider organisation."""
    if decision.learning_points:
        await share_learning(case, decision.actor, decision.learning_points, ["19"])
    elif decision.upheld:
        case.reach("19", "upheld with no learning point identified", met=False)


# ----------------------------------------------------------------- checks


def check_handler(case: Case, name: str, actor: Actor) -> None:
    case.require_stage(name)
    if not case.stands_in(actor):  # once overdue, the manager or above (design.md, "Time")
        permissions.check_handler(actor, case.state.handler, case.about_staff, name)


def check_decision(case: Case, msg: ServiceComplaintDecision) -> None:
    check_handler(case, "service_complaint_decision", msg.actor)
    if case.guidance.refuses_dropped_remedies:
        check_remedy_carried(msg.upheld, msg.remedy)


def check_escalate(case: Case, msg: Escalate) -> None:
    case.require_stage("escalate")
    permissions.check_escalate(
        msg.actor, case.state.handler, msg.to, case.rules.service_complaint_chain, case.about_staff
    )


def check_oat_service_advice(case: Case, msg: OatServiceAdvice) -> None:
    case.require_stage("oat_service_advice")
    require_role(msg.actor, {Role.OAT_CASEWORKER}, "an OAT caseworker advises (15)")
