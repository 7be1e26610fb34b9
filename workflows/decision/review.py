"""Paras 38-49: the case owner assesses the challenge and reviews the decision; OAT's
review of a referral runs as a child workflow and its outcome routes the case."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.enums import OAT_RETURNS_TO_CASE_OWNER, CaseOwnerFinding, OatOutcome, Outcome, Role, Stage
    from domain.models import (
        SYSTEM,
        CaseOwnerReview,
        CaseRef,
        ChallengeAssessment,
        OatOutcomeMessage,
        ServiceComplaintOpened,
    )
    from domain.review_rules import check_finding, check_oat_outcome
    from domain.state import DecisionState
    from workflows.case.children import run_child
    from workflows.case.core import CaseCore
    from workflows.case.learning import share_learning
    from workflows.decision.intake import require_case_owner
    from workflows.oat_review import OatReferral, OatReviewWorkflow
    from workflows.reclassify import start_reclassified

Case = CaseCore[DecisionState]

FINDING_PARAGRAPHS = {
    CaseOwnerFinding.FURTHER_CLARITY_RESOLVED: ["41"],
    CaseOwnerFinding.NO_GENUINE_DOUBT: ["42"],
    CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM: ["43"],
    CaseOwnerFinding.DETAILED_POSSIBLY_WRONG: ["44"],
    CaseOwnerFinding.RATIONALE_FLAWED_DECISION_RIGHT: ["45"],
}


async def at_challenge_assessment(case: Case) -> Stage:
    """Paras 38-40: is this an actionable challenge to our decision?"""
    if case.arriving(Stage.CHALLENGE_ASSESSMENT):
        await case.enter(
            Stage.CHALLENGE_ASSESSMENT,
            action="challenge_assessment",
            role=Role.CASEWORKER,
            actor_id=case.state.owner,
            paragraphs=["38", "39"],
        )
    msg: ChallengeAssessment = await case.take("challenge_assessment")
    case.record(
        msg.actor,
        "challenge to our decision: " + ("actionable" if msg.actionable else "not actionable"),
        ["38", "39"],
        msg.analysis or msg.note,
    )
    if not msg.actionable:
        return await case.close(
            Outcome.NOT_ACTIONABLE,
            reason=msg.analysis or "the request does not say clearly why the decision is wrong",
            paragraphs=["40"],
            actor=msg.actor,
            context={"jr_signpost": True},
        )
    return Stage.CASE_OWNER_REVIEW


async def at_case_owner_review(case: Case) -> Stage:
    """Paras 41-46: further clarity first; else genuine doubt, then refer to OAT."""
    state = case.state
    directions = state.oat_directions
    if case.arriving(Stage.CASE_OWNER_REVIEW):
        await case.enter(
            Stage.CASE_OWNER_REVIEW,
            action="case_owner_review",
            role=Role.CASEWORKER,
            actor_id=state.owner,
            paragraphs=["41", "42", "49"] if directions else ["41", "42"],
            detail=(
                f"OAT returned it: {directions.outcome.value}. {directions.directions}".strip()
                if directions
                else ""
            ),
        )
    msg: CaseOwnerReview = await case.take("case_owner_review")
    state.finding = msg
    case.record(
        msg.actor, f"case owner review: {msg.finding.value}", FINDING_PARAGRAPHS[msg.finding], msg.note
    )
    if msg.finding is CaseOwnerFinding.FURTHER_CLARITY_RESOLVED:
        return await case.close(
            Outcome.RESOLVED_WITH_FURTHER_CLARITY,
            reason=msg.note or "further clarity about our decision resolved the complaint",
            paragraphs=["41"],
            actor=msg.actor,
        )
    if msg.finding is CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM:
        case.add_task(
            "reconsider the decision in team", state.manager, "operations_manager", ["43"], msg.note
        )
        case.add_task("risk re-assessment", state.owner, "caseworker", ["78"], "further work decided (43)")
    if msg.finding is CaseOwnerFinding.RATIONALE_FLAWED_DECISION_RIGHT:
        await case.letter(
            "rationale_explanation", case.service_user(), paragraphs=["45"], context={"note": msg.note}
        )
    return Stage.OAT_REVIEW


async def at_oat_review(case: Case) -> Stage:
    """Paras 46-49: OAT's review runs as a child workflow; its outcome routes the case."""
    state = case.state
    state.oat_round += 1
    parent = workflow.info().workflow_id
    await case.enter(
        Stage.OAT_REVIEW,
        action="oat_outcome",
        role=Role.OAT_CASEWORKER,
        paragraphs=["46", "47", "48"] if state.finding else ["37", "47", "48"],
        detail=f"OAT review {parent}/oat-review-{state.oat_round}",
        child=f"{parent}/oat-review-{state.oat_round}",
    )

    referral = OatReferral(
        parent_id=parent,
        case_ref=state.case_ref,
        owner=state.owner,
        manager=state.manager,
        risk=state.risk or "",
        round=state.oat_round,
        finding=state.finding.finding if state.finding else None,
        note=state.finding.note if state.finding else "",
        direct=state.finding is None,
        reasonable_adjustments=state.reasonable_adjustments,
        guidance=state.guidance,
    )
    result: OatOutcomeMessage = await run_child(
        case,
        OatReviewWorkflow.run,
        f"{parent}/oat-review-{state.oat_round}",
        lambda attempt: referral,
        "oat_outcome",
        OatReviewWorkflow.forwarded_outcome,
        "OAT review",
    )
    case.record(result.actor, f"OAT outcome: {result.outcome.value}", ["48"], result.directions)
    state.oat_outcomes.append(result.outcome.value)
    if result.learning_points and case.guidance.learning_at_every_oat_end:
        # Annex A: OAT records what went wrong whichever way its review ends.
        await share_learning(case, result.actor, result.learning_points, ["48", "Annex A"])
    if result.outcome in OAT_RETURNS_TO_CASE_OWNER:
        state.oat_directions = result
        await case.letter(
            "oat_directions",
            case.staff(state.owner, "case_owner"),
            paragraphs=["48", "49"],
            context={"outcome": result.outcome.value, "directions": result.directions},
        )
        if case.guidance.tells_parties_of_routing:
            await tell_complainant_of_return(case, result)
        return Stage.CASE_OWNER_REVIEW
    if result.outcome is OatOutcome.NOT_FOR_OAT_SERVICE_COMPLAINT:
        return await reclassify_as_service_complaint(case, result)
    if result.outcome is OatOutcome.NOT_FOR_OAT_CRITERIA_NOT_MET:
        return await case.close(
            Outcome.REVIEW_CRITERIA_NOT_MET,
            reason=result.directions or "the review criteria have not been met",
            paragraphs=["48"],
            actor=result.actor,
            context={"from_oat": True},
        )
    return Stage.OAT_CONSIDERATION


NEXT_STEP = {
    OatOutcome.RETURNED_MORE_INFO: "gather more information about your complaint",
    OatOutcome.RETURNED_FURTHER_WORK: "do more work to try to put things right",
    OatOutcome.NOT_FOR_OAT_OTHER: "deal with your complaint themselves",
}


async def tell_complainant_of_return(case: Case, result: OatOutcomeMessage) -> None:
    """Para 49: the case owner acts on OAT's directions, "including informing the service
    user of what is happening with their complaint" (guidance v8): a letter says so, with
    the date the case owner's review is due."""
    state = case.state
    next_by = case.after(case.rules.durations.step("case_owner_review"), case.today())
    await case.letter(
        "oat_returned",
        case.service_user(),
        paragraphs=["49"],
        context={"next_step": NEXT_STEP[result.outcome], "next_by": next_by.isoformat()},
    )
    case.record(SYSTEM, "service user told the case is back with the case owner", ["49"], state.owner)


async def reclassify_as_service_complaint(case: Case, result: OatOutcomeMessage) -> Stage:
    """Para 48: OAT finds it is about our service; the case owner's manager takes it as a
    service complaint (13), linked both ways."""
    state = case.state
    decided = state.opened.case
    grounds = state.grounds
    what = " ".join(x for x in (grounds.why_wrong if grounds else "", result.directions) if x)
    new_id = await start_reclassified(
        case,
        "ServiceComplaintWorkflow",
        ServiceComplaintOpened(
            case=CaseRef(
                ref=decided.ref, owner=decided.owner, manager=decided.manager, owner_role=decided.owner_role
            ),
            about=f"our service on case {decided.ref}",
            summary=what or "complaint about our service, found by OAT (48)",
            received_on=grounds.received_on if grounds else case.today(),
            reasonable_adjustments=state.reasonable_adjustments,
            complainant=state.complainant,
            reclassified_from=workflow.info().workflow_id,
        ),
        "service-complaint",
    )
    return await case.close(
        Outcome.RECLASSIFIED_SERVICE_COMPLAINT,
        reason=result.directions
        or "OAT found this is a complaint about our service, for the case owner's manager",
        paragraphs=["12", "48"],
        actor=result.actor,
        context={"new_case": new_id},
    )


# ----------------------------------------------------------------- checks


def check_challenge(case: Case, msg: ChallengeAssessment) -> None:
    case.require_stage("challenge_assessment")
    require_case_owner(case, msg.actor, "challenge_assessment (paras 38-40)")


def check_case_owner_review(case: Case, msg: CaseOwnerReview) -> None:
    case.require_stage("case_owner_review")
    require_case_owner(case, msg.actor, "case_owner_review (paras 41-46)")
    check_finding(msg.finding, case.state.opened.case.decision)


def check_outcome(case: Case, msg: OatOutcomeMessage) -> None:
    case.require_stage("oat_outcome")
    check_oat_outcome(msg, takes_learning=case.guidance.learning_at_every_oat_end)
