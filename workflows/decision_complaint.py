"""A complaint about a decision (paras 20-74): DecisionComplaintWorkflow.

`run` is the table of contents: each stage is one method that reads like the guidance
and returns the next stage. Stage changes go through `enter`; closing through `close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.authority import ApprovalRule, Refused, check_approver, require_role
    from domain.calendar import end_of_day, london_time
    from domain.eligibility import eligibility
    from domain.enums import (
        OAT_RETURNS_TO_CASE_OWNER,
        CaseOwnerFinding,
        DecisionRoute,
        Kind,
        OatAdviceRoute,
        OatOutcome,
        Outcome,
        Risk,
        Role,
        Stage,
    )
    from domain.grounds import (
        Timing,
        grounds_deadline,
        grounds_timing,
        jr_delay_not_challenged,
        jr_window_ends,
        raised_late,
    )
    from domain.models import (
        SYSTEM,
        Actor,
        Approval,
        CaseOwnerResolution,
        CaseOwnerReview,
        CaseRef,
        ChallengeAssessment,
        ComplaintOpened,
        ExtendGroundsDeadline,
        GroundsSubmitted,
        LateExplanation,
        LegalAdvice,
        LegalReferralDone,
        NdiProceed,
        OatAdvice,
        OatDecision,
        OatOutcomeMessage,
        PartyComment,
        Rejection,
        ServiceComplaintOpened,
        Status,
        TimeLimitDecision,
    )
    from domain.oat_criteria import needs_oat_advice
    from domain.review_rules import check_oat_decision
    from workflows import search_attributes as sa
    from workflows.base import CLOCK_OFFSET_MEMO, CaseWorkflow
    from workflows.children import (
        NdiProposal,
        NdiResult,
        NewDetailedInvestigationWorkflow,
        OatReferral,
        OatReviewWorkflow,
        check_ndi_proceed,
        check_oat_outcome,
    )

CASE_OWNER_STEPS = ("time_limit_decision", "challenge_assessment", "case_owner_review")


@workflow.defn
class DecisionComplaintWorkflow(CaseWorkflow):
    kind = Kind.DECISION_COMPLAINT

    def __init__(self) -> None:
        super().__init__()
        self.opened: ComplaintOpened | None = None
        self.grounds: GroundsSubmitted | None = None
        self.grounds_deadline: date | None = None
        self.jr_window_ends: date | None = None
        self.jr_delay: bool = False
        self.grounds_in_time: bool | None = None
        self.reminded_for: date | None = None
        self.late_explanation: LateExplanation | None = None
        self.legal_advice_taken = False
        self.oat_route: OatAdviceRoute | None = None
        self.oat_reasons: list[str] = []
        self.finding: CaseOwnerReview | None = None
        self.oat_directions: OatOutcomeMessage | None = None
        self.oat_round = 0
        self.oat_child: workflow.ChildWorkflowHandle[Any, Any] | None = None
        self.oat_result: OatOutcomeMessage | None = None
        self.ndi_child: workflow.ChildWorkflowHandle[Any, Any] | None = None
        self.ndi_result: NdiResult | None = None
        self.ndi_window_ends: date | None = None
        self.ndi_comments = 0
        self.child_tasks: list[asyncio.Task[Any]] = []
        self.decision: OatDecision | None = None
        self.proposal: dict[str, Any] | None = None
        self.pending_rule: ApprovalRule | None = None
        self.legal_referral_done = False
        self.party_comments: list[PartyComment] = []
        self.oat_outcomes: list[str] = []

    # ==================================================================== run

    @workflow.run
    async def run(self, opened: ComplaintOpened) -> Status:
        self.opened = opened
        case = opened.case
        await self.begin(
            case_ref=case.ref,
            owner=case.owner,
            manager=case.manager,
            risk=case.risk.value,
            reasonable_adjustments=opened.reasonable_adjustments,
            complainant=opened.complainant,
            owner_role=case.owner_role,
        )
        durations = self.rules.durations
        self.grounds_deadline = grounds_deadline(case.decided_on, durations.grounds_deadline)
        self.jr_window_ends = jr_window_ends(case.decided_on, durations.jr_window)
        self.links.reclassified_from = opened.reclassified_from
        stages: dict[Stage, Callable[[], Awaitable[Stage]]] = {
            Stage.INTAKE: self.at_intake,
            Stage.CASE_OWNER_RESOLUTION: self.at_case_owner_resolution,
            Stage.OAT_ADVICE: self.at_oat_advice,
            Stage.AWAITING_GROUNDS: self.at_awaiting_grounds,
            Stage.LEGAL_ADVICE: self.at_legal_advice,
            Stage.TIME_LIMIT: self.at_time_limit,
            Stage.CHALLENGE_ASSESSMENT: self.at_challenge_assessment,
            Stage.CASE_OWNER_REVIEW: self.at_case_owner_review,
            Stage.OAT_REVIEW: self.at_oat_review,
            Stage.OAT_CONSIDERATION: self.at_oat_consideration,
            Stage.AWAITING_APPROVAL: self.at_awaiting_approval,
            Stage.NEW_DETAILED_INVESTIGATION: self.at_new_detailed_investigation,
            Stage.QUASH: self.at_quash,
        }
        return await self.run_stages(stages)

    # ================================================================ stages

    async def at_intake(self) -> Stage:
        """Paras 2, 20-22, 76: who may have a review at all."""
        assert self.opened is not None
        case, flags = self.opened.case, self.opened.flags
        await self.enter(
            Stage.INTAKE,
            paragraphs=["20"],
            detail=f"complaint about a {case.decision.value} decision of {case.decided_on}",
        )
        if raised_late(case.decided_on, self.opened.raised_on, self.rules.durations.raised_within):
            self.record(
                SYSTEM,
                "concerns raised more than one month after the decision",
                ["2"],
                "we may decide not to consider the feedback",
            )
        if ineligible := eligibility(self.opened):
            outcome, reason, paragraphs = ineligible
            if outcome is Outcome.REFERRED_TO_JOINT_WORKING_TEAM:
                self.reach("76", "directed to the Joint Working Team at intake")
                return await self.close(
                    outcome,
                    reason=reason,
                    paragraphs=paragraphs,
                    also_to=[self.mailbox("joint_working_team")],
                )
            return await self.close(outcome, reason=reason, paragraphs=paragraphs)
        self.oat_reasons = needs_oat_advice(case, flags)
        return Stage.CASE_OWNER_RESOLUTION

    async def at_case_owner_resolution(self) -> Stage:
        """Paras 23-25: the case owner first tries to resolve it themselves."""
        await self.enter(
            Stage.CASE_OWNER_RESOLUTION,
            action="case_owner_resolution",
            role=Role.CASEWORKER,
            actor_id=self.owner,
            paragraphs=["1", "23"],
        )
        msg = await self.take("case_owner_resolution")
        assert isinstance(msg, CaseOwnerResolution)
        if msg.amended_report:
            assert self.opened is not None
            issued = self.opened.case.decided_on.isoformat()
            await self.letter(
                "amended_report",
                self.service_user(),
                paragraphs=["25"],
                context={"original_issue_date": issued, "note": msg.note},
            )
            self.record(
                msg.actor,
                "amended report issued, keeping the original issue date",
                ["25"],
                f"original issue date {issued}. {msg.note}".strip(),
            )
        if msg.resolved:
            self.record(msg.actor, "case owner resolved the complaint", ["23", "24"], msg.note)
            return await self.close(
                Outcome.RESOLVED_BY_CASE_OWNER,
                reason=msg.note or "the service user considers the complaint resolved",
                paragraphs=["24"],
                actor=msg.actor,
            )
        self.record(msg.actor, "case owner could not resolve the complaint", ["23", "26"], msg.note)
        return Stage.OAT_ADVICE if self.oat_reasons else Stage.AWAITING_GROUNDS

    async def at_oat_advice(self) -> Stage:
        """Paras 26-29: OAT decides within OAT, further oversight, as usual, or (high risk)
        no review."""
        await self.enter(
            Stage.OAT_ADVICE,
            action="oat_advice",
            role=Role.OAT_CASEWORKER,
            paragraphs=["26", "27", "28", "29"],
            detail="; ".join(self.oat_reasons),
        )
        await self.letter(
            "oat_advice_request",
            self.mailbox("oat"),
            paragraphs=["27"],
            context={"reasons": self.oat_reasons},
        )
        msg = await self.take("oat_advice", self.oat_advice_alarms)
        if msg == "no_advice":
            # Not high risk and OAT has not answered by the due date: the case does not
            # stall; it goes on with OAT copied on every step (configurable).
            route = self.rules.oat_advice_if_no_reply
            assert route is not None and self.awaiting is not None
            self.oat_route = OatAdviceRoute(route)
            self.copy_oat = self.oat_route is OatAdviceRoute.FURTHER_OVERSIGHT
            self.record(
                SYSTEM,
                f"no OAT advice by {self.awaiting.due}: proceeding with {route}",
                ["27"],
                "OAT can still act on the case; every letter copies OAT",
            )
            return Stage.AWAITING_GROUNDS
        assert isinstance(msg, OatAdvice)
        self.oat_route = msg.route
        self.record(msg.actor, f"oat_advice: {msg.route.value}", ["27", "29"], msg.note)
        if msg.route is OatAdviceRoute.NO_REVIEW_HIGH_RISK:
            return await self.close(
                Outcome.NO_REVIEW_HIGH_RISK,
                reason=msg.note or "we are satisfied with our response; you may consider Judicial Review",
                paragraphs=["28", "29"],
                actor=msg.actor,
                context={"jr_signpost": True, "assurance": True},
            )
        self.copy_oat = msg.route is OatAdviceRoute.FURTHER_OVERSIGHT
        return Stage.AWAITING_GROUNDS

    def oat_advice_alarms(self) -> list[tuple[str, datetime]]:
        """Para 29: a high-risk case always waits for OAT; others need not stall."""
        if self.risk == Risk.HIGH.value or self.rules.oat_advice_if_no_reply is None:
            return []
        assert self.awaiting is not None and self.awaiting.due is not None
        return [("no_advice", end_of_day(self.awaiting.due))]

    async def at_awaiting_grounds(self) -> Stage:
        """Paras 30-32: ask for grounds by a deadline; remind; the manager may extend."""
        assert self.grounds_deadline is not None
        await self.enter(
            Stage.AWAITING_GROUNDS,
            action="grounds_submitted",
            role=Role.SERVICE_USER,
            due=self.grounds_deadline,
            chase=False,
            paragraphs=["30", "31", "32"],
            detail=f"grounds due by {self.grounds_deadline}",
        )
        if self.grounds is None:
            await self.letter(
                "grounds_request",
                self.service_user(),
                paragraphs=["30", "31", "32"],
                context={"deadline": self.grounds_deadline.isoformat()},
            )
        while self.grounds is None:
            rang = await self.wait_until(
                lambda: self.grounds is not None or "extend_grounds_deadline" in self.inbox,
                self.grounds_alarms,
            )
            if "extend_grounds_deadline" in self.inbox:
                await self.extend_deadline()
            elif rang == "reminder":
                self.reminded_for = self.grounds_deadline
                self.record(SYSTEM, "grounds reminder sent", ["32"])
                await self.letter(
                    "grounds_reminder",
                    self.service_user(),
                    paragraphs=["32"],
                    context={"deadline": self.grounds_deadline.isoformat()},
                )
            elif rang == "lapsed":
                return await self.close(
                    Outcome.GROUNDS_NOT_RECEIVED,
                    reason=f"no grounds received by {self.grounds_deadline} or within the "
                    "grace period after it",
                    paragraphs=["32", "33"],
                )
        return self.after_grounds()

    def grounds_alarms(self) -> list[tuple[str, datetime]]:
        assert self.grounds_deadline is not None
        durations = self.rules.durations
        alarms = [("lapsed", end_of_day(durations.grounds_grace.after(self.grounds_deadline)))]
        if self.reminded_for != self.grounds_deadline and self.now() < end_of_day(self.grounds_deadline):
            remind_on = durations.grounds_reminder_before.before(self.grounds_deadline)
            alarms.append(("reminder", london_time(remind_on, 9)))
        return alarms

    async def extend_deadline(self) -> None:
        msg = self.inbox.pop("extend_grounds_deadline")
        assert isinstance(msg, ExtendGroundsDeadline)
        old, self.grounds_deadline = self.grounds_deadline, msg.new_deadline
        self.record(
            msg.actor,
            f"grounds deadline extended from {old} to {msg.new_deadline}",
            ["32"],
            msg.reason,
        )
        self.set_awaiting("grounds_submitted", Role.SERVICE_USER, due=msg.new_deadline, chase=False)
        self.publish()
        await self.letter(
            "grounds_deadline_extended",
            self.service_user(),
            paragraphs=["32"],
            context={"old_deadline": str(old), "deadline": msg.new_deadline.isoformat()},
        )
        await self.sync()

    def after_grounds(self) -> Stage:
        """Where grounds go once received: Legal first if JR is threatened (70); OAT
        directly if they asked (37); the time-limit decision if late (33)."""
        assert self.grounds is not None and self.grounds_deadline is not None
        assert self.opened is not None
        if self.grounds_in_time is None:
            received = self.grounds.received_on or self.today()
            timing = grounds_timing(received, self.grounds_deadline)
            self.grounds_in_time = timing is Timing.IN_TIME
            self.record(
                SYSTEM,
                f"grounds received on {received}: "
                + ("in time" if self.grounds_in_time else f"after the deadline {self.grounds_deadline}"),
                ["33", "38"],
            )
        if self.opened.flags.jr_threatened and not self.legal_advice_taken:
            return Stage.LEGAL_ADVICE
        if self.opened.flags.oat_direct:
            return Stage.OAT_REVIEW
        if not self.grounds_in_time:
            return Stage.TIME_LIMIT
        return Stage.CHALLENGE_ASSESSMENT

    async def at_legal_advice(self) -> Stage:
        """Para 70: with Judicial Review in view, OAT takes Legal's advice before the review."""
        await self.enter(
            Stage.LEGAL_ADVICE,
            action="legal_advice",
            role=Role.LEGAL_TEAM,
            paragraphs=["70"],
        )
        await self.letter("legal_advice_request", self.mailbox("legal"), paragraphs=["70"])
        msg = await self.take("legal_advice")
        assert isinstance(msg, LegalAdvice)
        self.legal_advice_taken = True
        self.record(
            msg.actor,
            f"legal advice: {'proceed' if msg.proceed else 'do not proceed'}",
            ["70"],
            msg.note,
        )
        if not msg.proceed:
            return await self.close(
                Outcome.DECLINED_PENDING_JUDICIAL_REVIEW,
                reason=msg.note
                or "on legal advice, the review is not considered while "
                "Judicial Review proceedings are in view",
                paragraphs=["70"],
                actor=msg.actor,
            )
        return self.after_grounds()

    async def at_time_limit(self) -> Stage:
        """Paras 33-37: late grounds: ask why, then the case owner decides."""
        await self.enter(
            Stage.TIME_LIMIT,
            action="late_explanation",
            role=Role.SERVICE_USER,
            due=self.rules.durations.step("late_explanation").after(self.today()),
            chase=False,
            paragraphs=["33"],
        )
        if self.late_explanation is None:
            await self.letter(
                "late_explanation_request",
                self.service_user(),
                paragraphs=["33"],
                context={"deadline": str(self.grounds_deadline)},
            )
        assert self.awaiting is not None and self.awaiting.due is not None
        explanation_due = self.awaiting.due
        rang = await self.wait_until(
            lambda: self.late_explanation is not None or "time_limit_decision" in self.inbox,
            lambda: [("no_explanation", end_of_day(explanation_due))],
        )
        if rang == "no_explanation":
            # Para 33 gave the opportunity to explain; with none, there is no reasonable
            # explanation and the request is declined (para 35), reasons recorded.
            reasons = f"no explanation for the late request was received by {explanation_due}"
            self.record(SYSTEM, "declined as out of time", ["33", "35"], reasons)
            self.reach("35", f"reasons recorded: {reasons}")
            return await self.close(Outcome.DECLINED_OUT_OF_TIME, reason=reasons, paragraphs=["33", "35"])
        self.set_awaiting("time_limit_decision", Role.CASEWORKER, self.owner)
        self.publish()
        await self.sync()
        msg = await self.take("time_limit_decision")
        assert isinstance(msg, TimeLimitDecision)
        if msg.accept:
            assert msg.reason is not None
            evidence = f"time limit put aside: {msg.reason.value}. {msg.note}".strip()
            self.record(msg.actor, "time limit put to one side", ["34", "36"], evidence)
            self.reach("36", evidence)
            return Stage.CHALLENGE_ASSESSMENT
        reasons = msg.note or "no reasonable explanation for the late request"
        self.record(msg.actor, "declined as out of time", ["35"], reasons)
        self.reach("35", f"reasons recorded: {reasons}")
        return await self.close(
            Outcome.DECLINED_OUT_OF_TIME, reason=reasons, paragraphs=["35"], actor=msg.actor
        )

    async def at_challenge_assessment(self) -> Stage:
        """Paras 38-40: is this an actionable challenge to our decision?"""
        await self.enter(
            Stage.CHALLENGE_ASSESSMENT,
            action="challenge_assessment",
            role=Role.CASEWORKER,
            actor_id=self.owner,
            paragraphs=["38", "39"],
        )
        msg = await self.take("challenge_assessment")
        assert isinstance(msg, ChallengeAssessment)
        self.record(
            msg.actor,
            "challenge to our decision: " + ("actionable" if msg.actionable else "not actionable"),
            ["38", "39"],
            msg.analysis or msg.note,
        )
        if not msg.actionable:
            return await self.close(
                Outcome.NOT_ACTIONABLE,
                reason=msg.analysis or "the request does not say clearly why the decision is wrong",
                paragraphs=["40"],
                actor=msg.actor,
                context={"jr_signpost": True},
            )
        return Stage.CASE_OWNER_REVIEW

    async def at_case_owner_review(self) -> Stage:
        """Paras 41-46: further clarity first; else genuine doubt, then refer to OAT."""
        directions = self.oat_directions
        await self.enter(
            Stage.CASE_OWNER_REVIEW,
            action="case_owner_review",
            role=Role.CASEWORKER,
            actor_id=self.owner,
            paragraphs=["41", "42", "49"] if directions else ["41", "42"],
            detail=(
                f"OAT returned it: {directions.outcome.value}. {directions.directions}".strip()
                if directions
                else ""
            ),
        )
        msg = await self.take("case_owner_review")
        assert isinstance(msg, CaseOwnerReview)
        self.finding = msg
        paragraphs = {
            CaseOwnerFinding.FURTHER_CLARITY_RESOLVED: ["41"],
            CaseOwnerFinding.NO_GENUINE_DOUBT: ["42"],
            CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM: ["43"],
            CaseOwnerFinding.DETAILED_POSSIBLY_WRONG: ["44"],
            CaseOwnerFinding.RATIONALE_FLAWED_DECISION_RIGHT: ["45"],
        }[msg.finding]
        self.record(msg.actor, f"case owner review: {msg.finding.value}", paragraphs, msg.note)
        if msg.finding is CaseOwnerFinding.FURTHER_CLARITY_RESOLVED:
            return await self.close(
                Outcome.RESOLVED_WITH_FURTHER_CLARITY,
                reason=msg.note or "further clarity about our decision resolved the complaint",
                paragraphs=["41"],
                actor=msg.actor,
            )
        if msg.finding is CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM:
            assert self.owner is not None and self.manager is not None
            self.add_task(
                "reconsider the decision in team", self.manager, "operations_manager", ["43"], msg.note
            )
            self.add_task("risk re-assessment", self.owner, "caseworker", ["78"], "further work decided (43)")
        if msg.finding is CaseOwnerFinding.RATIONALE_FLAWED_DECISION_RIGHT:
            await self.letter(
                "rationale_explanation", self.service_user(), paragraphs=["45"], context={"note": msg.note}
            )
        return Stage.OAT_REVIEW

    async def at_oat_review(self) -> Stage:
        """Paras 46-49: OAT's review runs as a child workflow; its outcome routes the case."""
        assert self.opened is not None and self.owner and self.manager and self.risk
        self.oat_round += 1
        child_id = f"{workflow.info().workflow_id}/oat-review-{self.oat_round}"
        await self.enter(
            Stage.OAT_REVIEW,
            action="oat_outcome",
            role=Role.OAT_CASEWORKER,
            paragraphs=["46", "47", "48"] if self.finding else ["37", "47", "48"],
            detail=f"OAT review {child_id}",
        )
        self.oat_result = None
        self.oat_child = await workflow.start_child_workflow(
            OatReviewWorkflow.run,
            OatReferral(
                parent_id=workflow.info().workflow_id,
                case_ref=self.case_ref,
                owner=self.owner,
                manager=self.manager,
                risk=self.risk,
                round=self.oat_round,
                finding=self.finding.finding if self.finding else None,
                note=self.finding.note if self.finding else "",
                direct=self.finding is None,
                reasonable_adjustments=self.reasonable_adjustments,
            ),
            id=child_id,
            memo={CLOCK_OFFSET_MEMO: self.offset.total_seconds()},
        )
        self.links.children.append(child_id)
        await self.run_child(self.oat_child, "oat_result", "oat_outcome", OatReviewWorkflow.forwarded_outcome)
        result = self.oat_result
        assert result is not None
        self.oat_child = None
        self.record(result.actor, f"OAT outcome: {result.outcome.value}", ["48"], result.directions)
        self.oat_outcomes.append(result.outcome.value)
        if result.outcome in OAT_RETURNS_TO_CASE_OWNER:
            self.oat_directions = result
            assert self.owner is not None
            await self.letter(
                "oat_directions",
                self.staff(self.owner, "case_owner"),
                paragraphs=["48", "49"],
                context={"outcome": result.outcome.value, "directions": result.directions},
            )
            return Stage.CASE_OWNER_REVIEW
        if result.outcome is OatOutcome.NOT_FOR_OAT_SERVICE_COMPLAINT:
            return await self.reclassify_as_service_complaint(result)
        if result.outcome is OatOutcome.NOT_FOR_OAT_CRITERIA_NOT_MET:
            return await self.close(
                Outcome.REVIEW_CRITERIA_NOT_MET,
                reason=result.directions or "the review criteria have not been met",
                paragraphs=["48"],
                actor=result.actor,
                context={"from_oat": True},
            )
        return Stage.OAT_CONSIDERATION

    async def reclassify_as_service_complaint(self, result: OatOutcomeMessage) -> Stage:
        """Para 48: OAT finds it is about our service; the case owner's manager takes it
        as a service complaint (13), linked both ways."""
        assert self.opened is not None
        case = self.opened.case
        what = " ".join(x for x in (self.grounds.why_wrong if self.grounds else "", result.directions) if x)
        new_id = await self.start_reclassified(
            "ServiceComplaintWorkflow",
            ServiceComplaintOpened(
                case=CaseRef(
                    ref=case.ref, owner=case.owner, manager=case.manager, owner_role=case.owner_role
                ),
                about=f"our service on case {case.ref}",
                summary=what or "complaint about our service, found by OAT (48)",
                received_on=self.grounds.received_on if self.grounds else self.today(),
                reasonable_adjustments=self.reasonable_adjustments,
                complainant=self.complainant,
                reclassified_from=workflow.info().workflow_id,
            ),
            "service-complaint",
        )
        return await self.close(
            Outcome.RECLASSIFIED_SERVICE_COMPLAINT,
            reason=result.directions
            or "OAT found this is a complaint about our service, for the case owner's manager",
            paragraphs=["12", "48"],
            actor=result.actor,
            context={"new_case": new_id},
        )

    async def run_child(
        self,
        handle: workflow.ChildWorkflowHandle[Any, Any],
        result_attribute: str,
        message: str,
        forward: Any,
    ) -> None:
        """Wait for a child's result into `result_attribute`. The update `message`, validated
        by the case, is forwarded once to the child by the signal `forward` (design.md:
        a message for a running child sent to the case reaches the child)."""

        async def collect() -> None:
            setattr(self, result_attribute, await handle)

        self.child_tasks.append(asyncio.create_task(collect()))
        forwarded = False

        def finished() -> bool:
            return getattr(self, result_attribute) is not None

        while not finished():
            await self.wait_until(lambda: finished() or (message in self.inbox and not forwarded))
            if not finished() and message in self.inbox and not forwarded:
                await handle.signal(forward, self.inbox[message])
                forwarded = True
        self.inbox.pop(message, None)

    def cancel_children(self) -> None:
        for task in self.child_tasks:
            if not task.done():
                task.cancel()

    async def at_oat_consideration(self) -> Stage:
        """Paras 50-60: OAT decides; informs the case owner; records learning."""
        await self.enter(
            Stage.OAT_CONSIDERATION,
            action="oat_decision",
            role=Role.OAT_CASEWORKER,
            paragraphs=["50", "51", "52"],
        )
        msg = await self.take("oat_decision")
        assert isinstance(msg, OatDecision) and self.owner and self.manager
        self.decision = msg
        verdict = "upheld" if msg.upheld else "not upheld"
        self.record(
            msg.actor, f"OAT decision: {verdict}, route {msg.route.value}", ["51", "58"], msg.analysis
        )
        await self.inform_case_owner(msg)
        await self.record_learning(msg)
        if not msg.upheld:
            return await self.close(
                Outcome.NOT_UPHELD, reason=msg.analysis, paragraphs=["5", "58"], actor=msg.actor
            )
        self.reach("58", "analysis explains the remedy proposed: " + msg.analysis[:200])
        if msg.remedy and msg.remedy.pays:
            considerations = [msg.remedy.impact, msg.remedy.proportionate, msg.remedy.restores_position]
            if all(c.strip() for c in considerations):
                self.reach("59", "impact, proportionality and restoration considered")
            else:
                self.reach("59", "payment proposed without all three considerations", met=False)
        amount = msg.remedy.amount_gbp if msg.remedy else 0
        self.proposal = {
            "route": msg.route.value,
            "proposed_by": msg.actor.id,
            "amount_gbp": amount,
            "remedy": msg.remedy.model_dump(mode="json") if msg.remedy else None,
            "summary": msg.summary,
        }
        if msg.route is DecisionRoute.NEW_DETAILED_INVESTIGATION:
            return Stage.NEW_DETAILED_INVESTIGATION
        if msg.route is DecisionRoute.QUASH:
            return Stage.QUASH
        rule = self.rules.delegation.rule_for(msg.route.value, amount)
        if rule is not None:
            self.pending_rule = rule
            return Stage.AWAITING_APPROVAL
        return await self.carry_out(msg)

    async def inform_case_owner(self, msg: OatDecision) -> None:
        """Para 53 (and 54): the case owner, and their manager if supervised, are told."""
        assert self.owner is not None and self.manager is not None
        supervised = self.copy_oat or self.risk != Risk.LOW.value
        cc = [self.staff(self.manager, "manager")] if supervised else []
        await self.letter(
            "oat_decision_to_case_owner",
            self.staff(self.owner, "case_owner"),
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
        self.reach("53", "case owner informed" + (" with their manager copied" if supervised else ""))
        if msg.feedback_to_case_owner:
            self.record(
                msg.actor, "feedback to the case owner on their challenge", ["54"], msg.feedback_to_case_owner
            )

    async def record_learning(self, msg: OatDecision) -> None:
        """Paras 55-56, Annex A: learning recorded on the case and sent to the line manager."""
        assert self.manager is not None
        if not msg.learning_points:
            if msg.upheld:
                self.reach("55", "upheld with no learning point recorded", met=False)
            return
        kinds = ", ".join(sorted({p.kind.value for p in msg.learning_points}))
        self.reach("55", f"{len(msg.learning_points)} learning point(s): {kinds}")
        await self.share_learning(msg.actor, msg.learning_points, ["55", "56"])
        self.reach("56", f"recorded on the case and fed back to the line manager {self.manager}")

    async def at_awaiting_approval(self) -> Stage:
        """Paras 72-73: one approval from a role the Delegation Scheme allows."""
        assert self.pending_rule is not None and self.decision is not None
        rule = self.pending_rule
        await self.enter(
            Stage.AWAITING_APPROVAL,
            action="approve",
            role=rule.role,
            paragraphs=rule.paragraphs or ["72"],
            detail=rule.text(),
        )
        msg = await self.take_either("approve", "reject")
        assert self.proposal is not None
        approved = isinstance(msg, Approval)
        self.record_approval(msg, rule, self.proposal["route"], self.proposal["proposed_by"], approved)
        self.pending_rule = None
        if not approved:
            await self.letter(
                "proposal_rejected",
                self.staff(self.proposal["proposed_by"], "oat_caseworker"),
                paragraphs=["72"],
                context={"reason": msg.note, "proposal": self.proposal},
            )
            self.proposal = None
            self.ndi_result = None
            self.legal_referral_done = False
            return Stage.OAT_CONSIDERATION
        return await self.carry_out(self.decision, approver=msg.actor)

    async def carry_out(self, decision: OatDecision, approver: Actor | None = None) -> Stage:
        """Put the approved decision into effect and close (57-69)."""
        assert self.opened is not None and self.owner is not None
        route = decision.route
        remedy = decision.remedy.model_dump(mode="json") if decision.remedy else None
        if route is DecisionRoute.REMEDY or route is DecisionRoute.NONE:
            return await self.close(
                Outcome.UPHELD_REMEDY,
                reason=decision.analysis,
                paragraphs=["58", "59", "60"],
                actor=approver or decision.actor,
                context={"remedy": remedy},
            )
        if route is DecisionRoute.FRESH_PRIMARY_INVESTIGATION:
            new_ref = await self.open_new_case(
                "fresh_primary_investigation",
                decision.summary or decision.analysis,
                decision.note,
                priority=False,
            )
            self.add_task(
                "risk re-assessment", self.owner, "caseworker", ["78"], f"new primary investigation {new_ref}"
            )
            return await self.close(
                Outcome.UPHELD_NEW_PRIMARY_INVESTIGATION,
                reason=decision.analysis,
                paragraphs=["57"],
                actor=approver or decision.actor,
                context={"new_case": new_ref},
            )
        if route is DecisionRoute.NEW_DETAILED_INVESTIGATION:
            new_ref = await self.open_new_case(
                "new_detailed_investigation", decision.summary, decision.note, priority=True
            )
            self.add_task(
                "risk re-assessment",
                self.owner,
                "caseworker",
                ["65", "78"],
                f"new detailed investigation {new_ref}",
            )
            self.reach("64", f"new case {new_ref} sent to shared services as a priority")
            self.reach("65", "treated as a priority; risk re-assessment task opened")
            if approver is not None:
                self.reach("73", f"approved by {approver}")
                self.reach("63", f"agreed under the Delegation Scheme by {approver}")
            return await self.close(
                Outcome.UPHELD_NEW_DETAILED_INVESTIGATION,
                reason=decision.summary,
                paragraphs=["61", "64", "65", "73"],
                actor=approver or decision.actor,
                context={"new_case": new_ref, "summary": decision.summary},
            )
        # Quash (66-69): the report is treated as invalid, and all parties are told.
        if approver is not None:
            self.reach("69", f"final decision by {approver}")
        organisation = self.service_user().model_copy(
            update={"role": "organisation", "id": f"organisation:{self.case_ref}"}
        )
        return await self.close(
            Outcome.UPHELD_REPORT_QUASHED,
            reason=decision.analysis,
            paragraphs=["66", "67", "69"],
            actor=approver or decision.actor,
            also_to=[organisation],
            context={"quashed": True, "decided_on": self.opened.case.decided_on.isoformat()},
        )

    async def at_new_detailed_investigation(self) -> Stage:
        """Paras 61-65, 73: a child workflow writes to the parties and gathers comments."""
        assert self.decision is not None and self.decision.ndi_reason is not None
        assert self.opened is not None and self.owner and self.manager and self.risk
        child_id = f"{workflow.info().workflow_id}/new-detailed-investigation-{len(self.links.children) + 1}"
        window = self.rules.durations.ndi_comment_window
        self.ndi_window_ends = window.after(self.today())
        self.ndi_comments = 0
        await self.enter(
            Stage.NEW_DETAILED_INVESTIGATION,
            action="ndi_proceed",
            role=Role.OAT_CASEWORKER,
            due=self.rules.durations.step("ndi_proceed").after(self.ndi_window_ends),
            paragraphs=["61", "62", "63", "64"],
            detail=f"comments until {self.ndi_window_ends}; {child_id}",
        )
        self.ndi_result = None
        self.ndi_child = await workflow.start_child_workflow(
            NewDetailedInvestigationWorkflow.run,
            NdiProposal(
                parent_id=workflow.info().workflow_id,
                case_ref=self.case_ref,
                owner=self.owner,
                manager=self.manager,
                risk=self.risk,
                reason=self.decision.ndi_reason,
                summary=self.decision.summary,
                proposed_by=self.decision.actor.id,
                comment_window=window,
                complainant=self.opened.complainant,
                organisation=self.opened.organisation,
                reasonable_adjustments=self.reasonable_adjustments,
            ),
            id=child_id,
            memo={CLOCK_OFFSET_MEMO: self.offset.total_seconds()},
        )
        self.links.children.append(child_id)
        await self.run_child(
            self.ndi_child, "ndi_result", "ndi_proceed", NewDetailedInvestigationWorkflow.forwarded_proceed
        )
        result = self.ndi_result
        assert result is not None
        self.ndi_child = None
        self.record(
            result.decided_by,
            "new detailed investigation: " + ("proceed" if result.proceed else "not pursued"),
            ["64"],
            f"{len(result.comments)} comment(s) considered. {result.note}".strip(),
        )
        if not result.proceed:
            self.proposal = None
            return Stage.OAT_CONSIDERATION
        self.pending_rule = self.rules.delegation.rule_for("new_detailed_investigation")
        return Stage.AWAITING_APPROVAL

    async def at_quash(self) -> Stage:
        """Paras 66-69: raise it with the Legal Team with the case and reasons (68)."""
        assert self.decision is not None and self.decision.quash_grounds is not None
        await self.enter(
            Stage.QUASH,
            action="legal_referral_done",
            role=Role.LEGAL_TEAM,
            paragraphs=["66", "67", "68"],
        )
        grounds = self.decision.quash_grounds.model_dump()
        await self.letter(
            "quash_referral",
            self.mailbox("legal"),
            paragraphs=["67", "68"],
            context={"grounds": grounds, "analysis": self.decision.analysis},
        )
        self.reach("68", "raised with the Legal Team with the case details and para 67 reasons")
        msg = await self.take("legal_referral_done")
        self.legal_referral_done = True
        self.record(msg.actor, "Legal Team referral completed", ["68"], msg.note)
        self.pending_rule = self.rules.delegation.rule_for("quash")
        return Stage.AWAITING_APPROVAL

    # ================================================================ closing

    def before_close(self) -> None:
        """Para 71: a timely request whose review took over three months is flagged."""
        assert self.opened is not None
        self.jr_delay = jr_delay_not_challenged(
            grounds_in_time=self.grounds_in_time,
            received_on=self.grounds.received_on if self.grounds else None,
            decided_on=self.today(),
            jr_window=self.rules.durations.jr_window,
        )
        if self.jr_delay:
            self.record(
                SYSTEM, "jr_delay_not_challenged", ["71"], "requested in time; decided after three months"
            )

    def extra_search_attributes(self) -> list[Any]:
        out = []
        if self.grounds_deadline:
            out.append(sa.GROUNDS_DEADLINE.value_set(end_of_day(self.grounds_deadline)))
        if self.jr_window_ends:
            out.append(sa.JR_WINDOW_ENDS.value_set(end_of_day(self.jr_window_ends)))
        return out

    def extra_status(self) -> dict[str, Any]:
        return {
            "grounds_deadline": self.grounds_deadline,
            "jr_window_ends": self.jr_window_ends,
            "jr_delay_not_challenged": self.jr_delay,
            "oat_route": self.oat_route.value if self.oat_route else None,
            "oat_advice_reasons": self.oat_reasons,
            "grounds_received_on": self.grounds.received_on if self.grounds else None,
            "grounds_in_time": self.grounds_in_time,
            "proposal": self.proposal,
            "oat_outcomes": self.oat_outcomes,
        }

    # ================================================================ queries

    @workflow.query
    def status(self) -> Status:
        return CaseWorkflow.status(self)

    # ================================================================ signals

    @workflow.signal
    def grounds_submitted(self, msg: GroundsSubmitted) -> None:
        """Para 30: always recorded; kept until the case reaches awaiting_grounds."""
        if msg.received_on is None:
            msg.received_on = self.today()
        self.service_user_replied("grounds")
        if self.grounds is None:
            self.grounds = msg
            self.record(msg.actor or "service_user", "grounds_submitted", ["30", "38"], msg.why_wrong)
        else:
            self.grounds.evidence.extend(msg.evidence)
            self.record(
                msg.actor or "service_user",
                "further grounds or evidence received",
                ["30"],
                f"{msg.why_wrong} {msg.wanted}".strip(),
            )

    @workflow.signal
    def late_explanation(self, msg: LateExplanation) -> None:
        """Para 33: the service user's reason for lateness."""
        if msg.received_on is None:
            msg.received_on = self.today()
        self.service_user_replied("a late explanation")
        if self.late_explanation is None:
            self.late_explanation = msg
        self.record(msg.actor or "service_user", "late_explanation", ["33", "34"], msg.text)

    @workflow.signal
    def party_comment(self, msg: PartyComment) -> None:
        """Para 63: forwarded to the running new-detailed-investigation child."""
        self.record(msg.actor or "party", "party_comment", ["63"], msg.text)
        if self.ndi_child is not None:
            self.ndi_comments += 1
            self.party_comments.append(msg)
            self.child_tasks.append(
                asyncio.create_task(
                    self.ndi_child.signal(NewDetailedInvestigationWorkflow.party_comment, msg)
                )
            )

    # ================================================================ updates

    def require_case_owner(self, actor: Actor, name: str) -> None:
        """The case owner acts; with `within_oat` advice an OAT caseworker may too (27)."""
        if actor.id == self.owner:
            return
        if self.oat_route is OatAdviceRoute.WITHIN_OAT and actor.role is Role.OAT_CASEWORKER:
            return
        extra = (
            " or, as OAT advised within_oat, an OAT caseworker"
            if self.oat_route is OatAdviceRoute.WITHIN_OAT
            else ""
        )
        raise Refused(f"{actor} may not send {name}: only the case owner ({self.owner}){extra}")

    @workflow.update
    async def case_owner_resolution(self, msg: CaseOwnerResolution) -> Status:
        return await self.deliver("case_owner_resolution", msg)

    @case_owner_resolution.validator
    def _check_case_owner_resolution(self, msg: CaseOwnerResolution) -> None:
        self.require_stage("case_owner_resolution", Stage.CASE_OWNER_RESOLUTION)
        self.require_case_owner(msg.actor, "case_owner_resolution (paras 23-25)")

    @workflow.update
    async def oat_advice(self, msg: OatAdvice) -> Status:
        return await self.deliver("oat_advice", msg)

    @oat_advice.validator
    def _check_oat_advice(self, msg: OatAdvice) -> None:
        self.require_stage("oat_advice", Stage.OAT_ADVICE)
        require_role(msg.actor, {Role.OAT_CASEWORKER}, "an OAT caseworker gives advice (27)")
        if msg.route is OatAdviceRoute.NO_REVIEW_HIGH_RISK and self.risk != Risk.HIGH.value:
            raise Refused(
                f"no_review_high_risk is only for high-risk cases (29); this case is {self.risk} risk"
            )

    @workflow.update
    async def extend_grounds_deadline(self, msg: ExtendGroundsDeadline) -> Status:
        return await self.deliver("extend_grounds_deadline", msg)

    @extend_grounds_deadline.validator
    def _check_extension(self, msg: ExtendGroundsDeadline) -> None:
        self.require_stage("extend_grounds_deadline", Stage.AWAITING_GROUNDS)
        if (
            msg.actor.id != self.manager
            and msg.actor.role not in self.rules.delegation.extend_grounds_deadline_roles
        ):
            raise Refused(
                f"{msg.actor} may not extend the deadline: only the case's manager "
                f"({self.manager}) may agree an extension (32)"
            )
        assert self.grounds_deadline is not None
        if msg.new_deadline <= self.grounds_deadline:
            raise Refused(
                f"new_deadline {msg.new_deadline} must be later than the current deadline "
                f"{self.grounds_deadline} (32)"
            )

    @workflow.update
    async def legal_advice(self, msg: LegalAdvice) -> Status:
        return await self.deliver("legal_advice", msg)

    @legal_advice.validator
    def _check_legal_advice(self, msg: LegalAdvice) -> None:
        self.require_stage("legal_advice", Stage.LEGAL_ADVICE)
        require_role(msg.actor, {Role.LEGAL_TEAM}, "the Legal Team advises (70)")

    @workflow.update
    async def time_limit_decision(self, msg: TimeLimitDecision) -> Status:
        return await self.deliver("time_limit_decision", msg)

    @time_limit_decision.validator
    def _check_time_limit(self, msg: TimeLimitDecision) -> None:
        self.require_stage("time_limit_decision", Stage.TIME_LIMIT)
        self.require_case_owner(msg.actor, "time_limit_decision (paras 34-36)")

    @workflow.update
    async def challenge_assessment(self, msg: ChallengeAssessment) -> Status:
        return await self.deliver("challenge_assessment", msg)

    @challenge_assessment.validator
    def _check_challenge(self, msg: ChallengeAssessment) -> None:
        self.require_stage("challenge_assessment", Stage.CHALLENGE_ASSESSMENT)
        self.require_case_owner(msg.actor, "challenge_assessment (paras 38-40)")

    @workflow.update
    async def case_owner_review(self, msg: CaseOwnerReview) -> Status:
        return await self.deliver("case_owner_review", msg)

    @case_owner_review.validator
    def _check_case_owner_review(self, msg: CaseOwnerReview) -> None:
        self.require_stage("case_owner_review", Stage.CASE_OWNER_REVIEW)
        self.require_case_owner(msg.actor, "case_owner_review (paras 41-46)")

    @workflow.update
    async def oat_outcome(self, msg: OatOutcomeMessage) -> Status:
        return await self.deliver("oat_outcome", msg)

    @oat_outcome.validator
    def _check_oat_outcome(self, msg: OatOutcomeMessage) -> None:
        self.require_stage("oat_outcome", Stage.OAT_REVIEW)
        check_oat_outcome(msg)

    @workflow.update
    async def oat_decision(self, msg: OatDecision) -> Status:
        return await self.deliver("oat_decision", msg)

    @oat_decision.validator
    def _check_oat_decision(self, msg: OatDecision) -> None:
        self.require_stage("oat_decision", Stage.OAT_CONSIDERATION)
        require_role(msg.actor, {Role.OAT_CASEWORKER}, "the OAT caseworker decides (50-51)")
        check_oat_decision(msg)

    @workflow.update
    async def approve(self, msg: Approval) -> Status:
        return await self.deliver("approve", msg)

    @approve.validator
    def _check_approve(self, msg: Approval) -> None:
        self.check_approval("approve", msg.actor)

    @workflow.update
    async def reject(self, msg: Rejection) -> Status:
        return await self.deliver("reject", msg)

    @reject.validator
    def _check_reject(self, msg: Rejection) -> None:
        self.check_approval("reject", msg.actor)
        if not msg.note.strip():
            raise Refused("a rejection needs a note with the reason, for the proposal's author (72)")

    def check_approval(self, name: str, actor: Actor) -> None:
        self.require_open()
        if self.stage is Stage.QUASH:
            raise Refused(
                "the quash proposal must first be referred to the Legal Team "
                "(legal_referral_done, para 68) before the Ombudsman or a Deputy decides (69)"
            )
        if self.stage is Stage.NEW_DETAILED_INVESTIGATION:
            raise Refused(
                "the parties' comments must be considered and ndi_proceed sent (63-64) before "
                "the new detailed investigation can be approved (73)"
            )
        self.require_stage(name, Stage.AWAITING_APPROVAL)
        if "approve" in self.inbox or "reject" in self.inbox:
            raise Refused("an approval decision has already been received")
        assert self.pending_rule is not None and self.proposal is not None
        check_approver(self.pending_rule, actor, self.proposal["proposed_by"])

    @workflow.update
    async def ndi_proceed(self, msg: NdiProceed) -> Status:
        return await self.deliver("ndi_proceed", msg)

    @ndi_proceed.validator
    def _check_ndi_proceed(self, msg: NdiProceed) -> None:
        self.require_stage("ndi_proceed", Stage.NEW_DETAILED_INVESTIGATION)
        assert self.ndi_window_ends is not None
        check_ndi_proceed(msg, self.now(), self.ndi_window_ends, self.ndi_comments)

    @workflow.update
    async def legal_referral_done(self, msg: LegalReferralDone) -> Status:
        return await self.deliver("legal_referral_done", msg)

    @legal_referral_done.validator
    def _check_legal_referral(self, msg: LegalReferralDone) -> None:
        self.require_stage("legal_referral_done", Stage.QUASH)
        require_role(msg.actor, {Role.LEGAL_TEAM}, "the Legal Team confirms the referral (68)")


__all__ = ["DecisionComplaintWorkflow", "ApplicationError"]
