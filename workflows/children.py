"""Child workflows a decision complaint starts: the OAT review (46-49) and a new detailed
investigation proposal (61-65). A message for a running child sent to the case reaches
the child: the case validates it and forwards it by signal."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import Refused, require_role
    from domain.calendar import Period, end_of_day
    from domain.enums import CaseOwnerFinding, Kind, NdiReason, Outcome, Role, Stage
    from domain.models import (
        SYSTEM,
        Contact,
        NdiProceed,
        OatOutcomeMessage,
        PartyComment,
        Status,
    )
    from workflows.base import CaseWorkflow

OAT_ROLES = frozenset({Role.OAT_CASEWORKER})
NDI_DECIDERS = frozenset({Role.OAT_CASEWORKER, Role.CASEWORKER})


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
    reasonable_adjustments: list[str] = []


def check_oat_outcome(msg: OatOutcomeMessage) -> None:
    require_role(msg.actor, OAT_ROLES, "an OAT caseworker records the outcome of a referral (47-48)")


@workflow.defn
class OatReviewWorkflow(CaseWorkflow):
    """OAT assigns the referral to themselves and records one outcome of para 48."""

    kind = Kind.OAT_REVIEW

    @workflow.run
    async def run(self, referral: OatReferral) -> OatOutcomeMessage:
        await self.begin(
            case_ref=referral.case_ref,
            owner=referral.owner,
            manager=referral.manager,
            risk=referral.risk,
            reasonable_adjustments=referral.reasonable_adjustments,
        )
        self.links.parent = referral.parent_id
        why = (
            "passed directly to OAT on receipt (37)"
            if referral.direct
            else f"referred by the case owner with finding {referral.finding} (46)"
        )
        await self.enter(
            Stage.OAT_REVIEW,
            action="oat_outcome",
            role=Role.OAT_CASEWORKER,
            paragraphs=["46", "47"],
            detail=f"round {referral.round}: {why}. {referral.note}".strip(),
        )
        msg = await self.take("oat_outcome")
        assert isinstance(msg, OatOutcomeMessage)
        self.record(msg.actor, f"oat_outcome: {msg.outcome.value}", ["48"], msg.directions or msg.note)
        await self.complete()
        await self.finish()
        return msg

    async def complete(self) -> None:
        self.outcome = Outcome.CHILD_COMPLETED
        self.stage = Stage.CLOSED
        self.awaiting = None
        self.closed_at = self.now()
        self.publish()
        await self.sync()
        self.closed_and_recorded = True

    @workflow.signal
    def forwarded_outcome(self, msg: OatOutcomeMessage) -> None:
        """The case validated and forwarded `oat_outcome` to this review. It may arrive
        before this review has reached its stage (the case forwards as soon as OAT sends
        it), so it is kept until taken: a submission is never dropped."""
        if self.stage is not Stage.CLOSED and "oat_outcome" not in self.inbox:
            self.inbox["oat_outcome"] = msg

    @workflow.update
    async def oat_outcome(self, msg: OatOutcomeMessage) -> Status:
        return await self.deliver("oat_outcome", msg)

    @oat_outcome.validator
    def _check_oat_outcome(self, msg: OatOutcomeMessage) -> None:
        self.require_stage("oat_outcome", Stage.OAT_REVIEW)
        check_oat_outcome(msg)

    @workflow.query
    def status(self) -> Status:
        return CaseWorkflow.status(self)


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
    reasonable_adjustments: list[str] = []


class NdiResult(BaseModel):
    proceed: bool
    decided_by: str
    note: str = ""
    comments: list[PartyComment] = []
    window_ends: date


def check_ndi_proceed(msg: NdiProceed, now: datetime, window_ends: date, comments: int) -> None:
    """Para 64: OAT or the new case owner decide, having considered the parties' comments:
    so not before the comment window closes, unless both parties have already commented."""
    require_role(msg.actor, NDI_DECIDERS, "OAT or the new case owner decide whether to proceed (64)")
    if now < end_of_day(window_ends) and comments < 2:
        raise Refused(
            f"the parties may comment until {window_ends.isoformat()} (63); decide whether to "
            "proceed once the comment window has closed (64)"
        )


@workflow.defn
class NewDetailedInvestigationWorkflow(CaseWorkflow):
    """Letters to both parties with a summary (63), a comment window, then OAT or the new
    case owner decide whether to proceed (64). Approval and opening are the case's."""

    kind = Kind.NEW_DETAILED_INVESTIGATION

    def __init__(self) -> None:
        super().__init__()
        self.comments: list[PartyComment] = []
        self.window_ends: date | None = None

    @workflow.run
    async def run(self, proposal: NdiProposal) -> NdiResult:
        await self.begin(
            case_ref=proposal.case_ref,
            owner=proposal.owner,
            manager=proposal.manager,
            risk=proposal.risk,
            reasonable_adjustments=proposal.reasonable_adjustments,
            complainant=proposal.complainant,
        )
        self.links.parent = proposal.parent_id
        window_ends = self.window_ends = proposal.comment_window.after(self.today())
        await self.enter(
            Stage.NEW_DETAILED_INVESTIGATION,
            action="party_comment",
            role="service_user,organisation",
            due=window_ends,
            chase=False,
            paragraphs=["61", "62", "63"],
            detail=f"reason {proposal.reason.value} (62); comments until {window_ends}",
        )
        context = {
            "summary": proposal.summary,
            "reason": proposal.reason.value,
            "window_ends": window_ends.isoformat(),
        }
        organisation = self.service_user().model_copy(
            update={
                "role": "organisation",
                "id": f"organisation:{self.case_ref}",
                "name": proposal.organisation.name,
                "email": proposal.organisation.email,
                "address": proposal.organisation.address,
            }
        )
        for to in (self.service_user(), organisation):
            await self.letter("ndi_proposal", to, paragraphs=["63"], context=context)
        self.reach("63", "service user and organisation told of the proposal with a summary")
        await self.wait_until(
            lambda: len(self.comments) >= 2 or "ndi_proceed" in self.inbox,
            lambda: [("window_closed", end_of_day(window_ends))],
        )
        self.record(SYSTEM, "comment window closed", ["63"], f"{len(self.comments)} comment(s)")
        self.set_awaiting("ndi_proceed", Role.OAT_CASEWORKER)
        self.publish()
        await self.sync()
        msg = await self.take("ndi_proceed")
        assert isinstance(msg, NdiProceed)
        self.record(
            msg.actor,
            f"ndi_proceed: {'proceed' if msg.proceed else 'do not proceed'}",
            ["64"],
            msg.note,
        )
        self.outcome = Outcome.CHILD_COMPLETED
        self.stage = Stage.CLOSED
        self.awaiting = None
        self.closed_at = self.now()
        self.publish()
        await self.sync()
        self.closed_and_recorded = True
        await self.finish()
        return NdiResult(
            proceed=msg.proceed,
            decided_by=msg.actor.id,
            note=msg.note,
            comments=self.comments,
            window_ends=window_ends,
        )

    @workflow.signal
    def party_comment(self, msg: PartyComment) -> None:
        """A party's comment (63): always recorded, never lost."""
        if msg.received_on is None:
            msg.received_on = self.today()
        self.comments.append(msg)
        self.record(msg.actor or "party", "party_comment", ["63"], msg.text)

    @workflow.signal
    def forwarded_proceed(self, msg: NdiProceed) -> None:
        """Kept until taken, even if it arrives before this child reaches its stage."""
        if self.stage is not Stage.CLOSED and "ndi_proceed" not in self.inbox:
            self.inbox["ndi_proceed"] = msg

    @workflow.update
    async def ndi_proceed(self, msg: NdiProceed) -> Status:
        return await self.deliver("ndi_proceed", msg)

    @ndi_proceed.validator
    def _check_ndi_proceed(self, msg: NdiProceed) -> None:
        self.require_stage("ndi_proceed", Stage.NEW_DETAILED_INVESTIGATION)
        assert self.window_ends is not None
        check_ndi_proceed(msg, self.now(), self.window_ends, len(self.comments))

    @workflow.query
    def status(self) -> Status:
        return CaseWorkflow.status(self)
