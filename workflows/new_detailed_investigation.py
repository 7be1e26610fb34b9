"""A proposed new detailed investigation (paras 61-65), a child of the decision complaint:
letters to both parties with a summary (63), a comment window, then OAT or the new case
owner decide whether to proceed (64). Approval and opening the new case are the case's."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain.calendar import Period, end_of_day
    from domain.enums import Kind, NdiReason, Role, Stage
    from domain.models import SYSTEM, Adjustments, Contact, NdiProceed, PartyComment, Status
    from domain.review_rules import check_ndi_proceed
    from domain.state import CaseState
    from workflows.case.core import CaseCore
    from workflows.oat_review import complete_child


class NdiProposal(BaseModel):
    parent_id: str
    case_ref: str
    owner: str
    manager: str
    risk: str
    reason: NdiReason
    summary: str
    proposed_by: str
    comment_window: Period
    complainant: Contact = Contact()
    organisation: Contact = Contact()
    reasonable_adjustments: Adjustments = []
    # A fresh child for one that ended without a result carries what the old one had.
    window_ends: date | None = None
    comments: list[PartyComment] = []
    parties_told: bool = False
    # Para 64: who will handle the new investigation, if OAT named someone.
    ndi_case_owner: str | None = None
    # The parent's guidance version: a child never decides its own rules (None: started
    # by a parent before versions were data; the child's own markers decide).
    guidance: int | None = None


class NdiResult(BaseModel):
    proceed: bool
    decided_by: str
    note: str = ""
    comments: list[PartyComment] = []
    window_ends: date


@workflow.defn
class NewDetailedInvestigationWorkflow:
    @workflow.init
    def __init__(self, proposal: NdiProposal) -> None:
        self.case = CaseCore(
            CaseState(
                kind=Kind.NEW_DETAILED_INVESTIGATION,
                case_ref=proposal.case_ref,
                owner=proposal.owner,
                manager=proposal.manager,
                risk=proposal.risk,
                complainant=proposal.complainant,
                reasonable_adjustments=proposal.reasonable_adjustments,
            )
        )
        self.case.checks["ndi_proceed"] = self.check_proceed
        self.comments: list[PartyComment] = list(proposal.comments)
        self.window_ends: date | None = proposal.window_ends
        self.proposal = proposal

    @workflow.run
    async def run(self, proposal: NdiProposal) -> NdiResult:
        case = self.case
        await case.begin(inherited=proposal.guidance)
        case.state.links.parent = proposal.parent_id
        window_ends = self.window_ends = self.window_ends or case.after(proposal.comment_window, case.today())
        await case.enter(
            Stage.NEW_DETAILED_INVESTIGATION,
            action="party_comment",
            role="service_user,organisation",
            due=window_ends,
            chase=False,
            paragraphs=["61", "62", "63"],
            detail=f"reason {proposal.reason.value} (62); comments until {window_ends}",
        )
        if not proposal.parties_told:
            await self.tell_the_parties(proposal, window_ends)
        await case.wait_until(
            lambda: (
                case.guidance.ndi_window_closed(case.now(), window_ends, self.comments)
                or case.mailbox.holds("ndi_proceed")
            ),
            lambda: [("window_closed", end_of_day(window_ends))],
        )
        case.record(SYSTEM, "comment window closed", ["63"], f"{len(self.comments)} comment(s)")
        case.set_awaiting(
            "ndi_proceed", Role.OAT_CASEWORKER, case.guidance.ndi_named_decider(proposal.ndi_case_owner)
        )
        case.publish()
        await case.sync()
        msg: NdiProceed = await case.take("ndi_proceed")
        case.record(
            msg.actor, f"ndi_proceed: {'proceed' if msg.proceed else 'do not proceed'}", ["64"], msg.note
        )
        await complete_child(case)
        return NdiResult(
            proceed=msg.proceed,
            decided_by=msg.actor.id,
            note=msg.note,
            comments=self.comments,
            window_ends=window_ends,
        )

    async def tell_the_parties(self, proposal: NdiProposal, window_ends: date) -> None:
        """Para 63: both parties are told of the proposal with a summary."""
        case = self.case
        context = {
            "summary": proposal.summary,
            "reason": proposal.reason.value,
            "window_ends": window_ends.isoformat(),
        }
        for to in (case.service_user(), case.organisation(proposal.organisation)):
            await case.letter("ndi_proposal", to, paragraphs=["63"], context=context)
        case.reach("63", "service user and organisation told of the proposal with a summary")

    def check_proceed(self, msg: NdiProceed) -> None:
        self.case.require_stage("ndi_proceed")
        if self.window_ends is None:
            raise ValueError("the comment window has not opened yet")
        check_ndi_proceed(
            msg,
            self.case.now(),
            self.window_ends,
            self.comments,
            ndi_case_owner=self.proposal.ndi_case_owner,
            owner=self.proposal.owner,
            manager=self.proposal.manager,
        )

    @workflow.signal
    def party_comment(self, msg: PartyComment) -> None:
        """A party's comment (63): always recorded, never lost."""
        case = self.case
        if msg.received_on is None:
            msg.received_on = case.today()
        self.comments.append(msg)
        case.record(msg.actor or "party", "party_comment", ["63"], msg.text)

    @workflow.signal
    def forwarded_proceed(self, msg: NdiProceed) -> None:
        """Kept until taken, even if it arrives before this child reaches its stage."""
        case = self.case
        if case.state.stage is not Stage.CLOSED and not case.mailbox.holds("ndi_proceed"):
            case.mailbox.accept("ndi_proceed", msg, Stage.NEW_DETAILED_INVESTIGATION, len(case.state.history))
            case.wake += 1

    @workflow.update
    async def ndi_proceed(self, msg: NdiProceed) -> Receipt:
        return await self.case.deliver("ndi_proceed", msg)

    @ndi_proceed.validator
    def _check_ndi_proceed(self, msg: NdiProceed) -> None:
        self.case.validate("ndi_proceed", msg)

    @workflow.query
    def status(self) -> Status:
        return self.case.status()
