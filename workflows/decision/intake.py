"""Paras 2, 20-29: who may have a review at all, the case owner's own attempt to resolve
it, and OAT's advice on whether and how to review."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import EarlierReviewAsk
    from domain.authority import require_role
    from domain.calendar import end_of_day
    from domain.enums import OatAdviceRoute, Outcome, Role, Stage
    from domain.grounds import raised_late
    from domain.models import SYSTEM, Actor, CaseOwnerResolution, ExceptionalReview, OatAdvice
    from domain.oat_criteria import may_go_on_without_advice, needs_oat_advice
    from domain.permissions import check_case_owner
    from domain.permissions import check_oat_advice as oat_advice_rule
    from domain.state import DecisionState
    from workflows.case import effects
    from workflows.case.core import CaseCore

Case = CaseCore[DecisionState]


async def at_intake(case: Case) -> Stage:
    """Paras 2, 20-22, 76: who may have a review at all."""
    opened = case.state.opened
    await case.enter(
        Stage.INTAKE,
        paragraphs=["20"],
        detail=f"complaint about a {opened.case.decision.value} decision of {opened.case.decided_on}",
    )
    if raised_late(opened.case.decided_on, opened.raised_on, case.rules.durations.raised_within):
        case.record(
            SYSTEM,
            "concerns raised more than one month after the decision",
            ["2"],
            "we may decide not to consider the feedback",
        )
    if ineligible := case.guidance.eligibility(opened):
        outcome, reason, paragraphs = ineligible
        if outcome is Outcome.REFERRED_TO_JOINT_WORKING_TEAM:
            case.reach("76", "directed to the Joint Working Team at intake")
            if case.guidance.refers_to_jwt_in_its_own_words:
                await refer_to_jwt(case, reason)
                return await case.close(outcome, reason=reason, paragraphs=paragraphs)
            return await case.close(
                outcome,
                reason=reason,
                paragraphs=paragraphs,
                also_to=[case.team_mailbox("joint_working_team")],
            )
        return await case.close(outcome, reason=reason, paragraphs=paragraphs)
    case.state.oat_reasons = needs_oat_advice(opened.case, opened.flags)
    if case.guidance.one_review_per_case and opened.reclassified_from is None:
        ask = EarlierReviewAsk(case_ref=opened.case.ref, workflow_id=workflow.info().workflow_id)
        if (earlier := await effects.earlier_review(ask)) is not None:
            case.state.earlier_review = earlier
            return Stage.SECOND_REVIEW_CHECK
    return Stage.CASE_OWNER_RESOLUTION


async def at_second_review_check(case: Case) -> Stage:
    """Para 5: one review per case; OAT decides whether exceptional circumstances justify
    another review of a decision whose review has finished."""
    earlier = case.state.earlier_review or "an earlier case"
    if case.arriving(Stage.SECOND_REVIEW_CHECK):
        await case.enter(
            Stage.SECOND_REVIEW_CHECK,
            action="exceptional_review",
            role=Role.OAT_CASEWORKER,
            paragraphs=["5"],
            detail=f"this decision has had a review that finished: {earlier}",
        )
        await case.letter(
            "second_review_check", case.team_mailbox("oat"), paragraphs=["5"], context={"earlier": earlier}
        )
    msg: ExceptionalReview = await case.take("exceptional_review")
    if msg.proceed:
        case.record(msg.actor, "exceptional circumstances: another review goes ahead", ["5"], msg.reason)
        return Stage.CASE_OWNER_RESOLUTION
    case.record(msg.actor, "no exceptional circumstances: the decision has had its review", ["5"], msg.reason)
    return await case.close(
        Outcome.DECLINED_ALREADY_REVIEWED, reason=msg.reason, paragraphs=["5"], actor=msg.actor
    )


def check_exceptional_review(case: Case, msg: ExceptionalReview) -> None:
    case.require_stage("exceptional_review")
    require_role(
        msg.actor, {Role.OAT_CASEWORKER}, "an OAT caseworker decides whether another review goes ahead (5)"
    )


async def at_case_owner_resolution(case: Case) -> Stage:
    """Paras 23-25: the case owner first tries to resolve it themselves."""
    if case.arriving(Stage.CASE_OWNER_RESOLUTION):
        await case.enter(
            Stage.CASE_OWNER_RESOLUTION,
            action="case_owner_resolution",
            role=Role.CASEWORKER,
            actor_id=case.state.owner,
            paragraphs=["1", "23"],
        )
    msg: CaseOwnerResolution = await case.take("case_owner_resolution")
    if msg.amended_report:
        issued = case.state.opened.case.decided_on.isoformat()
        await case.letter(
            "amended_report",
            case.service_user(),
            paragraphs=["25"],
            context={"original_issue_date": issued, "note": msg.note},
        )
        case.record(
            msg.actor,
            "amended report issued, keeping the original issue date",
            ["25"],
            f"original issue date {issued}. {msg.note}".strip(),
        )
    if msg.resolved:
        case.record(msg.actor, "case owner resolved the complaint", ["23", "24"], msg.note)
        return await case.close(
            Outcome.RESOLVED_BY_CASE_OWNER,
            reason=msg.note or "the service user considers the complaint resolved",
            paragraphs=["24"],
            actor=msg.actor,
        )
    case.record(msg.actor, "case owner could not resolve the complaint", ["23", "26"], msg.note)
    return Stage.OAT_ADVICE if case.state.oat_reasons else Stage.AWAITING_GROUNDS


async def at_oat_advice(case: Case) -> Stage:
    """Paras 26-29: OAT decides within OAT, further oversight, as usual, or (high risk)
    no review."""
    state = case.state
    if case.arriving(Stage.OAT_ADVICE):
        await case.enter(
            Stage.OAT_ADVICE,
            action="oat_advice",
            role=Role.OAT_CASEWORKER,
            paragraphs=["26", "27", "28", "29"],
            detail="; ".join(state.oat_reasons),
        )
        await case.letter(
            "oat_advice_request",
            case.team_mailbox("oat"),
            paragraphs=["27"],
            context={"reasons": state.oat_reasons},
        )
    msg = await case.take("oat_advice", alarms=lambda: oat_advice_alarms(case))
    if isinstance(msg, str):
        # Not high risk and OAT has not answered by the due date: the case does not
        # stall; it goes on with OAT copied on every step (configurable).
        route = OatAdviceRoute(case.rules.oat_advice_if_no_reply or OatAdviceRoute.FURTHER_OVERSIGHT)
        state.oat_route = route
        state.oat_route_by_policy = case.guidance.later_oat_advice_taken  # 27
        state.copy_oat = route is OatAdviceRoute.FURTHER_OVERSIGHT
        due = state.awaiting.due if state.awaiting else None
        case.record(
            SYSTEM,
            f"no OAT advice by {due}: proceeding with {route.value}",
            ["27"],
            "OAT can still act on the case; every letter copies OAT",
        )
        return Stage.AWAITING_GROUNDS
    advice: OatAdvice = msg
    state.oat_route = advice.route
    case.record(advice.actor, f"oat_advice: {advice.route.value}", ["27", "29"], advice.note)
    if advice.route is OatAdviceRoute.NO_REVIEW_HIGH_RISK:
        return await case.close(
            Outcome.NO_REVIEW_HIGH_RISK,
            reason=advice.note or "we are satisfied with our response; you may consider Judicial Review",
            paragraphs=["28", "29"],
            actor=advice.actor,
            context={"jr_signpost": True, "assurance": True},
        )
    state.copy_oat = advice.route is OatAdviceRoute.FURTHER_OVERSIGHT
    return Stage.AWAITING_GROUNDS


def oat_advice_alarms(case: Case) -> list[tuple[str, datetime]]:
    """Para 29: a high-risk case always waits for OAT; others need not stall."""
    step = case.state.awaiting
    if not may_go_on_without_advice(case.state.risk, case.rules.oat_advice_if_no_reply):
        return []
    if step is None or step.due is None:
        return []
    return [("no_advice", end_of_day(step.due))]


# ----------------------------------------------------------------- checks


def require_case_owner(case: Case, actor: Actor, name: str) -> None:
    """The case owner acts; with `within_oat` advice an OAT caseworker may too (27); once
    the step is overdue, the case's manager or anyone more senior (design.md, "Time")."""
    if not case.stands_in(actor):
        check_case_owner(actor, case.state.owner, case.state.oat_route, name)


def check_case_owner_resolution(case: Case, msg: CaseOwnerResolution) -> None:
    case.require_stage("case_owner_resolution")
    require_case_owner(case, msg.actor, "case_owner_resolution (paras 23-25)")


def check_oat_advice(case: Case, msg: OatAdvice) -> None:
    """Paras 27-29. Where the policy went on without OAT's advice, OAT's later advice is
    still taken until grounds arrive (27: OAT decides)."""
    state = case.state
    late = state.oat_route_by_policy and state.stage is Stage.AWAITING_GROUNDS and state.grounds is None
    if not late:
        case.require_stage("oat_advice")
    oat_advice_rule(msg.actor, msg.route, state.risk)


def take_late_oat_advice(case: Case, msg: OatAdvice) -> None:
    """OAT's advice after the policy went on without it: OAT's route applies from now."""
    state = case.state
    state.oat_route, state.oat_route_by_policy = msg.route, False
    state.copy_oat = msg.route is OatAdviceRoute.FURTHER_OVERSIGHT
    case.record(msg.actor, f"oat_advice (after the due date): {msg.route.value}", ["27"], msg.note)
    case.publish()


async def refer_to_jwt(case: Case, reason: str) -> None:
    """Para 76 (guidance v9): the Joint Working Team gets a referral it can act on: whose
    complaint, how to reach them, the decision and its date, why it is theirs, who holds it."""
    opened, who = case.state.opened, case.state.complainant
    await case.letter(
        "jwt_referral",
        case.team_mailbox("joint_working_team"),
        paragraphs=["76"],
        context={
            "complainant": who.model_dump(mode="json"),
            "decision": opened.case.decision.value,
            "decided_on": opened.case.decided_on.isoformat(),
            "reason": reason,
            "case_owner": case.state.owner,
        },
    )
