"""What a decision complaint adds to the core (workflows/case/kind.py): its dates and
OAT's route in `status`, its deadline search attributes, the Judicial Review delay flag
on closing (71), its next run, and when an approval may not be given yet (63-64, 73)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from contract import search_attributes as sa
    from domain.calendar import end_of_day
    from domain.grounds import jr_delay_not_challenged
    from domain.models import SYSTEM, StatusExtra
    from domain.state import DecisionRun, DecisionState, carrying
    from workflows.case.core import CaseCore
    from workflows.case.kind import KindHooks
    from workflows.decision import further_work

Case = CaseCore[DecisionState]


class DecisionKind(KindHooks[DecisionState]):
    def status(self, case: Case) -> StatusExtra:
        state = case.state
        return StatusExtra(
            grounds_deadline=state.grounds_deadline,
            jr_window_ends=state.jr_window_ends,
            jr_delay_not_challenged=state.jr_delay,
            oat_route=state.oat_route.value if state.oat_route else None,
            oat_advice_reasons=state.oat_reasons,
            grounds_received_on=state.grounds.received_on if state.grounds else None,
            grounds_in_time=state.grounds_in_time,
            oat_outcomes=state.oat_outcomes,
            ndi_case_owner=state.decision.ndi_case_owner if state.decision else None,
        )

    def search_attributes(self, case: Case) -> list[SearchAttributeUpdate[Any]]:
        state, out = case.state, []
        if state.grounds_deadline:
            out.append(sa.GROUNDS_DEADLINE.value_set(end_of_day(state.grounds_deadline)))
        if state.jr_window_ends:
            out.append(sa.JR_WINDOW_ENDS.value_set(end_of_day(state.jr_window_ends)))
        return out

    def before_close(self, case: Case) -> None:
        """Para 71: a timely request whose review took over three months is flagged."""
        state = case.state
        state.jr_delay = jr_delay_not_challenged(
            grounds_in_time=state.grounds_in_time,
            received_on=state.grounds.received_on if state.grounds else None,
            decided_on=case.today(),
            jr_window=case.rules.durations.jr_window,
        )
        if state.jr_delay:
            case.record(
                SYSTEM, "jr_delay_not_challenged", ["71"], "requested in time; decided after three months"
            )

    def next_run(self, case: Case) -> DecisionRun:
        return carrying(DecisionRun, case.state)

    def approval_not_yet(self, case: Case) -> str | None:
        return further_work.approval_not_yet(case)
