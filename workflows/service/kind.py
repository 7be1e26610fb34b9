"""What a service complaint adds to the core (workflows/case/kind.py): who handles it,
when it was received and its escalations in `status`, and its next run."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.models import StatusExtra
    from domain.state import ServiceRun, ServiceState, carrying
    from workflows.case.core import CaseCore
    from workflows.case.kind import KindHooks

Case = CaseCore[ServiceState]


class ServiceKind(KindHooks[ServiceState]):
    def status(self, case: Case) -> StatusExtra:
        state = case.state
        return StatusExtra(
            handler=state.handler, received_on=state.received_on, escalations=state.escalations
        )

    def next_run(self, case: Case) -> ServiceRun:
        return carrying(ServiceRun, case.state)
