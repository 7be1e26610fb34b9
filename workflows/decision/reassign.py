"""`reassign` (design.md; 23, 32): the case's manager or anyone more senior hands the case
to another member of staff of the owner's grade — or a team's manager hands the team's
step to a member of the team. The new holder takes the open step with its due date and
the open tasks of the one before; later letters name them. Nobody a case was taken from
may later handle its new detailed investigation (64)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.escalation import team_of
    from domain.models import Reassign
    from domain.permissions import check_reassign

if TYPE_CHECKING:
    from workflows.decision.grounds import Case


def team_manager(case: Case) -> str | None:
    """The manager of the team a step is owed by, if a team owes it."""
    step = case.state.awaiting
    team = team_of(step.actor_role) if step is not None else None
    return case.rules.teams[team].manager if team is not None and team in case.rules.teams else None


def check(case: Case, msg: Reassign) -> None:
    what_moves(case, msg)


def what_moves(case: Case, msg: Reassign) -> str:
    """ "owner" or "team step", if `msg` may be applied now (raises Refused otherwise)."""
    case.require_open()
    state = case.state
    return check_reassign(
        msg.actor,
        msg.to,
        state.awaiting,
        owner=state.owner,
        owner_role=state.owner_role,
        manager=state.manager,
        team_manager=team_manager(case),
        about_staff=case.about_staff,
    )


async def reassign(case: Case, msg: Reassign) -> None:
    state, step = case.state, case.state.awaiting
    what = what_moves(case, msg)
    previous = (step.actor_id or step.actor_role) if what == "team step" and step else state.owner
    previous_role = state.owner_role
    if what == "owner":
        state.previous_owners.append(state.owner)
        state.owner, state.owner_role = msg.to.id, msg.to.role
        for task in state.tasks:
            if task.assignee == previous:
                task.assignee = msg.to.id
    if step is not None and (what == "team step" or step.actor_id == previous):
        step.actor_id = msg.to.id
        step.reminded = step.escalated = False  # chased afresh, at the new holder
        step.escalations = 0
    case.record(msg.actor, f"reassigned to {msg.to.id}", ["23", "32"], f"from {previous}: {msg.reason}")
    overdue = step is not None and step.due is not None and case.today() > step.due
    await case.letter(
        "case_reassigned",
        case.staff(msg.to.id, msg.to.role.value),
        cc=[case.staff(previous, previous_role.value)] if what == "owner" else [],
        paragraphs=["23", "32"],
        context={
            "by": msg.actor.id,
            "previous": previous,
            "reason": msg.reason,
            "what": what,
            "step": step.model_dump(mode="json") if step is not None and step.actor_id == msg.to.id else None,
            "overdue": overdue,
        },
    )
    case.publish()
    await case.sync()
