"""Handlers that more than one kind of case takes, as mixins a workflow opts into. A child
workflow takes none of them: every public method of a workflow class is a message anyone
can send (style.md, pitfalls), so each class carries only its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from contract.messages import MESSAGES, REOPENING
    from contract.receipts import Offers, Receipt, WouldTake, WouldTakeAnswer
    from domain import permissions
    from domain.authority import NotAllowed, NotNow, Refused
    from domain.enums import Role, Stage
    from domain.models import (
        SYSTEM,
        DeclineUnacceptableBehaviour,
        EvidenceSubmitted,
        PauseClock,
        ResumeClock,
        Withdraw,
    )
    from workflows.case import acknowledge, chasing, submissions
    from workflows.case.approvals import ApprovalHandlers
    from workflows.case.core import CaseCore
    from workflows.case.delivery import DeliveryHandlers
    from workflows.case.requests import RequestHandlers
    from workflows.case.tasks import TaskHandlers


class ClockHandlers:
    """pause_clock / resume_clock: a step owed by staff that waits on the service user."""

    case: CaseCore[Any]

    @workflow.update
    async def pause_clock(self, msg: PauseClock) -> Receipt:
        at = len(self.case.state.history)
        chasing.pause_now(self.case, msg.actor, msg.reason, msg.resume_by)
        return await self.case.settle("pause_clock", at)

    @pause_clock.validator
    def _check_pause_clock(self, msg: PauseClock) -> None:
        chasing.check_pause(self.case, msg.actor, pausing=True, resume_by=msg.resume_by)

    @workflow.update
    async def resume_clock(self, msg: ResumeClock) -> Receipt:
        at = len(self.case.state.history)
        chasing.resume_now(self.case, msg.actor, msg.note or "resumed")
        return await self.case.settle("resume_clock", at)

    @resume_clock.validator
    def _check_resume_clock(self, msg: ResumeClock) -> None:
        chasing.check_pause(self.case, msg.actor, pausing=False)


def check_decline(case: CaseCore[Any], msg: DeclineUnacceptableBehaviour) -> None:
    """Para 22: the case's manager, or anyone ranked above an operations manager."""
    case.require_open()
    permissions.check_decline(msg.actor, case.state.manager, case.state.declined is not None)


class DeclineHandler:
    """decline_unacceptable_behaviour (22), for complaints of either kind."""

    case: CaseCore[Any]

    @workflow.update
    async def decline_unacceptable_behaviour(self, msg: DeclineUnacceptableBehaviour) -> Receipt:
        """Answers once the case is closed, so the caller sees the outcome (22)."""
        at = len(self.case.state.history)
        self.case.state.declined = msg
        self.case.wake += 1
        await workflow.wait_condition(lambda: self.case.closed_and_recorded)
        return self.case.receipt("decline_unacceptable_behaviour", at)

    @decline_unacceptable_behaviour.validator
    def _check_decline_unacceptable_behaviour(self, msg: DeclineUnacceptableBehaviour) -> None:
        check_decline(self.case, msg)


class WithdrawHandler:
    """withdraw (24): the complainant is satisfied; the case closes `withdrawn` from
    whatever stage it is at, with a letter saying so (guidance v7)."""

    case: CaseCore[Any]

    @workflow.signal
    def withdraw(self, msg: Withdraw) -> None:
        case = self.case
        if submissions.refused(case, "withdraw", msg):
            return
        if case.state.withdrawn is None and case.state.stage is not Stage.CLOSED:
            case.record(
                msg.actor or "back office", "the complainant is satisfied and withdraws", ["24"], msg.note
            )
            case.state.withdrawn = msg
        case.wake += 1


class UnknownSignals:
    """Nothing sent to a case is silently dropped (design.md, "Messages"): a signal this
    kind does not take is recorded in the audit trail and the case owner is told."""

    case: CaseCore[Any]

    @workflow.signal(dynamic=True)
    def unknown_signal(self, name: str, args: Sequence[RawValue]) -> None:
        case = self.case
        case.record(
            SYSTEM,
            f"signal not taken by a {case.state.kind.value}: {name}",
            [],
            f"kept on the record for the case owner {case.state.owner}; {len(args)} argument(s)",
        )
        case.add_task(f"look at an unexpected message: {name}", case.state.owner, "caseworker", [], "")
        case.wake += 1


class EvidenceHandler:
    """evidence_submitted: documents sent on their own are recorded, one by one, and
    acknowledged the same day (issue 13)."""

    case: CaseCore[Any]

    @workflow.signal
    def evidence_submitted(self, msg: EvidenceSubmitted) -> None:
        case = self.case
        if submissions.refused(case, "evidence_submitted", msg):
            return
        party = msg.party or (msg.actor.role if msg.actor else None)
        whose = "organisation" if party is Role.ORGANISATION else "service_user"
        case.record_documents(msg.actor or "back office", whose, msg.documents)
        if msg.note:  # what a party writes with its documents is kept too, never dropped
            case.record(msg.actor or "back office", "note sent with the documents", ["30"], msg.note)
        acknowledge.received(case, "documents you sent", msg.documents, whose)
        case.wake += 1


class WouldTakeQuery:
    """`would_take`: run an update's validator without sending it (contract.receipts)."""

    case: CaseCore[Any]

    @workflow.query
    def would_take(self, ask: WouldTake) -> WouldTakeAnswer:
        return self._would_take(ask.message, ask.data)

    @workflow.query
    def offers(self, ask: Offers) -> list[str]:
        kind = self.case.state.kind
        return [
            spec.name
            for spec in MESSAGES.values()
            if spec.kind == "update"
            and kind in spec.case_kinds
            and self._would_take(spec.name, {**spec.example, "actor": ask.actor}).kind
            not in ("not_allowed", "not_now", "not_taken")
        ]

    def _would_take(self, name: str, data: dict[str, Any]) -> WouldTakeAnswer:
        spec = MESSAGES.get(name)
        if spec is not None and spec.kind == "signal" and self.case.state.kind in spec.case_kinds:
            return self._would_take_signal(name, data)
        # The update's own validator: a mixin's `_check_<name>`, else the case's check.
        validator = getattr(self, f"_check_{name}", None)
        if validator is None and name in self.case.checks:
            validator = lambda msg: self.case.validate(name, msg)  # noqa: E731
        if spec is None or spec.kind != "update" or validator is None:
            return WouldTakeAnswer(accepted=False, kind="not_taken", reason=f"this case takes no {name}")
        try:
            validator(spec.model.model_validate(data))
        except NotAllowed as err:
            return WouldTakeAnswer(accepted=False, kind="not_allowed", reason=str(err))
        except NotNow as err:
            return WouldTakeAnswer(accepted=False, kind="not_now", reason=str(err))
        except (Refused, ValidationError) as err:
            return WouldTakeAnswer(accepted=False, kind="invalid", reason=str(err))
        return WouldTakeAnswer(accepted=True)

    def _would_take_signal(self, name: str, data: dict[str, Any]) -> WouldTakeAnswer:
        """A submission is checked as its handler will check it (workflows/case/submissions)."""
        state = self.case.state
        reopens = name in REOPENING and getattr(state, "reopenable_until", None) is not None
        if state.stage is Stage.CLOSED and not reopens:
            outcome = state.outcome.value if state.outcome else "closed"
            return WouldTakeAnswer(accepted=False, kind="closed", reason=f"the case is closed ({outcome})")
        try:
            submissions.check(self.case, name, MESSAGES[name].model.model_validate(data))
        except NotAllowed as err:
            return WouldTakeAnswer(accepted=False, kind="not_allowed", reason=str(err))
        except (Refused, ValidationError) as err:
            return WouldTakeAnswer(accepted=False, kind="invalid", reason=str(err))
        return WouldTakeAnswer(accepted=True)


class ComplaintHandlers(
    ApprovalHandlers,
    ClockHandlers,
    DeclineHandler,
    DeliveryHandlers,
    EvidenceHandler,
    RequestHandlers,
    TaskHandlers,
    UnknownSignals,
    WithdrawHandler,
    WouldTakeQuery,
):
    """What every complaint takes, about a decision or about our service: approvals
    (72-73), paused clocks (31, 34), a decline (22), documents (30-31), unknown signals
    recorded, and the would_take / offers queries."""
