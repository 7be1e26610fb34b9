"""What a complainant may ask for at any stage, and the adjustments staff record for them
(guidance v7; design.md, "Messages"; 31, 32). A request is somebody's task: an adjustment
asked for is the case owner's to confirm (`record_adjustment`), more time the case's
manager's to decide (`extend_grounds_deadline`). Each is acknowledged and on the record."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain.authority import NotNow, Refused
    from domain.bounds import ADJUSTMENTS_MAX
    from domain.enums import Role
    from domain.models import AdjustmentRequested, MoreTimeRequested, RecordAdjustment
    from domain.permissions import check_record_adjustment
    from workflows.case import acknowledge, submissions
    from workflows.case.core import CaseCore


def check_record_adjustment_now(case: CaseCore[Any], msg: RecordAdjustment) -> None:
    case.require_open()
    if not case.guidance.takes_adjustments_any_time:
        raise NotNow(
            f"this case began under guidance v{case.guidance.version}, which takes adjustments only at intake"
        )
    check_record_adjustment(msg.actor, case.state.owner, case.state.manager)
    if len(case.state.reasonable_adjustments) >= ADJUSTMENTS_MAX:
        raise Refused(f"this case already has {ADJUSTMENTS_MAX} reasonable adjustments, the most it takes")
    if msg.adjustment() in case.state.reasonable_adjustments:
        raise NotNow(f"this case already has the adjustment {msg.adjustment()}")


class RequestHandlers:
    case: CaseCore[Any]

    @workflow.update
    async def record_adjustment(self, msg: RecordAdjustment) -> Receipt:
        """From now on as if it had been given at intake: every later letter and task honours
        it (31); the case owner's task to confirm a requested one is done."""
        case, at = self.case, len(self.case.state.history)
        adjustment = msg.adjustment()
        case.state.reasonable_adjustments.append(adjustment)
        case.record(msg.actor, f"reasonable adjustment recorded: {adjustment}", ["31"], msg.note)
        case.tasks_done(CONFIRM_ADJUSTMENT, msg.actor, f"recorded: {adjustment}")
        case.publish()
        return await case.settle("record_adjustment", at)

    @record_adjustment.validator
    def _check_record_adjustment(self, msg: RecordAdjustment) -> None:
        check_record_adjustment_now(self.case, msg)

    @workflow.signal
    def adjustment_requested(self, msg: AdjustmentRequested) -> None:
        case = self.case
        if submissions.refused(case, "adjustment_requested", msg):
            return
        what = f"{msg.kind.value.replace('_', ' ')}: {msg.text}" if msg.kind else msg.text
        case.record(
            msg.actor or "back office", "the complainant asks for a reasonable adjustment", ["31"], what
        )
        case.add_task(CONFIRM_ADJUSTMENT, case.state.owner, Role.CASEWORKER.value, ["31"], what)
        acknowledge.received(case, "your request for a reasonable adjustment")
        case.wake += 1

    @workflow.signal
    def more_time_requested(self, msg: MoreTimeRequested) -> None:
        case = self.case
        if submissions.refused(case, "more_time_requested", msg):
            return
        what = msg.text + (f" (until {msg.until.isoformat()})" if msg.until else "")
        case.record(msg.actor or "back office", "the complainant asks for more time", ["32"], what)
        case.add_task(DECIDE_MORE_TIME, case.state.manager, Role.OPERATIONS_MANAGER.value, ["32"], what)
        acknowledge.received(case, "your request for more time")
        case.wake += 1


CONFIRM_ADJUSTMENT = submissions.REQUEST_TASKS["adjustment_requested"]
DECIDE_MORE_TIME = submissions.REQUEST_TASKS["more_time_requested"]
