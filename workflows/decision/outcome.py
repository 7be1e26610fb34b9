"""Paras 50-60, 72: OAT decides; the case owner is told; learning is recorded and sent;
an upheld decision's proposal waits for approval under the Delegation Scheme, then is
carried out."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import NewCaseRequest
    from domain.authority import Refused, require_role
    from domain.enums import DecisionRoute, Outcome, Role, Stage
    from domain.letters import named, supervised
    from domain.models import Actor, OatDecision, Proposal
    from domain.review_rules import (
        check_ndi_case_owner,
        check_oat_decision,
        check_remedy_carried,
        remedy_considered,
    )
    from domain.state import DecisionState
    from workflows.case import effects
    from workflows.case.approvals import propose
    from workflows.case.core import CaseCore
    from workflows.case.learning import share_learning
    from workflows.decision import further_work

Case = CaseCore[DecisionState]


async def at_oat_consideration(case: Case) -> Stage:
    """Paras 50-60: OAT decides; informs the case owner; records learning."""
    state = case.state
    if case.arriving(Stage.OAT_CONSIDERATION):
        await case.enter(
            Stage.OAT_CONSIDERATION,
            action="oat_decision",
            role=Role.OAT_CASEWORKER,
            paragraphs=["50", "51", "52"],
        )
    msg: OatDecision = await case.take("oat_decision")
    state.decision = msg
    verdict = "upheld" if msg.upheld else "not upheld"
    case.record(msg.actor, f"OAT decision: {verdict}, route {msg.route.value}", ["51", "58"], msg.analysis)
    await inform_case_owner(case, msg)
    await record_learning(case, msg)
    if not msg.upheld:
        rule = (
            case.rules.delegation.rule_for("not_upheld")
            if case.guidance.not_upheld_may_need_approval
            else None
        )
        if rule is not None:  # the scheme asks for approval of a not-upheld decision (72)
            return propose(case, not_upheld_proposal(msg), rule)
        return await case.close(
            Outcome.NOT_UPHELD, reason=msg.analysis, paragraphs=["5", "58"], actor=msg.actor,
            context=further_work.what_we_found(case),
        )  # fmt: skip
    case.reach("58", "analysis explains the remedy proposed: " + msg.analysis[:200])
    if msg.remedy and msg.remedy.pays:
        if remedy_considered(msg.remedy):
            case.reach("59", "impact, proportionality and restoration considered")
        else:
            case.reach("59", "payment proposed without all three considerations", met=False)
    amount = msg.remedy.amount_gbp if msg.remedy else 0
    proposal = Proposal(
        route=msg.route.value,
        proposed_by=msg.actor.id,
        amount_gbp=amount,
        remedy=msg.remedy,
        summary=msg.summary,
    )
    state.proposal = proposal
    if msg.route is DecisionRoute.NEW_DETAILED_INVESTIGATION:
        return Stage.NEW_DETAILED_INVESTIGATION
    if msg.route is DecisionRoute.QUASH:
        return Stage.QUASH
    rule = case.rules.delegation.rule_for(msg.route.value, amount)
    if rule is not None:
        return propose(case, proposal, rule)
    return await carry_out(case, None)


def not_upheld_proposal(msg: OatDecision) -> Proposal:
    return Proposal(route="not_upheld", proposed_by=msg.actor.id, summary=msg.analysis)


async def inform_case_owner(case: Case, msg: OatDecision) -> None:
    """Para 53 (and 54): the case owner, and their manager if supervised, are told."""
    state = case.state
    is_supervised = supervised(state.copy_oat, state.risk)
    cc = [case.staff(state.manager, "manager")] if is_supervised else []
    await case.letter(
        "oat_decision_to_case_owner",
        case.staff(state.owner, "case_owner"),
        cc=cc,
        paragraphs=["53", "54"],
        context={
            "upheld": msg.upheld,
            "route": msg.route.value,
            "analysis": msg.analysis,
            "feedback": msg.feedback_to_case_owner,
            "proportionate_work": msg.proportionate_work,
        },
    )
    case.reach("53", "case owner informed" + (" with their manager copied" if is_supervised else ""))
    if msg.feedback_to_case_owner:
        case.record(
            msg.actor, "feedback to the case owner on their challenge", ["54"], msg.feedback_to_case_owner
        )


async def record_learning(case: Case, msg: OatDecision) -> None:
    """Paras 55-56, Annex A: learning recorded on the case and sent to the line manager,
    once: not again when OAT decides again after a rejection."""
    if case.guidance.learning_shared_once and case.state.learning_shared:
        if case.guidance.keeps_redecided_learning:
            # A re-decision after a rejection keeps what it adds (guidance v8): only the
            # points not already recorded and sent.
            added = [p for p in msg.learning_points if p not in case.state.learning_points]
            if added:
                await share_learning(case, msg.actor, added, ["55", "56"])
        return
    if not msg.learning_points:
        if msg.upheld:
            case.reach("55", "upheld with no learning point recorded", met=False)
        return
    kinds = ", ".join(sorted({p.kind.value for p in msg.learning_points}))
    case.reach("55", f"{len(msg.learning_points)} learning point(s): {kinds}")
    await share_learning(case, msg.actor, msg.learning_points, ["55", "56"])
    case.state.learning_shared = True
    case.reach("56", f"recorded on the case and fed back to the line manager {case.state.manager}")


async def open_new_case(case: Case, kind: str, summary: str, advice: str, priority: bool) -> str:
    """Paras 57, 64: shared services create the new case; the link goes both ways."""
    state = case.state
    created = await effects.open_new_case(
        NewCaseRequest(
            workflow_id=workflow.info().workflow_id,
            key=f"new-case-{len(state.links.new_cases) + 1}",
            from_case_ref=state.case_ref,
            kind=kind,
            priority=priority,
            summary=summary,
            allocation_advice=advice,
            at=case.now(),
        )
    )
    state.links.new_cases.append(created.case_ref)
    return created.case_ref


async def carry_out(case: Case, approver: Actor | None) -> Stage:
    """Put the decision into effect, approved where the scheme asks, and close (57-69)."""
    state = case.state
    decision = state.decision
    if decision is None:  # pragma: no cover - only reached after oat_decision
        return Stage.OAT_CONSIDERATION
    route = decision.route
    by = approver or decision.actor
    remedy = decision.remedy.model_dump(mode="json") if decision.remedy else None
    if case.guidance.not_upheld_may_need_approval and not decision.upheld:
        return await case.close(
            Outcome.NOT_UPHELD,
            reason=decision.analysis,
            paragraphs=["5", "58", "72"],
            actor=by,
            context={"approved_by": named(approver) if approver else None} | further_work.what_we_found(case),
        )
    if route is DecisionRoute.REMEDY or route is DecisionRoute.NONE:
        return await case.close(
            Outcome.UPHELD_REMEDY,
            reason=decision.analysis,
            paragraphs=["58", "59", "60"],
            actor=by,
            context={"remedy": remedy}
            | further_work.approved_by(case, approver)
            | further_work.what_we_found(case),
        )
    if route is DecisionRoute.FRESH_PRIMARY_INVESTIGATION:
        new_ref = await open_new_case(
            case,
            "fresh_primary_investigation",
            decision.summary or decision.analysis,
            decision.note,
            priority=False,
        )
        case.add_task(
            "risk re-assessment", state.owner, "caseworker", ["78"], f"new primary investigation {new_ref}"
        )
        return await case.close(
            Outcome.UPHELD_NEW_PRIMARY_INVESTIGATION,
            reason=decision.analysis,
            paragraphs=["57"],
            actor=by,
            context={"new_case": new_ref}
            | further_work.approved_remedy(case, approver)
            | further_work.what_we_found(case),
        )
    if route is DecisionRoute.NEW_DETAILED_INVESTIGATION:
        return await further_work.open_new_detailed_investigation(case, decision, approver)
    return await further_work.quash_report(case, decision, approver)


# ----------------------------------------------------------------- checks


def check_decision(case: Case, msg: OatDecision) -> None:
    case.require_stage("oat_decision")
    require_role(msg.actor, {Role.OAT_CASEWORKER}, "the OAT caseworker decides (50-51)")
    check_oat_decision(msg)
    if case.guidance.refuses_dropped_remedies:
        check_remedy_carried(msg.upheld, msg.remedy)
    state = case.state
    check_ndi_case_owner(
        msg.ndi_case_owner, owner=state.owner, manager=state.manager, previous_owners=state.previous_owners
    )


__all__ = ["Refused", "at_oat_consideration", "carry_out", "check_decision"]
