"""Approvals under the Delegation Scheme (72-73), written once for every kind of case:
the stage that waits for one approval from a sufficient role, and the approve / reject
updates. Four eyes: nobody approves their own proposal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain import permissions
    from domain.authority import ApprovalRule, NotNow, check_approver
    from domain.enums import Stage
    from domain.models import Actor, Approval, ApprovalRecord, Message, Proposal, Rejection
    from workflows.case.core import CaseCore


def propose(case: CaseCore[Any], proposal: Proposal, rule: ApprovalRule) -> Stage:
    """The proposal waits for the approval `rule` names."""
    case.state.proposal = proposal
    case.state.pending_rule = rule
    return Stage.AWAITING_APPROVAL


def check_approval(case: CaseCore[Any], actor: Actor) -> None:
    """Paras 72-73: one approval from the scheme's role or higher; never the proposer's."""
    case.require_open()
    if not_yet := case.kind.approval_not_yet(case):
        raise NotNow(not_yet)
    case.require_stage("approve")
    rule, proposal = case.state.pending_rule, case.state.proposal
    if rule is None or proposal is None:
        raise NotNow("nothing is waiting for approval on this case")
    permissions.check_not_about(actor, case.about_staff, "approve")
    check_approver(rule, actor, proposal.proposed_by)


def check_rejection(case: CaseCore[Any], msg: Rejection) -> None:
    check_approval(case, msg.actor)
    permissions.check_rejection_note(msg.note)


def record_approval(
    case: CaseCore[Any], msg: Message, rule: ApprovalRule, proposal: Proposal, approved: bool
) -> None:
    """Paras 72-73: every approval or rejection is audited with the rule that allowed it."""
    case.state.approvals.append(
        ApprovalRecord(
            proposal=proposal.route,
            proposed_by=proposal.proposed_by,
            decision="approved" if approved else "rejected",
            by=msg.actor.id,
            role=msg.actor.role.value,
            at=case.now(),
            rule=rule.text(),
            note=msg.note,
        )
    )
    case.record(
        msg.actor,
        ("approved: " if approved else "rejected: ") + proposal.route,
        rule.paragraphs or ["72"],
        f"{rule.text()}. {msg.note}".strip(),
    )


async def awaiting_approval(
    case: CaseCore[Any],
    *,
    approved: Callable[[Actor], Awaitable[Stage]],
    rejected_to: Stage,
) -> Stage:
    """Paras 72-73: wait for one approval from a role the Delegation Scheme allows. A
    rejection goes back to whoever proposed it, with the reason, to decide again."""
    rule, proposal = case.state.pending_rule, case.state.proposal
    if rule is None or proposal is None:
        return rejected_to
    if case.arriving(Stage.AWAITING_APPROVAL):
        await case.enter(
            Stage.AWAITING_APPROVAL,
            action="approve",
            role=rule.role,
            paragraphs=rule.paragraphs or ["72"],
            detail=rule.text(),
        )
    msg = await case.take("approve", "reject")
    is_approval = isinstance(msg, Approval)
    record_approval(case, msg, rule, proposal, is_approval)
    case.state.pending_rule = None
    if is_approval:
        return await approved(msg.actor)
    await case.letter(
        "proposal_rejected",
        case.staff(proposal.proposed_by, proposal.proposer_role.value),
        paragraphs=["72"],
        context={"reason": msg.note, "proposal": proposal.model_dump(mode="json")},
    )
    case.state.proposal = None
    return rejected_to


class ApprovalHandlers:
    """approve / reject, for every kind of case that can wait for an approval."""

    case: CaseCore[Any]

    @workflow.update
    async def approve(self, msg: Approval) -> Receipt:
        return await self.case.deliver("approve", msg)

    @approve.validator
    def _check_approve(self, msg: Approval) -> None:
        refuse_second_decision(self.case)
        self.case.validate("approve", msg)

    @workflow.update
    async def reject(self, msg: Rejection) -> Receipt:
        return await self.case.deliver("reject", msg)

    @reject.validator
    def _check_reject(self, msg: Rejection) -> None:
        refuse_second_decision(self.case)
        self.case.validate("reject", msg)


def refuse_second_decision(case: CaseCore[Any]) -> None:
    if case.mailbox.holds("approve") or case.mailbox.holds("reject"):
        raise NotNow("an approval decision has already been received")


def approval_checks(case: CaseCore[Any]) -> dict[str, Callable[[Any], None]]:
    return {
        "approve": lambda msg: check_approval(case, msg.actor),
        "reject": lambda msg: check_rejection(case, msg),
    }
