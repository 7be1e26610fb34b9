"""The core of every case: one helper changes stage (state, search attributes, current
details, audit trail and store together, so they never disagree), one records, one sends
letters, one closes. No public handlers live here: each workflow wires its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.models import AuditEvent, CaseSnapshot, Recipient
    from contract import CLOCK_OFFSET_MEMO
    from contract.messages import MESSAGES
    from contract.receipts import Receipt
    from domain.authority import NotNow, Refused
    from domain.calendar import Period, WorkingCalendar, london_date
    from domain.dates import check_dates
    from domain.enums import Outcome, Role, Stage
    from domain.grounds import reply_by_date
    from domain.guidance import Guidance, guidance_for, version_at_birth
    from domain.letters import ends_internal_process
    from domain.models import (
        SYSTEM,
        Actor,
        AdjustmentKind,
        Awaiting,
        Contact,
        DocumentOnRecord,
        Evidence,
        HistoryEntry,
        Status,
        Task,
    )
    from domain.permissions import check_open, check_stage, stands_in
    from domain.policy import Policy
    from domain.state import CaseState
    from workflows.case import acknowledge, chasing, effects
    from workflows.case.kind import KindHooks
    from workflows.case.ledger import Ledger
    from workflows.case.letters import Letters
    from workflows.case.mailbox import Mailbox
    from workflows.case.views import Views

S = TypeVar("S", bound=CaseState)

# Patch markers of the releases before guidance versions were data (docs/versioning.md).
# Each case still records them at birth, so the stored histories replay; they decide only
# versions 0-3 (domain/guidance.version_at_birth). Later versions come with the policy and
# need no marker. Retire them once no case begun before 2026-12-01 is open.
EDGES_PATCH = "guidance-edges-issue-10"
ACKNOWLEDGE_PATCH = "acknowledgements-issue-13"
NEVER_SILENT_PATCH = "never-silent-issue-13"
# A short-lived fix to running code (acknowledge what arrived before closing at once).
ACKNOWLEDGE_BEFORE_CLOSING_PATCH = "acknowledge-before-closing"
SYNC_IN_BATCHES_PATCH = "sync-in-batches"
SYNC_BATCH_CHARS = 256 * 1024  # of audit words in one sync: far under Temporal's 2 MB a payload


def in_batches(events: list[AuditEvent]) -> list[list[AuditEvent]]:
    """The events in order, in batches of at most SYNC_BATCH_CHARS of words each."""
    batches: list[list[AuditEvent]] = []
    size = SYNC_BATCH_CHARS
    for event in events:
        words = len(event.entry.detail) + len(event.entry.action) + 200
        if size + words > SYNC_BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(event)
        size += words
    return batches


StageBody = Callable[[], Awaitable[Stage]]
_UNSENT = object()


class Redirected(Exception):
    """Internal control flow: the case goes to `state.redirect` from whatever it was
    waiting for (a threat of Judicial Review takes it to Legal first, 70). Caught by
    run_stages; never leaves a workflow."""


class Declined(Exception):
    """Internal control flow: the case's manager declined access (para 22). Caught by
    run_stages; never leaves a workflow."""


class CaseCore(Letters[S], Ledger[S], Views[S]):
    """A case's state and what can be done to it. Workflows hold one and wire handlers."""

    def __init__(self, state: S, kind: KindHooks[S] | None = None) -> None:
        self.state = state
        self.kind: KindHooks[S] = kind or KindHooks()  # what this kind of case adds (workflows/case/kind.py)
        self.mailbox = Mailbox()
        self.checks: dict[str, Callable[[Any], None]] = {}  # validators, re-run at use
        # The status as last written to the store (the first sync of a run sends it whole).
        self.synced_status: dict[str, Any] = {}
        self.children_running = 0
        # Paras 11, 13, 15: people a service complaint is about are never escalated to.
        self.about_staff: list[str] = []
        self.current_child: workflow.ChildWorkflowHandle[Any, Any] | None = None
        self.child_tasks: list[asyncio.Task[Any]] = []  # awaiting children, forwarding to them
        self.idle = False
        self.wake = 0
        self.closed_and_recorded = False

    # ------------------------------------------------------------------ clock

    def now(self) -> datetime:
        """Case time: the server's clock, shifted only when `reviews simulate` replays a
        scenario that starts in the past (the test server cannot go back in time)."""
        return workflow.now() + timedelta(seconds=self.state.offset_seconds)

    def today(self) -> date:
        return london_date(self.now())

    @property
    def rules(self) -> Policy:
        if self.state.policy is None:
            raise NotNow(f"case {self.state.case_ref} is still opening: try again in a moment")
        return self.state.policy

    @property
    def guidance(self) -> Guidance:
        """The rules of the guidance version this case began under (domain/guidance)."""
        return guidance_for(self.state.guidance)

    @property
    def calendar(self) -> WorkingCalendar:
        return self.rules.calendar()

    def after(self, period: Period, on: date) -> date:
        """A due date on the case's own calendar (its bank holidays fixed at opening)."""
        return period.after(on, self.calendar)

    def reply_by(self, day: date, *also: Contact) -> date:
        """A date we give someone to reply by (guidance v8): a working day, with the post's
        time added when the complainant (or another party written to) is written to by post."""
        if not self.guidance.replies_by_working_day:
            return day
        by_post = any(AdjustmentKind.POST is item.kind for item in self.state.reasonable_adjustments) or any(
            not who.email and bool(who.address) for who in (self.state.complainant, *also)
        )
        return reply_by_date(
            day, by_post=by_post, post_allowance=self.rules.durations.post_allowance, calendar=self.calendar
        )

    def before(self, period: Period, on: date) -> date:
        return period.before(on, self.calendar)

    # ---------------------------------------------------------------- opening

    async def begin(self, inherited: int | None = None) -> None:
        """First step of a new case: its clock, its policy and guidance version (kept for
        life; a child takes its parent's version, `inherited`) and para 31."""
        edges = workflow.patched(EDGES_PATCH)
        acknowledges = workflow.patched(ACKNOWLEDGE_PATCH)
        never_silent = workflow.patched(NEVER_SILENT_PATCH)
        self.state.offset_seconds = float(workflow.memo_value(CLOCK_OFFSET_MEMO, 0.0))
        self.state.opened_at = self.now()
        self.state.policy = await effects.load_policy()
        self.state.guidance = (
            inherited
            if inherited is not None
            else version_at_birth(
                edges=edges,
                acknowledges=acknowledges,
                never_silent=never_silent,
                from_policy=self.state.policy.guidance,
            )
        )
        if self.state.reasonable_adjustments:
            # Para 31: captured at intake, shown on every task and letter from here on.
            self.record(
                SYSTEM,
                "reasonable adjustments captured at intake",
                ["31"],
                "; ".join(str(a) for a in self.state.reasonable_adjustments),
            )

    async def run_stages(self, stages: dict[Stage, StageBody]) -> Status:
        """Run each stage, each returning the next, until closed; a decline for
        unacceptable behaviour (22) or a withdrawal (24) closes the case from whatever
        stage it is at."""
        stage = self.state.resumed_in or Stage.INTAKE
        if self.state.resumed_in is not None:
            self.record(SYSTEM, f"continued as new run {self.state.runs}", [], f"at stage {stage.value}")
            self.publish()
        try:
            while stage is not Stage.CLOSED:
                try:
                    stage = await stages[stage]()
                except Redirected:
                    stage, self.state.redirect = self.state.redirect or stage, None
        except Declined:
            declined, withdrawn = self.state.declined, self.state.withdrawn
            if declined is not None:
                await self.close(
                    Outcome.DECLINED_UNACCEPTABLE_BEHAVIOUR,
                    reason=declined.reason,
                    paragraphs=["22"],
                    actor=declined.actor,
                )
            elif withdrawn is not None:
                await self.close(
                    Outcome.WITHDRAWN,
                    reason=withdrawn.note,
                    paragraphs=["24"],
                    actor=withdrawn.actor or SYSTEM,
                )
            else:  # pragma: no cover - Declined is raised only when one is set
                raise ApplicationError("declined without a decision", non_retryable=True) from None
        return await self.finish()

    def redirect(self, stage: Stage) -> None:
        """Leave the step awaited now for `stage` (its stage function runs next)."""
        self.state.redirect = stage
        self.wake += 1

    def arriving(self, stage: Stage) -> bool:
        """False once, for the stage a continued-as-new run resumes in: it was entered
        (letters sent, timers set) by the previous run and must not be entered again."""
        if self.state.resumed_in is stage:
            self.state.resumed_in = None
            return False
        self.state.resumed_in = None
        return True

    # ---------------------------------------------------------------- records

    def record(
        self, actor: Actor | str, action: str, paragraphs: list[str] | None = None, detail: str = ""
    ) -> None:
        self.state.history.append(
            HistoryEntry(
                at=self.now(),
                actor=str(actor),
                action=action,
                paragraphs=list(paragraphs or []),
                detail=detail,
            )
        )

    def record_documents(self, actor: Actor | str, party: str, documents: list[Evidence]) -> None:
        """Each document on the record by its hash (30), and whose it is: a party's own view
        shows only its own (design.md, "The trust boundary")."""
        for document in documents:
            self.record(
                actor,
                "document received" if document.received else "document named but not received",
                ["30"],
                f"{document.name}: sha256 {document.sha256}, {document.size} bytes, {document.media_type}"
                if document.received
                else document.name,
            )
            self.state.documents.append(
                DocumentOnRecord(
                    name=document.name,
                    sha256=document.sha256,
                    size=document.size,
                    media_type=document.media_type,
                    party=party,
                    by=str(actor),
                    at=self.now(),
                )
            )

    def add_task(
        self,
        name: str,
        assignee: str,
        role: str,
        paragraphs: list[str],
        detail: str,
        *,
        chased: bool = True,
        announced: bool = False,
        escalations_max: int | None = None,
    ) -> None:
        """Guidance v8: due by the policy's time for it, then sent (`task_opened`) and chased
        (chasing.py). `announced`: a letter of its own tells the assignee; `chased=False`:
        the task is the step the case waits on, chased as that step (one chase per step)."""
        v8 = self.guidance.tasks_reach_people
        due = self.after(self.rules.durations.task(name), self.today()) if v8 and chased else None
        self.state.tasks.append(
            Task(
                task=name,
                assignee=assignee,
                role=role,
                paragraphs=paragraphs,
                detail=detail,
                opened_at=self.now(),
                reasonable_adjustments=self.state.reasonable_adjustments,
                due=due,
                notified=announced or not chased,
                escalations_max=escalations_max,
            )
        )
        self.record(SYSTEM, f"task opened: {name} for {assignee}", paragraphs, detail)

    def tasks_done(self, name: str, actor: Actor, note: str) -> None:
        """The open tasks `name` are done by what `actor` just did (the step they were)."""
        for task in self.state.tasks:
            if task.task == name and task.done_at is None:
                task.done_at, task.done_by, task.done_note = self.now(), str(actor), note
                self.record(actor, f"task done: {name}", task.paragraphs, task.detail)

    # ----------------------------------------------------------------- stages

    async def enter(
        self,
        stage: Stage,
        *,
        action: str | None = None,
        role: Role | str | None = None,
        actor_id: str | None = None,
        due: date | None = None,
        chase: bool = True,
        paragraphs: list[str] | None = None,
        detail: str = "",
        child: str | None = None,
    ) -> None:
        """Change stage: state, search attributes, current details, audit and store at once."""
        self.state.stage = stage
        self.mailbox.refuse_leftovers(
            stage, f"the case moved on to {stage.value} before this could be applied"
        )
        self.set_awaiting(action, role, actor_id, due=due, chase=chase, child=child)
        self.record(SYSTEM, f"stage: {stage.value}", paragraphs, detail)
        self.publish()
        await self.sync()

    def set_awaiting(
        self,
        action: str | None,
        role: Role | str | None,
        actor_id: str | None = None,
        *,
        due: date | None = None,
        chase: bool = True,
        child: str | None = None,
    ) -> None:
        chasing.end_pause(self)
        if action is None or role is None:
            self.state.awaiting = None
            return
        # A step is chased once, by the workflow that awaits it (guidance v8): a case does
        # not also chase, nor list as its own task, a step its child awaits.
        by_child = child if self.guidance.chases_once else None
        self.state.awaiting = Awaiting(
            action=action,
            actor_role=str(role),
            actor_id=actor_id,
            due=due or self.after(self.rules.durations.step(action), self.today()),
            since=self.now(),
            chase=chase and by_child is None,
            child=by_child,
        )

    async def sync(self) -> None:
        """Write the case, its new audit events and its open task to the store: only what
        changed since the last sync (the audit trail from `synced` on; of the status, the
        fields that changed), so a long case's history does not grow with its square."""
        state = self.state
        # The audit trail and the letters have tables of their own in the store.
        status = self.status().model_dump(mode="json", exclude={"history", "letters", "documents"})
        changed = {k: v for k, v in status.items() if self.synced_status.get(k, _UNSENT) != v}
        self.synced_status = status
        events = [
            AuditEvent(seq=i, entry=entry)
            for i, entry in enumerate(state.history[state.synced :], start=state.synced)
        ]
        # What arrives while the batches below are written is the next sync's.
        state.synced = len(state.history)
        # Many long submissions between two syncs must not make one activity input too big
        # for Temporal (issue 23): the events go in batches. A short-lived fix: only a sync
        # that needs more than one batch records the marker, so older histories replay.
        batches = in_batches(events)
        if len(batches) > 1 and not workflow.patched(SYNC_IN_BATCHES_PATCH):
            batches = [events]
        for earlier in batches[:-1]:
            self.store_refused(await effects.sync_case(self.snapshot(changed, earlier)))
        events = batches[-1] if batches else []
        self.store_refused(await effects.sync_case(self.snapshot(changed, events)))

    def store_refused(self, reason: str | None) -> None:
        """The store would not take part of the record (issue 23): the case goes on, its own
        history keeps everything, and the case owner is asked, once per reason, to have the
        operators look; the letters and the status still say it all."""
        if reason is None or any(task.detail == reason for task in self.state.tasks):
            return
        self.add_task(
            "the case store could not keep part of this case's record: tell the system's operators",
            self.state.owner or "back_office", "caseworker", [], reason,
        )  # fmt: skip

    def snapshot(self, status: dict[str, Any], events: list[AuditEvent]) -> CaseSnapshot:
        state = self.state
        return CaseSnapshot(
            workflow_id=workflow.info().workflow_id,
            kind=state.kind.value,
            case_ref=state.case_ref,
            stage=state.stage.value,
            outcome=state.outcome.value if state.outcome else None,
            owner=state.owner,
            manager=state.manager,
            risk=state.risk,
            opened_at=state.opened_at or self.now(),
            closed_at=state.closed_at,
            awaiting=None if state.awaiting is not None and state.awaiting.child else state.awaiting,
            tasks=state.tasks if self.guidance.tasks_reach_people and "tasks" in status else None,
            status=status,
            status_changes_only=True,
            events=events,
        )

    # ------------------------------------------------------------- messages

    def validate(self, name: str, msg: Any) -> None:
        """An update's validator: refused if one is already waiting to be applied, or if
        the rule for it refuses (the same rule is re-checked when it is used)."""
        if self.mailbox.holds(name):
            raise NotNow(f"{name} has already been received and is being acted on")
        self.checks[name](msg)  # who may act is answered first (403 before 422)
        check_dates(msg, self.today())  # the case's own today, as the edge checks (domain/dates.py)

    async def deliver(self, name: str, msg: Any) -> Receipt:
        """Hand an accepted update to the stage that takes it; answer once it is applied."""
        entry = self.mailbox.accept(name, msg, self.state.stage, len(self.state.history))
        self.wake += 1
        await workflow.wait_condition(
            lambda: entry.refusal is not None or (entry.taken and (self.idle or self.closed_and_recorded))
        )
        self.mailbox.raise_if_refused(entry)
        return self.receipt(name, entry.history_at)

    async def settle(self, name: str, history_at: int) -> Receipt:
        """For updates applied in the handler itself: answer once the case is idle again."""
        self.wake += 1
        await workflow.wait_condition(lambda: self.closed_and_recorded or self.idle)
        return self.receipt(name, history_at)

    def receipt(self, name: str, history_at: int) -> Receipt:
        state = self.state
        return Receipt(
            workflow_id=workflow.info().workflow_id,
            message=name,
            stage=state.stage,
            outcome=state.outcome.value if state.outcome else None,
            awaiting=state.awaiting,
            recorded=[entry.action for entry in state.history[history_at:]],
        )

    async def wait_until(self, done: Callable[[], bool], alarms: chasing.Alarms | None = None) -> str | None:
        return await chasing.wait_until(self, done, alarms)

    def take_now(self, name: str) -> Any:
        """The update `name` if one is waiting and still applies (re-checked now), else None."""
        if not self.mailbox.holds(name):
            return None
        try:
            self.checks[name](self.mailbox.peek(name))
        except Refused as refused:
            self.mailbox.refuse(name, f"{name} no longer applies: {refused}")
            return None
        msg = self.mailbox.take(name)
        self.note_stand_in(name, msg)
        return msg

    # ------------------------------------------------------- stalled steps

    def stands_in(self, actor: Actor) -> bool:
        """Whether `actor` may take the overdue step in the place of whoever owes it: the
        case's manager or anyone more senior (design.md, "Time"; guidance v5)."""
        return self.guidance.hands_over_overdue_steps and stands_in(
            actor,
            self.state.awaiting,
            manager=self.state.manager,
            today=self.today(),
            about_staff=self.about_staff,
        )

    def note_stand_in(self, name: str, msg: Any) -> None:
        """The history records who acted for whom (design.md, "Time")."""
        actor, step = getattr(msg, "actor", None), self.state.awaiting
        if actor is None or step is None or step.actor_id in (None, actor.id) or not self.stands_in(actor):
            return
        self.record(
            actor,
            f"{name} taken in the place of {step.actor_id}",
            ["23"],
            f"{step.action} was due {step.due} and is overdue; {actor} acted for {step.actor_id}",
        )

    async def take(self, *names: str, alarms: chasing.Alarms | None = None) -> Any:
        """Wait for one of the updates `names` and return it (re-checked now), or the name
        of the alarm that rang first."""
        while True:
            rang = await chasing.wait_until(self, lambda: any(self.mailbox.holds(n) for n in names), alarms)
            if rang is not None:
                return rang
            msg = self.take_now(next(n for n in names if self.mailbox.holds(n)))
            if msg is not None:
                return msg

    # ---------------------------------------------------------------- closing

    async def close(
        self,
        outcome: Outcome,
        *,
        reason: str,
        paragraphs: list[str],
        actor: Actor | str = SYSTEM,
        letter: bool = True,
        context: dict[str, Any] | None = None,
        also_to: list[Recipient] | None = None,
    ) -> Stage:
        """Close with an outcome and its letter. Every letter that ends a review or a review
        request says the internal complaints process has ended (74), except where the
        complaint goes on: the Joint Working Team (76) or a reclassification (12, 48)."""
        state = self.state
        state.outcome = outcome
        chasing.end_pause(self)
        state.awaiting = None
        ends = ends_internal_process(outcome, state.kind)
        self.kind.before_close(self)
        if state.to_acknowledge and workflow.patched(ACKNOWLEDGE_BEFORE_CLOSING_PATCH):
            # What arrived is acknowledged even when the case closes straight away (13).
            await acknowledge.send_acknowledgements(self, closing=True)
        if letter:
            for to in [self.service_user(), *(also_to or [])]:
                sent = await self.letter(
                    "closing",
                    to,
                    paragraphs=paragraphs + (["74"] if ends else []),
                    ends_internal_process=ends,
                    context={
                        "outcome": outcome.value,
                        "reason": reason,
                        **self.judicial_review(ends),
                        **(context or {}),
                    },
                )
            if ends:
                self.reach("74", f"closing letter {sent.key} says the internal process has ended")
        state.closed_at = self.now()
        state.stage = Stage.CLOSED
        self.mailbox.refuse_leftovers(
            Stage.CLOSED, f"the case closed ({outcome.value}) before this could be applied"
        )
        self.record(actor, f"closed: {outcome.value}", paragraphs, reason)
        self.settle_ledger()
        for task in self.child_tasks:
            if not task.done():
                task.cancel()
        # A task opened as the case closes still reaches its person; it stays in the
        # store's task list until it is marked done (design.md, "Time").
        await chasing.notify_opened_tasks(self)
        self.publish()
        await self.sync()
        self.closed_and_recorded = True
        return Stage.CLOSED

    def judicial_review(self, ends: bool) -> dict[str, Any]:
        """What a letter ending the internal process says of Judicial Review (6, 71): the
        window, and whether we would not oppose an application for delay."""
        if not ends:
            return {}
        window = getattr(self.state, "jr_window_ends", None)
        return {
            # A date already past would mislead: the letter then gives the rule alone.
            "jr_window_ends": window.isoformat() if window and window >= self.today() else None,
            "jr_delay_not_challenged": bool(getattr(self.state, "jr_delay", False)),
        }

    async def finish(self) -> Status:
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ----------------------------------------------------------------- status

    # ------------------------------------------------------- shared checks

    def require_open(self) -> None:
        outcome = self.state.outcome.value if self.state.outcome else None
        check_open(self.state.stage, outcome)

    def require_stage(self, name: str) -> None:
        """The stages at which `name` is expected are the message table's."""
        outcome = self.state.outcome.value if self.state.outcome else None
        check_stage(name, MESSAGES[name].stages, self.state.stage, self.state.case_ref, outcome)
