"""Nobody waits in silence (design.md, "Time"): every human step has a due date; an
overdue step reminds whoever owes it, then escalates. A step's clock may be paused while
it waits on the service user, and a pause not resumed in time is chased the same way.
Long cases continue as new while they wait, so their history stays small.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from temporalio import workflow

from workflows.case import acknowledge, keep_in_touch

with workflow.unsafe.imports_passed_through():
    from domain import permissions
    from domain.authority import NotNow
    from domain.calendar import end_of_day, london_date
    from domain.enums import Role, Stage
    from domain.escalation import (
        TeamContacts,
        approver_to_chase,
        escalation_ladder,
        escalation_target,
        next_chase_on,
        reminder_to,
    )
    from domain.models import SYSTEM, Actor, Pause, Task

if TYPE_CHECKING:
    from workflows.case.core import CaseCore

Alarms = Callable[[], list[tuple[str, datetime]]]


async def wait_until(
    case: CaseCore[Any], done: Callable[[], bool], alarms: Alarms | None = None
) -> str | None:
    """Wait for `done()`; return None then, or the name of the first alarm that rings.

    Meanwhile: remind the person awaited when their step is overdue and escalate if it
    stays overdue; keep the store in step with recorded signals; continue as new when
    the history has grown long; raise Declined if access is declined (para 22) or the
    complainant withdraws (24).
    """
    from workflows.case.core import Declined, Redirected

    while True:
        if case.state.declined is not None or case.state.withdrawn is not None:
            raise Declined()
        if case.state.redirect is not None:
            raise Redirected()
        if done():
            return None
        now = case.now()
        ringing = sorted((alarms() if alarms else []), key=lambda a: a[1])
        if ringing and ringing[0][1] <= now:
            return ringing[0][0]
        if await chase_overdue(case, now):
            continue
        if await notify_opened_tasks(case) or await chase_overdue_tasks(case, now):
            continue
        if await acknowledge.send_acknowledgements(case):
            continue
        if await keep_in_touch.keep_in_touch(case, now):
            continue
        if case.state.synced < len(case.state.history):
            await case.sync()
            continue
        if should_continue_as_new(case):
            # Let handlers in flight finish first (pause_clock answers when idle); a
            # message accepted meanwhile, or a decline, is dealt with in this run.
            case.idle = True
            try:
                await workflow.wait_condition(
                    lambda: (
                        workflow.all_handlers_finished()
                        or case.state.declined is not None
                        or bool(case.mailbox.waiting)
                    )
                )
            finally:
                case.idle = False
            if (
                workflow.all_handlers_finished()
                and should_continue_as_new(case)
                and case.state.declined is None
            ):
                case.state.resumed_in = case.state.stage
                case.state.runs += 1
                workflow.continue_as_new(case.kind.next_run(case))
            continue
        wakes = [when for _, when in ringing]
        if chase_at := next_chase(case):
            wakes.append(chase_at)
        if task_chase_at := next_task_chase(case):
            wakes.append(task_chase_at)
        if update_at := keep_in_touch.next_update(case):
            wakes.append(update_at)
        if batch_ends := acknowledge.held_until(case):
            wakes.append(batch_ends)
        timeout = (min(wakes) - now) if wakes else None
        wake, seen = case.wake, len(case.state.history)
        case.idle = True
        try:
            await workflow.wait_condition(
                lambda: (
                    done()
                    or case.state.declined is not None
                    or case.wake != wake
                    or len(case.state.history) != seen
                ),
                timeout=timeout,
            )
        except TimeoutError:
            pass
        finally:
            case.idle = False


HISTORY_BYTES = 4 * 1024 * 1024


def should_continue_as_new(case: CaseCore[Any]) -> bool:
    """Long-lived cases stay small (design.md): when the server suggests it, or the history
    passes the policy's limit of events or `HISTORY_BYTES` (well under the 10 MB a case's
    history may be), and nothing is in flight (no message waiting to be applied, no child
    running: a child belongs to this run)."""
    if case.children_running or case.mailbox.waiting or case.kind.next_run(case) is None:
        return False
    info = workflow.info()
    limit = case.rules.history_limit
    return (
        info.is_continue_as_new_suggested()
        or info.get_current_history_length() >= limit
        or info.get_current_history_size() >= HISTORY_BYTES
    )


def team_contacts(case: CaseCore[Any]) -> dict[str, TeamContacts]:
    return {name: TeamContacts(t.mailbox, t.manager) for name, t in case.rules.teams.items()}


def next_chase(case: CaseCore[Any]) -> datetime | None:
    """When the awaited person is next chased: at the due date (or, while the clock is
    paused, the date it must be resumed by), then escalation every `escalate_after`
    while it stays overdue (or once, as the case's guidance version says)."""
    step = case.state.awaiting
    if step is None or not step.chase or step.due is None:
        return None
    if step.escalated and not case.guidance.escalates_repeatedly:
        return None
    due = step.resume_by if step.paused_since is not None and step.resume_by is not None else step.due
    return end_of_day(
        next_chase_on(
            due,
            reminded=step.reminded,
            escalations=step.escalations,
            escalate_after=case.rules.durations.escalate_after,
            calendar=case.calendar,
        )
    )


async def chase_overdue(case: CaseCore[Any], now: datetime) -> bool:
    """Delay is what complainants resent most: chase overdue steps, then escalate, rung
    by rung; a team's step goes to the team's mailbox and the team's manager."""
    step = case.state.awaiting
    chase_at = next_chase(case)
    if step is None or chase_at is None or chase_at > now:
        return False
    policy = case.rules
    teams = team_contacts(case)
    owes = reminder_to(step.actor_role, step.actor_id, teams)
    in_person = (
        case.guidance.chases_approvers_in_person and step.action == "approve" and step.actor_id is None
    )
    if in_person:
        proposal = case.state.proposal
        owes = approver_to_chase(
            step.actor_role,
            manager=case.state.manager,
            proposed_by=proposal.proposed_by if proposal is not None else None,
            senior=policy.senior_managers,
        )
    if step.paused_since is not None and case.guidance.bounds_pauses and not step.reminded:
        await resume_at_resume_by(case, step.resume_by)
        return True
    if step.paused_since is not None:
        what = f"{step.action}: clock paused ({step.pause_reason}) and not resumed by {step.resume_by}"
    else:
        what = f"{step.action} overdue (due {step.due})"
    if not step.reminded:
        step.reminded = True
        case.record(SYSTEM, f"reminder: {what}", [], owes.id)
        await case.letter(
            "task_overdue", case.staff(owes.id, owes.role), context={"step": step.model_dump(mode="json")}
        )
    else:
        ladder = escalation_ladder(
            step.actor_role,
            owes.id if in_person else step.actor_id,
            manager=case.state.manager,
            teams=teams,
            senior=policy.senior_managers,
            # Up the ladder from whoever was reminded, not back to them.
            excluded=[*case.about_staff, owes.id] if in_person else case.about_staff,
        )
        to = case.guidance.escalation_to(ladder, step.escalations, case.state.manager)
        step.escalated = True
        step.escalations += 1
        case.record(SYSTEM, f"escalated to {to.id}: {what}", [], owes.id)
        await case.letter(
            "task_escalated",
            case.staff(to.id, to.role),
            cc=[case.staff(owes.id, owes.role)],
            context={
                "step": step.model_dump(mode="json"),
                "escalation": step.escalations,
                "may_take_over": case.guidance.hands_over_overdue_steps and step.actor_id is not None,
            },
        )
    case.publish()
    return True


# ----------------------------------------------------------------- tasks


def tasks_to_chase(case: CaseCore[Any]) -> list[Task]:
    """Open tasks with a due date (guidance v8; design.md, "Time"): each is chased like a
    step until `complete_task`."""
    if not case.guidance.tasks_reach_people:
        return []
    return [
        task
        for task in case.state.tasks
        if task.done_at is None
        and task.due is not None
        and (task.escalations_max is None or task.escalations < task.escalations_max)
    ]


def task_chased_at(case: CaseCore[Any], task: Task) -> datetime:
    assert task.due is not None
    return end_of_day(
        next_chase_on(
            task.due,
            reminded=task.reminded,
            escalations=task.escalations,
            escalate_after=case.rules.durations.escalate_after,
            calendar=case.calendar,
        )
    )


def next_task_chase(case: CaseCore[Any]) -> datetime | None:
    return min((task_chased_at(case, task) for task in tasks_to_chase(case)), default=None)


def as_step(task: Task) -> dict[str, Any]:
    """A task as the overdue letters show a step."""
    return {"action": task.task, "actor_role": task.role, "actor_id": task.assignee, "due": str(task.due)}


async def notify_opened_tasks(case: CaseCore[Any]) -> bool:
    """A task opened for someone sends them `task_opened`, named as the task is (design.md,
    "Letters"): work reaches a person, not only the case's status."""
    sent = False
    for task in case.state.tasks if case.guidance.tasks_reach_people else []:
        if task.notified or task.done_at is not None:
            continue
        task.notified = sent = True
        await case.letter(
            "task_opened",
            case.staff(task.assignee, task.role),
            paragraphs=task.paragraphs,
            context={"task": task.model_dump(mode="json")},
        )
    return sent


async def chase_overdue_tasks(case: CaseCore[Any], now: datetime) -> bool:
    """An overdue task reminds its assignee at its due date, then is escalated up their
    ladder every `escalate_after` while it stays open, as a step is."""
    overdue = [task for task in tasks_to_chase(case) if task_chased_at(case, task) <= now]
    if not overdue:
        return False
    task = overdue[0]
    what = f"task {task.task!r} overdue (due {task.due})"
    if not task.reminded:
        task.reminded = True
        case.record(SYSTEM, f"reminder: {what}", task.paragraphs, task.assignee)
        await case.letter(
            "task_overdue", case.staff(task.assignee, task.role), context={"step": as_step(task)}
        )
    else:
        policy = case.rules
        teams = team_contacts(case)
        ladder = escalation_ladder(
            task.role,
            task.assignee,
            manager=case.state.manager,
            teams=teams,
            senior=policy.senior_managers,
            excluded=case.about_staff,
        )
        to = escalation_target(ladder, task.escalations)
        task.escalations += 1
        case.record(SYSTEM, f"escalated to {to.id}: {what}", task.paragraphs, task.assignee)
        await case.letter(
            "task_escalated",
            case.staff(to.id, to.role),
            cc=[case.staff(task.assignee, task.role)],
            context={"step": as_step(task), "escalation": task.escalations, "may_take_over": False},
        )
    case.publish()
    return True


# ----------------------------------------------------------------- paused clocks


def check_pause(case: CaseCore[Any], actor: Actor, *, pausing: bool, resume_by: date | None = None) -> None:
    """Who may stop or restart a step's clock, and when (domain.permissions)."""
    case.require_open()
    if pausing and case.guidance.bounds_pauses and case.state.stage is Stage.AWAITING_APPROVAL:
        raise NotNow(
            "an approval cannot be paused: the approver decides, or the case's manager reassigns it (72-73)"
        )
    permissions.check_pause(
        actor,
        case.state.awaiting,
        stage=case.state.stage,
        manager=case.state.manager,
        pausing=pausing,
        today=case.today(),
        resume_by=resume_by,
    )


def pause_now(case: CaseCore[Any], actor: Actor, reason: str, resume_by: date | None) -> None:
    step = case.state.awaiting
    if step is None:  # checked by the validator; nothing to pause otherwise
        return
    step.paused_since = case.now()
    step.pause_reason = reason
    step.resume_by = resume_by or case.after(case.rules.durations.pause_limit, case.today())
    step.reminded = step.escalated = False
    step.escalations = 0
    case.state.pauses.append(
        Pause(step=step.action, by=str(actor), reason=reason, since=case.now(), resume_by=step.resume_by)
    )
    case.record(actor, f"clock paused: {step.action}", [], f"{reason}; resume by {step.resume_by}")
    case.publish()


async def resume_at_resume_by(case: CaseCore[Any], resume_by: date | None) -> None:
    """A pause is bounded (guidance v7): at its resume-by date the clock restarts by itself
    and the case's manager is told, so a paused step never goes quiet for good."""
    step = case.state.awaiting
    if step is None:
        return
    paused_by = case.state.pauses[-1].by if case.state.pauses else ""
    resume_now(case, SYSTEM, f"the pause reached its resume-by date {resume_by}")
    await case.letter(
        "pause_ended",
        case.staff(case.state.manager, Role.OPERATIONS_MANAGER.value),
        context={"step": step.model_dump(mode="json"), "resume_by": str(resume_by), "paused_by": paused_by},
    )


def resume_now(case: CaseCore[Any], actor: Actor | str, why: str) -> None:
    """The step's due date moves on by the days its clock was stopped."""
    step = case.state.awaiting
    if step is None or step.paused_since is None:
        return
    days = (case.today() - london_date(step.paused_since)).days
    if step.due is not None:
        step.due = step.due + timedelta(days=days)
    step.paused_since = None
    step.pause_reason = ""
    step.resume_by = None
    step.reminded = step.escalated = False
    step.escalations = 0
    pauses = case.state.pauses
    if pauses and pauses[-1].until is None:
        pauses[-1].until = case.now()
        pauses[-1].days = days
    case.record(actor, f"clock resumed: {step.action}", [], f"{why}; paused {days} day(s); due {step.due}")
    case.publish()


def end_pause(case: CaseCore[Any]) -> None:
    """A step that ends while its clock is paused closes its pause on the record."""
    step = case.state.awaiting
    if step is not None and step.paused_since is not None:
        resume_now(case, SYSTEM, f"{step.action} no longer awaited")


def service_user_replied(case: CaseCore[Any], what: str) -> None:
    """Whatever the service user sends restarts a clock stopped to wait for them."""
    step = case.state.awaiting
    if step is not None and step.paused_since is not None:
        resume_now(case, "service_user", f"the service user sent {what}")


def time_paused_days(pauses: list[Pause], today: date) -> int:
    """Days paused in all, counting a pause still running up to today."""
    total = 0
    for pause in pauses:
        end = london_date(pause.until) if pause.until else today
        total += (end - london_date(pause.since)).days
    return total
