"""DecisionComplaintWorkflow (paras 20-74): `run` is the table of contents; each stage
lives with the checks of its messages in the module of its paragraph group."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain.enums import Kind, Role, Stage
    from domain.grounds import grounds_deadline, jr_window_ends
    from domain.models import (
        CaseOwnerResolution,
        CaseOwnerReview,
        ChallengeAssessment,
        ComplaintOpened,
        ExceptionalReview,
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
        Reassign,
        RecordJrThreat,
        Status,
        TimeLimitDecision,
    )
    from domain.review_rules import comment_party
    from domain.state import DecisionRun, DecisionState, open_input_of
    from workflows.case import acknowledge, submissions
    from workflows.case.approvals import approval_checks, awaiting_approval
    from workflows.case.children import forward
    from workflows.case.core import CaseCore
    from workflows.case.handlers import ComplaintHandlers
    from workflows.case.runs import carried, refuse_forged
    from workflows.decision import further_work, grounds, intake, outcome, review
    from workflows.decision import reassign as reassign_rules
    from workflows.decision.kind import DecisionKind
    from workflows.new_detailed_investigation import NewDetailedInvestigationWorkflow


@workflow.defn
class DecisionComplaintWorkflow(ComplaintHandlers):
    @workflow.init
    def __init__(self, opened: DecisionRun) -> None:
        case = opened.case
        state = carried(opened) or DecisionState(
            kind=Kind.DECISION_COMPLAINT,
            case_ref=case.ref,
            owner=case.owner,
            manager=case.manager,
            owner_role=case.owner_role,
            risk=case.risk.value,
            complainant=opened.complainant,
            reasonable_adjustments=opened.reasonable_adjustments,
            opened=open_input_of(opened, ComplaintOpened),
        )
        self.case = CaseCore(state, DecisionKind())
        self.state = state
        c = self.case
        c.checks.update(
            {
                "case_owner_resolution": lambda m: intake.check_case_owner_resolution(c, m),
                "oat_advice": lambda m: intake.check_oat_advice(c, m),
                "extend_grounds_deadline": lambda m: grounds.check_extension(c, m),
                "legal_advice": lambda m: grounds.check_legal_advice(c, m),
                "time_limit_decision": lambda m: grounds.check_time_limit(c, m),
                "challenge_assessment": lambda m: review.check_challenge(c, m),
                "case_owner_review": lambda m: review.check_case_owner_review(c, m),
                "oat_outcome": lambda m: review.check_outcome(c, m),
                "oat_decision": lambda m: outcome.check_decision(c, m),
                "ndi_proceed": lambda m: further_work.check_proceed(c, m),
                "legal_referral_done": lambda m: further_work.check_legal_referral(c, m),
                "exceptional_review": lambda m: intake.check_exceptional_review(c, m),
                "reassign": lambda m: reassign_rules.check(c, m),
                "record_jr_threat": lambda m: grounds.check_jr_threat(c, m),
                **approval_checks(c),
            }
        )

    @workflow.run
    async def run(self, opened: DecisionRun) -> Status:
        c, state = self.case, self.state
        refuse_forged(opened)
        if carried(opened) is None:
            await c.begin()
            if state.complainant.name or state.complainant.email or state.complainant.address:
                acknowledge.received(c, "your complaint")  # the first submission (design.md)
            durations = c.rules.durations
            if c.guidance.grounds_deadline_fixed_at_opening:  # else the request sets it (32, 34)
                state.grounds_deadline = grounds_deadline(opened.case.decided_on, durations.grounds_deadline)
            state.jr_window_ends = jr_window_ends(opened.case.decided_on, durations.jr_window)
            state.links.reclassified_from = opened.reclassified_from
        return await c.run_stages(
            {
                Stage.INTAKE: lambda: intake.at_intake(c),
                Stage.CASE_OWNER_RESOLUTION: lambda: intake.at_case_owner_resolution(c),
                Stage.OAT_ADVICE: lambda: intake.at_oat_advice(c),
                Stage.AWAITING_GROUNDS: lambda: grounds.at_awaiting_grounds(c),
                Stage.LEGAL_ADVICE: lambda: grounds.at_legal_advice(c),
                Stage.TIME_LIMIT: lambda: grounds.at_time_limit(c),
                Stage.CHALLENGE_ASSESSMENT: lambda: review.at_challenge_assessment(c),
                Stage.CASE_OWNER_REVIEW: lambda: review.at_case_owner_review(c),
                Stage.OAT_REVIEW: lambda: review.at_oat_review(c),
                Stage.OAT_CONSIDERATION: lambda: outcome.at_oat_consideration(c),
                Stage.AWAITING_APPROVAL: lambda: awaiting_approval(
                    c, approved=lambda by: outcome.carry_out(c, by), rejected_to=Stage.OAT_CONSIDERATION
                ),
                Stage.NEW_DETAILED_INVESTIGATION: lambda: further_work.at_new_detailed_investigation(c),
                Stage.QUASH: lambda: further_work.at_quash(c),
                Stage.SECOND_REVIEW_CHECK: lambda: intake.at_second_review_check(c),
            }
        )

    # ------------------------------------------------------------- status

    @workflow.query
    def status(self) -> Status:
        return self.case.status()

    # ------------------------------------------------------------ signals

    @workflow.signal
    def grounds_submitted(self, msg: GroundsSubmitted) -> None:
        if not submissions.refused(self.case, "grounds_submitted", msg):
            grounds.receive_grounds(self.case, msg)

    @workflow.signal
    def late_explanation(self, msg: LateExplanation) -> None:
        if not submissions.refused(self.case, "late_explanation", msg):
            grounds.receive_late_explanation(self.case, msg)

    @workflow.signal
    def party_comment(self, msg: PartyComment) -> None:
        """Para 63: recorded, and forwarded to the running new-detailed-investigation child."""
        c = self.case
        if submissions.refused(c, "party_comment", msg):
            return
        c.record(msg.actor or "party", "party_comment", ["63"], msg.text)
        whose = "organisation" if comment_party(msg) is Role.ORGANISATION else "service_user"
        c.record_documents(msg.actor or "party", whose, msg.evidence)
        acknowledge.received(c, "your comments on our plan", msg.evidence, whose)
        child = c.current_child
        if child is not None and self.state.stage is Stage.NEW_DETAILED_INVESTIGATION:
            self.state.party_comments.append(msg)
            c.child_tasks.append(
                asyncio.create_task(forward(child, NewDetailedInvestigationWorkflow.party_comment, msg))
            )

    # ------------------------------------------------------------ updates

    @workflow.update
    async def case_owner_resolution(self, msg: CaseOwnerResolution) -> Receipt:
        return await self.case.deliver("case_owner_resolution", msg)

    @case_owner_resolution.validator
    def _v_case_owner_resolution(self, msg: CaseOwnerResolution) -> None:
        self.case.validate("case_owner_resolution", msg)

    @workflow.update
    async def oat_advice(self, msg: OatAdvice) -> Receipt:
        if self.state.stage is Stage.AWAITING_GROUNDS:  # after the policy went on (27)
            at = len(self.state.history)
            intake.take_late_oat_advice(self.case, msg)
            return await self.case.settle("oat_advice", at)
        return await self.case.deliver("oat_advice", msg)

    @oat_advice.validator
    def _v_oat_advice(self, msg: OatAdvice) -> None:
        self.case.validate("oat_advice", msg)

    @workflow.update
    async def extend_grounds_deadline(self, msg: ExtendGroundsDeadline) -> Receipt:
        if self.state.stage is not Stage.AWAITING_GROUNDS:
            # Before the request goes out no stage is waiting on the deadline: apply now.
            at = len(self.state.history)
            grounds.extend_before_request(self.case, msg)
            return await self.case.settle("extend_grounds_deadline", at)
        return await self.case.deliver("extend_grounds_deadline", msg)

    @extend_grounds_deadline.validator
    def _v_extend_grounds_deadline(self, msg: ExtendGroundsDeadline) -> None:
        self.case.validate("extend_grounds_deadline", msg)

    @workflow.update
    async def legal_advice(self, msg: LegalAdvice) -> Receipt:
        return await self.case.deliver("legal_advice", msg)

    @legal_advice.validator
    def _v_legal_advice(self, msg: LegalAdvice) -> None:
        self.case.validate("legal_advice", msg)

    @workflow.update
    async def time_limit_decision(self, msg: TimeLimitDecision) -> Receipt:
        return await self.case.deliver("time_limit_decision", msg)

    @time_limit_decision.validator
    def _v_time_limit_decision(self, msg: TimeLimitDecision) -> None:
        self.case.validate("time_limit_decision", msg)

    @workflow.update
    async def challenge_assessment(self, msg: ChallengeAssessment) -> Receipt:
        return await self.case.deliver("challenge_assessment", msg)

    @challenge_assessment.validator
    def _v_challenge_assessment(self, msg: ChallengeAssessment) -> None:
        self.case.validate("challenge_assessment", msg)

    @workflow.update
    async def case_owner_review(self, msg: CaseOwnerReview) -> Receipt:
        return await self.case.deliver("case_owner_review", msg)

    @case_owner_review.validator
    def _v_case_owner_review(self, msg: CaseOwnerReview) -> None:
        self.case.validate("case_owner_review", msg)

    @workflow.update
    async def oat_outcome(self, msg: OatOutcomeMessage) -> Receipt:
        return await self.case.deliver("oat_outcome", msg)

    @oat_outcome.validator
    def _v_oat_outcome(self, msg: OatOutcomeMessage) -> None:
        self.case.validate("oat_outcome", msg)

    @workflow.update
    async def oat_decision(self, msg: OatDecision) -> Receipt:
        return await self.case.deliver("oat_decision", msg)

    @oat_decision.validator
    def _v_oat_decision(self, msg: OatDecision) -> None:
        self.case.validate("oat_decision", msg)

    @workflow.update
    async def ndi_proceed(self, msg: NdiProceed) -> Receipt:
        return await self.case.deliver("ndi_proceed", msg)

    @ndi_proceed.validator
    def _v_ndi_proceed(self, msg: NdiProceed) -> None:
        self.case.validate("ndi_proceed", msg)

    @workflow.update
    async def reassign(self, msg: Reassign) -> Receipt:
        """Applied at once, at any stage: the new holder takes the open step (design.md)."""
        at = len(self.state.history)
        await reassign_rules.reassign(self.case, msg)
        return await self.case.settle("reassign", at)

    @reassign.validator
    def _v_reassign(self, msg: Reassign) -> None:
        self.case.validate("reassign", msg)

    @workflow.update
    async def exceptional_review(self, msg: ExceptionalReview) -> Receipt:
        return await self.case.deliver("exceptional_review", msg)

    @exceptional_review.validator
    def _v_exceptional_review(self, msg: ExceptionalReview) -> None:
        self.case.validate("exceptional_review", msg)

    @workflow.update
    async def record_jr_threat(self, msg: RecordJrThreat) -> Receipt:
        """Applied at once: Legal is asked before anything else considers the grounds (70)."""
        at = len(self.state.history)
        grounds.record_jr_threat(self.case, msg)
        return await self.case.settle("record_jr_threat", at)

    @record_jr_threat.validator
    def _v_record_jr_threat(self, msg: RecordJrThreat) -> None:
        self.case.validate("record_jr_threat", msg)

    @workflow.update
    async def legal_referral_done(self, msg: LegalReferralDone) -> Receipt:
        return await self.case.deliver("legal_referral_done", msg)

    @legal_referral_done.validator
    def _v_legal_referral_done(self, msg: LegalReferralDone) -> None:
        self.case.validate("legal_referral_done", msg)
