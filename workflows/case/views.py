"""What others see of a case: search attributes and current details for operators in
the Web UI (design.md, "Operators"), and the `status` answer."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from contract import search_attributes as sa
    from domain.bounds import SHOWN_DETAIL
    from domain.calendar import end_of_day
    from domain.models import HistoryEntry, Status
    from workflows.case import chasing

if TYPE_CHECKING:
    from workflows.case.core import CaseCore
    from workflows.case.kind import KindHooks

S = TypeVar("S", bound="CaseState")

if TYPE_CHECKING:
    from domain.guidance import Guidance
    from domain.state import CaseState


class Views(Generic[S]):
    """Mixed into CaseCore."""

    state: S
    kind: KindHooks[S]
    about_staff: list[str]

    if TYPE_CHECKING:  # the host's (CaseCore), declared for the type checker only

        def ledger_unmet(self) -> list[str]: ...

        @property
        def guidance(self) -> Guidance: ...

        def today(self) -> date: ...

    def publish(self) -> None:
        """Search attributes and current details for operators (design.md, "Operators").
        Staff ids, roles, stages and dates only: never a complainant's data."""
        state = self.state
        awaiting = state.awaiting
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.CASE_REF.value_set(state.case_ref),
            sa.REVIEW_KIND.value_set(state.kind.value),
            sa.REVIEW_STAGE.value_set(state.stage.value),
            sa.AWAITING_ROLE.value_set(awaiting.actor_role if awaiting else ""),
        ]
        if state.owner:
            updates.append(sa.CASE_OWNER.value_set(state.owner))
        if state.risk:
            updates.append(sa.RISK_LEVEL.value_set(state.risk))
        if awaiting and awaiting.due:
            updates.append(sa.AWAITING_DUE.value_set(end_of_day(awaiting.due)))
        else:
            updates.append(sa.AWAITING_DUE.value_unset())
        if state.outcome:
            updates.append(sa.OUTCOME.value_set(state.outcome.value))
            updates.append(sa.LEDGER_UNMET.value_set(self.ledger_unmet()))
        elif getattr(state, "reopened", 0):  # a closed case reopened on late grounds (v7)
            updates.append(sa.OUTCOME.value_unset())
        updates.extend(self.kind.search_attributes(cast("CaseCore[S]", self)))
        workflow.upsert_search_attributes(updates)
        workflow.set_current_details(self.summary_line())

    def step_overdue(self) -> bool:
        step = self.state.awaiting
        return bool(
            self.guidance.hands_over_overdue_steps
            and step is not None
            and step.actor_id is not None
            and step.due is not None
            and step.paused_since is None
            and self.today() > step.due
        )

    def summary_line(self) -> str:
        state = self.state
        line = f"{state.kind.value} {state.case_ref}: {state.stage.value}"
        if state.outcome:
            return f"{line} ({state.outcome.value})"
        if step := state.awaiting:
            line += f" — awaiting {step.action} by {step.actor_id or step.actor_role} ({step.actor_role})"
            if step.paused_since is not None:
                # Not the reason: staff's words, and current details are never encrypted.
                line += f", clock paused until {step.resume_by}"
            elif step.due:
                line += f", due {step.due.isoformat()}"
        if state.reasonable_adjustments:
            # Their number only: what they are is the complainant's data, and current
            # details are shown to every operator, never encrypted (design.md, "Operators").
            line += f" — {len(state.reasonable_adjustments)} reasonable adjustment(s) agreed: see the case"
        return line

    def status(self) -> Status:
        state = self.state
        return Status(
            workflow_id=workflow.info().workflow_id,
            kind=state.kind.value,
            case_ref=state.case_ref,
            stage=state.stage,
            outcome=state.outcome.value if state.outcome else None,
            reasonable_adjustments=state.reasonable_adjustments,
            awaiting=state.awaiting,
            history=shown_history(state.history),
            letters=state.letters,
            ledger=sorted(state.ledger.values(), key=lambda e: int(e.paragraph)),
            approvals=state.approvals,
            learning_points=state.learning_points,
            links=state.links,
            guidance=state.guidance,
            risk=state.risk,
            owner=state.owner,
            owner_role=state.owner_role,
            manager=state.manager,
            about_staff=list(self.about_staff),
            tasks=state.tasks,
            documents=state.documents,
            step_overdue=self.step_overdue(),
            closed_at=state.closed_at,
            ledger_unmet=self.ledger_unmet() if state.outcome else [],
            pauses=state.pauses,
            time_paused_days=chasing.time_paused_days(self.state.pauses, self.today()),
            clock_paused=bool(state.awaiting and state.awaiting.paused_since),
            proposal=state.proposal if state.pending_rule else None,
            **self.kind.status(cast("CaseCore[S]", self)).model_dump(exclude_unset=True),
        )


def shown_history(history: list[HistoryEntry]) -> list[HistoryEntry]:
    """The audit trail as `status` answers it: each entry's words up to SHOWN_DETAIL (the
    store holds them all), so no run of long submissions makes the answer too big for
    Temporal to carry (issue 23: a case wedged by long text)."""
    return [
        entry
        if len(entry.detail) <= SHOWN_DETAIL
        else entry.model_copy(update={"detail": entry.detail[:SHOWN_DETAIL] + " [the rest is in the store]"})
        for entry in history
    ]
