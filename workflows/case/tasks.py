"""complete_task (guidance v7; design.md, "Time"; 31, 43, 65, 78): a task on the case is
marked done by its assignee, the case's manager, or anyone from assistant director up,
with a note; a risk re-assessment records the new risk level, which drives the case from
then on (who is copied, 53; the `RiskLevel` search attribute)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain import permissions
    from domain.authority import NotNow, Refused
    from domain.models import CompleteTask, Task
    from workflows.case.core import CaseCore
    from workflows.case.learning import share_learning


def named_task(case: CaseCore[Any], name: str) -> Task:
    """The open task `name` names (its words, or its number in `status.tasks`)."""
    tasks: list[Task] = case.state.tasks
    if name.isdigit() and int(name) < len(tasks):
        task = tasks[int(name)]
        if task.done_at is not None:
            raise NotNow(f"task {name} ({task.task}) was done on {task.done_at:%Y-%m-%d} by {task.done_by}")
        return task
    for task in tasks:
        if task.task == name and task.done_at is None:
            return task
    open_tasks = "; ".join(t.task for t in tasks if t.done_at is None)
    if not open_tasks:  # nothing to complete now (the pages do not offer it)
        raise NotNow("no task is open on this case")
    raise Refused(f"no open task {name!r} on this case (open tasks: {open_tasks})")


def check_complete_task(case: CaseCore[Any], msg: CompleteTask) -> None:
    if not case.guidance.takes_requests:
        raise NotNow(f"this case began under guidance v{case.guidance.version}, which takes no complete_task")
    open_tasks = [t for t in case.state.tasks if t.done_at is None]
    if open_tasks and not any(
        permissions.may_complete(msg.actor, t.assignee, case.state.manager) for t in open_tasks
    ):
        # Who may act is answered before what the message names (403 before 422).
        permissions.check_complete_task(
            msg.actor, open_tasks[0].task, open_tasks[0].assignee, case.state.manager, None
        )
    task = named_task(case, msg.task)
    permissions.check_complete_task(msg.actor, task.task, task.assignee, case.state.manager, msg.risk)
    if msg.learning_points:
        permissions.check_peer_review_learning(
            msg.actor, task.task, takes_learning=case.guidance.learning_at_every_oat_end
        )


def complete(case: CaseCore[Any], msg: CompleteTask) -> None:
    state, task = case.state, named_task(case, msg.task)
    task.done_at, task.done_by, task.done_note = case.now(), str(msg.actor), msg.note
    case.record(msg.actor, f"task done: {task.task}", task.paragraphs, msg.note)
    if msg.risk is not None:
        before = state.risk or "not set"
        state.risk = msg.risk.value
        case.record(msg.actor, f"risk re-assessed: {before} to {msg.risk.value}", ["78"], msg.note)
    case.publish()


class TaskHandlers:
    case: CaseCore[Any]

    @workflow.update
    async def complete_task(self, msg: CompleteTask) -> Receipt:
        at = len(self.case.state.history)
        complete(self.case, msg)
        if msg.learning_points:  # Annex A: the operations manager's peer review found them
            await share_learning(self.case, msg.actor, msg.learning_points, ["43", "Annex A"])
        return await self.case.settle("complete_task", at)

    @complete_task.validator
    def _check_complete_task(self, msg: CompleteTask) -> None:
        check_complete_task(self.case, msg)
