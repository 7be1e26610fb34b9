"""Para 12: a service complaint that is really about a decision is treated as a decision
complaint: this case closes and a decision complaint opens, linked both ways."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import permissions
    from domain.enums import Outcome, Stage
    from domain.models import ComplaintOpened, DecidedCase, Reclassify
    from domain.state import ServiceState
    from workflows.case.core import CaseCore
    from workflows.reclassify import start_reclassified

Case = CaseCore[ServiceState]


async def reclassify(case: Case, msg: Reclassify) -> Stage:
    state, decided = case.state, case.state.opened.case
    new_id = await start_reclassified(
        case,
        "DecisionComplaintWorkflow",
        ComplaintOpened(
            case=DecidedCase(
                ref=decided.ref,
                owner=decided.owner,
                manager=decided.manager,
                owner_role=decided.owner_role,
                risk=msg.risk,
                decision=msg.decision,
                decided_on=msg.decided_on,
            ),
            raised_on=state.received_on,
            flags=msg.flags,
            reasonable_adjustments=state.reasonable_adjustments,
            complainant=state.complainant,
            organisation=msg.organisation,
            reclassified_from=workflow.info().workflow_id,
        ),
        "decision-complaint",
    )
    case.reach("12", f"treated as a decision complaint: {new_id}")
    return await case.close(
        Outcome.RECLASSIFIED_DECISION_COMPLAINT,
        reason=msg.reason,
        paragraphs=["12"],
        actor=msg.actor,
        context={"new_case": new_id},
    )


def check_reclassify(case: Case, msg: Reclassify) -> None:
    state = case.state
    case.require_stage("reclassify_as_decision_complaint")
    # Paras 11, 13, 15: nobody the complaint is about ends it by calling it something else.
    permissions.check_not_about(msg.actor, case.about_staff, "reclassify it")
    permissions.check_reclassify(
        msg.actor,
        owner=state.owner,
        manager=state.manager,
        handler=state.handler,
        decided_on=msg.decided_on,
        today=case.today(),
    )
