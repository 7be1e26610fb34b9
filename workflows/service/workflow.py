"""A complaint about our service (paras 10-19): ServiceComplaintWorkflow.

Passed to the case owner's manager (13), who tries to resolve it (14, 16). If it stays
unresolved the handler considers it (17) — escalating up the management chain when
needed and asking OAT for advice (11, 15) — and upholds it with a remedy (18), does not
uphold it, or closes it unresolved (15). A payment waits for approval under the
Delegation Scheme (72). Learning goes to the line manager and the organisation (19). A
complaint that is really about the decision becomes a decision complaint (12). A service
complaint is not subject to a review (11). The stages and their checks live in this
package by paragraph group; this class lists the stages and wires the handlers.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain.enums import Kind, Stage
    from domain.models import (
        CloseUnresolved,
        Escalate,
        ManagerResolution,
        OatServiceAdvice,
        Reclassify,
        ServiceComplaintDecision,
        ServiceComplaintOpened,
        Status,
    )
    from domain.state import ServiceRun, ServiceState, open_input_of
    from workflows.case import acknowledge
    from workflows.case.approvals import approval_checks, awaiting_approval
    from workflows.case.core import CaseCore
    from workflows.case.handlers import ComplaintHandlers
    from workflows.case.runs import carried, refuse_forged
    from workflows.service import consideration, reclassify, resolution
    from workflows.service.kind import ServiceKind


@workflow.defn
class ServiceComplaintWorkflow(ComplaintHandlers):
    @workflow.init
    def __init__(self, opened: ServiceRun) -> None:
        state = carried(opened) or ServiceState(
            kind=Kind.SERVICE_COMPLAINT,
            case_ref=opened.case.ref,
            owner=opened.case.owner,
            manager=opened.case.manager,
            owner_role=opened.case.owner_role,
            complainant=opened.complainant,
            reasonable_adjustments=opened.reasonable_adjustments,
            opened=open_input_of(opened, ServiceComplaintOpened),
        )
        self.case = c = CaseCore(state, ServiceKind())
        self.state = state
        c.about_staff = list(state.opened.about.staff)
        c.checks.update(
            {
                "manager_resolution": lambda m: resolution.check_manager_resolution(c, m),
                "reclassify_as_decision_complaint": lambda m: reclassify.check_reclassify(c, m),
                "escalate": lambda m: consideration.check_escalate(c, m),
                "service_complaint_decision": lambda m: consideration.check_decision(c, m),
                "close_unresolved": lambda m: consideration.check_handler(c, "close_unresolved", m.actor),
                "oat_service_advice": lambda m: consideration.check_oat_service_advice(c, m),
                **approval_checks(c),
            }
        )

    @workflow.run
    async def run(self, opened: ServiceRun) -> Status:
        c, state = self.case, self.state
        refuse_forged(opened)
        if carried(opened) is None:
            await c.begin()
            if state.complainant.name or state.complainant.email or state.complainant.address:
                acknowledge.received(c, "your complaint about our service")
            state.received_on = opened.received_on or c.today()
            state.links.reclassified_from = opened.reclassified_from
        return await c.run_stages(
            {
                Stage.INTAKE: lambda: resolution.at_intake(c),
                Stage.MANAGER_RESOLUTION: lambda: resolution.at_manager_resolution(c),
                Stage.CONSIDERATION: lambda: consideration.at_consideration(c),
                Stage.AWAITING_APPROVAL: lambda: awaiting_approval(
                    c, approved=lambda actor: consideration.uphold(c, actor), rejected_to=Stage.CONSIDERATION
                ),
            }
        )

    @workflow.query
    def status(self) -> Status:
        return self.case.status()

    # ================================================================ updates

    @workflow.update
    async def manager_resolution(self, msg: ManagerResolution) -> Receipt:
        return await self.case.deliver("manager_resolution", msg)

    @manager_resolution.validator
    def _v_manager_resolution(self, msg: ManagerResolution) -> None:
        self.case.validate("manager_resolution", msg)

    @workflow.update
    async def reclassify_as_decision_complaint(self, msg: Reclassify) -> Receipt:
        return await self.case.deliver("reclassify_as_decision_complaint", msg)

    @reclassify_as_decision_complaint.validator
    def _v_reclassify(self, msg: Reclassify) -> None:
        self.case.validate("reclassify_as_decision_complaint", msg)

    @workflow.update
    async def escalate(self, msg: Escalate) -> Receipt:
        return await self.case.deliver("escalate", msg)

    @escalate.validator
    def _v_escalate(self, msg: Escalate) -> None:
        self.case.validate("escalate", msg)

    @workflow.update
    async def service_complaint_decision(self, msg: ServiceComplaintDecision) -> Receipt:
        return await self.case.deliver("service_complaint_decision", msg)

    @service_complaint_decision.validator
    def _v_decision(self, msg: ServiceComplaintDecision) -> None:
        self.case.validate("service_complaint_decision", msg)

    @workflow.update
    async def close_unresolved(self, msg: CloseUnresolved) -> Receipt:
        return await self.case.deliver("close_unresolved", msg)

    @close_unresolved.validator
    def _v_close_unresolved(self, msg: CloseUnresolved) -> None:
        self.case.validate("close_unresolved", msg)

    @workflow.update
    async def oat_service_advice(self, msg: OatServiceAdvice) -> Receipt:
        return await self.case.deliver("oat_service_advice", msg)

    @oat_service_advice.validator
    def _v_oat_service_advice(self, msg: OatServiceAdvice) -> None:
        self.case.validate("oat_service_advice", msg)
