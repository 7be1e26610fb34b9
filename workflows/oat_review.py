"""OAT's review of a referral (paras 46-49), a child of the decision complaint: OAT takes
the referral and records one outcome of para 48, which the case acts on."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain.enums import CaseOwnerFinding, Kind, Outcome, Role, Stage
    from domain.models import Adjustments, OatOutcomeMessage, Status
    from domain.review_rules import check_oat_outcome
    from domain.state import CaseState
    from workflows.case.core import CaseCore


class OatReferral(BaseModel):
    parent_id: str
    case_ref: str
    owner: str
    manager: str
    risk: str
    round: int
    finding: CaseOwnerFinding | None = None
    note: str = ""
    direct: bool = False  # para 37: passed straight to OAT
    reasonable_adjustments: Adjustments = []
    guidance: int | None = None  # the parent's version (None: a parent before versions)


async def complete_child(case: CaseCore[CaseState]) -> None:
    """A child's work is done: closed on its own record (no letter; the case acts on it)."""
    case.state.outcome = Outcome.CHILD_COMPLETED
    case.state.stage = Stage.CLOSED
    case.state.awaiting = None
    case.state.closed_at = case.now()
    case.publish()
    await case.sync()
    case.closed_and_recorded = True
    await case.finish()


@workflow.defn
class OatReviewWorkflow:
    @workflow.init
    def __init__(self, referral: OatReferral) -> None:
        self.case = CaseCore(
            CaseState(
                kind=Kind.OAT_REVIEW,
                case_ref=referral.case_ref,
                owner=referral.owner,
                manager=referral.manager,
                risk=referral.risk,
                reasonable_adjustments=referral.reasonable_adjustments,
            )
        )
        # Re-checked when used: the stage. What the outcome says is checked once, by the
        # validator of whoever received it (this review, or the case that forwarded it).
        self.case.checks["oat_outcome"] = lambda msg: self.case.require_stage("oat_outcome")

    @workflow.run
    async def run(self, referral: OatReferral) -> OatOutcomeMessage:
        case = self.case
        await case.begin(inherited=referral.guidance)
        case.state.links.parent = referral.parent_id
        why = (
            "passed directly to OAT on receipt (37)"
            if referral.direct
            else f"referred by the case owner with finding {referral.finding} (46)"
        )
        await case.enter(
            Stage.OAT_REVIEW,
            action="oat_outcome",
            role=Role.OAT_CASEWORKER,
            paragraphs=["46", "47"],
            detail=f"round {referral.round}: {why}. {referral.note}".strip(),
        )
        msg: OatOutcomeMessage = await case.take("oat_outcome")
        case.record(msg.actor, f"oat_outcome: {msg.outcome.value}", ["48"], msg.directions or msg.note)
        await complete_child(case)
        return msg

    @workflow.signal
    def forwarded_outcome(self, msg: OatOutcomeMessage) -> None:
        """The case validated and forwarded `oat_outcome`. It may arrive before this review
        has reached its stage, so it is kept until taken: a submission is never dropped."""
        case = self.case
        if case.state.stage is not Stage.CLOSED and not case.mailbox.holds("oat_outcome"):
            case.mailbox.accept("oat_outcome", msg, Stage.OAT_REVIEW, len(case.state.history))
            case.wake += 1

    @workflow.update
    async def oat_outcome(self, msg: OatOutcomeMessage) -> Receipt:
        return await self.case.deliver("oat_outcome", msg)

    @oat_outcome.validator
    def _check_oat_outcome(self, msg: OatOutcomeMessage) -> None:
        self.case.validate("oat_outcome", msg)
        check_oat_outcome(msg, takes_learning=self.case.guidance.learning_at_every_oat_end)

    @workflow.query
    def status(self) -> Status:
        return self.case.status()
