"""What every review workflow shares: one helper changes stage (state, search attributes,
current details, audit trail and store together, so they never disagree), one waits for
people (due dates, reminders, escalation), one sends letters, one closes the case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.models import (
        AuditEvent,
        CaseSnapshot,
        LetterRequest,
        NewCaseCreated,
        NewCaseRequest,
        Recipient,
    )
    from activities.records import CaseActivities
    from domain import ledger as ledger_rules
    from domain.authority import ApprovalRule, Refused, line_manager_role, rank
    from domain.calendar import end_of_day, london_date
    from domain.enums import (
        OUTCOMES_WHERE_COMPLAINT_CONTINUES,
        Kind,
        LearningPointKind,
        Outcome,
        Role,
        Stage,
    )
    from domain.models import (
        SYSTEM,
        Actor,
        ApprovalRecord,
        Awaiting,
        Contact,
        DeclineUnacceptableBehaviour,
        HistoryEntry,
        LearningPoint,
        LedgerEntry,
        LetterRecord,
        Links,
        Message,
        Pause,
        PauseClock,
        ResumeClock,
        Status,
    )
    from domain.policy import Policy
    from workflows import search_attributes as sa

CLOCK_OFFSET_MEMO = "clock_offset_seconds"

ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=["PolicyError", "ValidationError"],
)
ACTIVITY_TIMEOUT = timedelta(seconds=60)


class Declined(Exception):
    """Internal control flow: the case's manager declined access (para 22). Never leaves run."""

    def __init__(self, msg: DeclineUnacceptableBehaviour) -> None:
        super().__init__(msg.reason)
        self.msg = msg


class CaseWorkflow:
    """Base of every review workflow. Subclasses set `kind` and call `begin` first."""

    kind: Kind

    def __init__(self) -> None:
        self.stage: Stage = Stage.INTAKE
        self.outcome: Outcome | None = None
        self.case_ref = ""
        self.owner: str | None = None
        self.manager: str | None = None
        self.owner_role: Role = Role.CASEWORKER
        self.risk: str | None = None
        self.complainant = Contact()
        self.reasonable_adjustments: list[str] = []
        self.history: list[HistoryEntry] = []
        self.letters: list[LetterRecord] = []
        self.ledger: dict[str, LedgerEntry] = {}
        self.approvals: list[ApprovalRecord] = []
        self.learning_points: list[LearningPoint] = []
        self.links = Links()
        self.tasks: list[dict[str, Any]] = []
        self.awaiting: Awaiting | None = None
        self.policy: Policy | None = None
        self.offset = timedelta(0)
        self.opened_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.copy_oat = False
        self.declined: DeclineUnacceptableBehaviour | None = None
        # Updates hand their message to the stage that waits for it (see `deliver`).
        self.inbox: dict[str, Message] = {}
        self.idle = False
        self.wake = 0
        self.synced = 0
        self.letter_seq = 0
        self.closed_and_recorded = False
        self.pauses: list[Pause] = []

    # ------------------------------------------------------------------ stages

    async def run_stages(self, stages: dict[Stage, Callable[[], Awaitable[Stage]]]) -> Status:
        """Run from intake, each stage returning the next, until closed; a decline for
        unacceptable behaviour (22) closes the case from whatever stage it is at."""
        stage = Stage.INTAKE
        try:
            while stage is not Stage.CLOSED:
                stage = await stages[stage]()
        except Declined as declined:
            await self.close(
                Outcome.DECLINED_UNACCEPTABLE_BEHAVIOUR,
                reason=declined.msg.reason,
                paragraphs=["22"],
                actor=declined.msg.actor,
            )
        return await self.finish()

    # ------------------------------------------------------------------ clock

    def now(self) -> datetime:
        """Case time: the server's clock, shifted only when `reviews simulate` replays a
        scenario that starts in the past (the test server cannot go back in time)."""
        return workflow.now() + self.offset

    def today(self) -> date:
        return london_date(self.now())

    @property
    def rules(self) -> Policy:
        assert self.policy is not None, "policy is loaded before any stage starts"
        return self.policy

    # ---------------------------------------------------------------- opening

    async def begin(
        self,
        *,
        case_ref: str,
        owner: str | None,
        manager: str | None,
        risk: str | None,
        reasonable_adjustments: list[str],
        complainant: Contact | None = None,
        owner_role: Role = Role.CASEWORKER,
    ) -> None:
        self.owner_role = owner_role
        self.offset = timedelta(seconds=float(workflow.memo_value(CLOCK_OFFSET_MEMO, 0.0)))
        self.case_ref, self.owner, self.manager, self.risk = case_ref, owner, manager, risk
        self.reasonable_adjustments = list(reasonable_adjustments)
        self.complainant = complainant or Contact()
        self.opened_at = self.now()
        self.policy = await workflow.execute_activity_method(
            CaseActivities.get_policy,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
        if self.reasonable_adjustments:
            # Para 31: captured at intake, shown on every task and letter from here on.
            self.record(
                SYSTEM,
                "reasonable adjustments captured at intake",
                ["31"],
                "; ".join(self.reasonable_adjustments),
            )

    # ---------------------------------------------------------------- records

    def record(
        self, actor: Actor | str, action: str, paragraphs: list[str] | None = None, detail: str = ""
    ) -> None:
        self.history.append(
            HistoryEntry(
                at=self.now(),
                actor=str(actor),
                action=action,
                paragraphs=list(paragraphs or []),
                detail=detail,
            )
        )

    def reach(self, paragraph: str, evidence: str = "", *, met: bool = True) -> None:
        """The case has reached a (Policy/Legal requirement) paragraph; met now or not.

        Meeting a requirement is itself an audited event, and the ledger points at it."""
        entry = self.ledger.get(paragraph)
        if entry is None:
            entry = LedgerEntry(paragraph=paragraph, requirement=ledger_rules.REQUIREMENTS[paragraph])
            self.ledger[paragraph] = entry
        entry.applies = True
        if met and entry.satisfied_at is None:
            self.record(SYSTEM, f"requirement met: para {paragraph}", [paragraph], evidence)
            entry.satisfied_at = self.now()
            entry.evidence = evidence
            entry.state = "met"
            entry.event = len(self.history) - 1
        elif not met and entry.satisfied_at is None:
            self.record(SYSTEM, f"requirement not met: para {paragraph}", [paragraph], evidence)
            entry.evidence = evidence
            entry.state = "unmet"
            entry.event = len(self.history) - 1

    def settle_ledger(self) -> None:
        """At closing: what was reached and not met is unmet; the rest of this kind's
        requirements did not apply on the path the case took."""
        for requirement in ledger_rules.requirements_for(self.kind):
            if requirement.paragraph not in self.ledger:
                self.ledger[requirement.paragraph] = LedgerEntry(
                    paragraph=requirement.paragraph,
                    requirement=requirement.statement,
                    applies=False,
                    state="not_applicable",
                    evidence=f"not on this case's path (closed {self.outcome.value if self.outcome else ''})",
                )
        for entry in self.ledger.values():
            if entry.applies and entry.satisfied_at is None:
                entry.state = "unmet"

    def add_task(self, name: str, assignee: str, role: str, paragraphs: list[str], detail: str) -> None:
        self.tasks.append(
            {
                "task": name,
                "assignee": assignee,
                "role": role,
                "paragraphs": paragraphs,
                "detail": detail,
                "opened_at": self.now().isoformat(),
                "reasonable_adjustments": self.reasonable_adjustments,
            }
        )
        self.record(SYSTEM, f"task opened: {name} for {assignee}", paragraphs, detail)

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
    ) -> None:
        """Change stage: state, search attributes, current details, audit and store at once."""
        self.stage = stage
        self.set_awaiting(action, role, actor_id, due=due, chase=chase)
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
    ) -> None:
        self.end_pause()
        if action is None or role is None:
            self.awaiting = None
            return
        if due is None:
            due = self.rules.durations.step(action).after(self.today())
        self.awaiting = Awaiting(
            action=action,
            actor_role=str(role),
            actor_id=actor_id,
            due=due,
            since=self.now(),
            chase=chase,
        )

    def publish(self) -> None:
        """Search attributes and current details for operators (design.md, "Operators")."""
        updates = [
            sa.CASE_REF.value_set(self.case_ref),
            sa.REVIEW_KIND.value_set(self.kind.value),
            sa.REVIEW_STAGE.value_set(self.stage.value),
            sa.AWAITING_ROLE.value_set(self.awaiting.actor_role if self.awaiting else ""),
        ]
        if self.owner:
            updates.append(sa.CASE_OWNER.value_set(self.owner))
        if self.risk:
            updates.append(sa.RISK_LEVEL.value_set(self.risk))
        if self.awaiting and self.awaiting.due:
            updates.append(sa.AWAITING_DUE.value_set(end_of_day(self.awaiting.due)))
        else:
            updates.append(sa.AWAITING_DUE.value_unset())
        if self.outcome:
            updates.append(sa.OUTCOME.value_set(self.outcome.value))
            updates.append(sa.LEDGER_UNMET.value_set(self.ledger_unmet()))
        updates.extend(self.extra_search_attributes())
        workflow.upsert_search_attributes(updates)
        workflow.set_current_details(self.summary_line())

    def extra_search_attributes(self) -> list[Any]:
        return []

    def summary_line(self) -> str:
        line = f"{self.kind.value} {self.case_ref}: {self.stage.value}"
        if self.outcome:
            return f"{line} ({self.outcome.value})"
        if self.awaiting:
            who = self.awaiting.actor_id or self.awaiting.actor_role
            line += f" — awaiting {self.awaiting.action} by {who} ({self.awaiting.actor_role})"
            if self.awaiting.paused_since is not None:
                line += f", clock paused ({self.awaiting.pause_reason}) until {self.awaiting.resume_by}"
            elif self.awaiting.due:
                line += f", due {self.awaiting.due.isoformat()}"
        if self.reasonable_adjustments:
            line += " — reasonable adjustments: " + "; ".join(self.reasonable_adjustments)
        return line

    async def sync(self) -> None:
        """Write the case, its new audit events and its open task to the store."""
        events = [
            AuditEvent(seq=i, entry=entry)
            for i, entry in enumerate(self.history[self.synced :], start=self.synced)
        ]
        snapshot = CaseSnapshot(
            workflow_id=workflow.info().workflow_id,
            kind=self.kind.value,
            case_ref=self.case_ref,
            stage=self.stage.value,
            outcome=self.outcome.value if self.outcome else None,
            owner=self.owner,
            manager=self.manager,
            risk=self.risk,
            opened_at=self.opened_at or self.now(),
            closed_at=self.closed_at,
            awaiting=self.awaiting,
            status=self.status().model_dump(mode="json", exclude={"history"}),
            events=events,
        )
        self.synced = len(self.history)
        await workflow.execute_activity_method(
            CaseActivities.sync_case,
            snapshot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )

    # ---------------------------------------------------------------- waiting

    async def wait_until(
        self,
        done: Callable[[], bool],
        alarms: Callable[[], list[tuple[str, datetime]]] | None = None,
    ) -> str | None:
        """Wait for `done()`; return None then, or the name of the first alarm that rings.

        Meanwhile: remind the person awaited when their step is overdue and escalate to
        the manager if it stays overdue; keep the store in step with recorded signals;
        raise Declined if the case's manager declines access (para 22).
        """
        while True:
            if self.declined is not None:
                raise Declined(self.declined)
            if done():
                return None
            now = self.now()
            ringing = sorted((alarms() if alarms else []), key=lambda a: a[1])
            if ringing and ringing[0][1] <= now:
                return ringing[0][0]
            if await self.chase_overdue(now):
                continue
            if self.synced < len(self.history):
                await self.sync()
                continue
            wakes = [when for _, when in ringing]
            if chase_at := self.next_chase():
                wakes.append(chase_at)
            timeout = (min(wakes) - now) if wakes else None
            wake, seen = self.wake, len(self.history)
            self.idle = True
            try:
                await workflow.wait_condition(
                    lambda: (
                        done() or self.declined is not None or self.wake != wake or len(self.history) != seen
                    ),
                    timeout=timeout,
                )
            except TimeoutError:
                pass
            finally:
                self.idle = False

    def next_chase(self) -> datetime | None:
        """When the awaited person is next chased: at the due date (or, while the clock is
        paused, the date it must be resumed by), then escalation some days later."""
        step = self.awaiting
        if step is None or not step.chase or step.due is None:
            return None
        if step.paused_since is not None and step.resume_by is not None:
            if not step.reminded:
                return end_of_day(step.resume_by)
            if not step.escalated:
                return end_of_day(self.rules.durations.escalate_after.after(step.resume_by))
            return None
        if not step.reminded:
            return end_of_day(step.due)
        if not step.escalated:
            return end_of_day(self.rules.durations.escalate_after.after(step.due))
        return None

    async def chase_overdue(self, now: datetime) -> bool:
        """Delay is what complainants resent most: chase overdue steps, then escalate."""
        step = self.awaiting
        chase_at = self.next_chase()
        if step is None or chase_at is None or chase_at > now:
            return False
        who = step.actor_id or step.actor_role
        if step.paused_since is not None:
            what = f"{step.action}: clock paused ({step.pause_reason}) and not resumed by {step.resume_by}"
        else:
            what = f"{step.action} overdue (due {step.due})"
        if not step.reminded:
            step.reminded = True
            self.record(SYSTEM, f"reminder: {what}", [], who)
            await self.letter(
                "task_overdue",
                self.staff(who, step.actor_role),
                context={"step": step.model_dump(mode="json")},
            )
        else:
            step.escalated = True
            manager = self.manager or "operations-manager"
            self.record(SYSTEM, f"escalated to {manager}: {what}", [], who)
            await self.letter(
                "task_escalated",
                self.staff(manager, "manager"),
                cc=[self.staff(who, step.actor_role)],
                context={"step": step.model_dump(mode="json")},
            )
        self.publish()
        return True

    async def deliver(self, name: str, msg: Message) -> Status:
        """Hand an accepted update to the stage waiting for it; answer once it is acted on."""
        self.inbox[name] = msg
        self.wake += 1
        await workflow.wait_condition(
            lambda: self.closed_and_recorded or (name not in self.inbox and self.idle)
        )
        return self.status()

    async def take(
        self, name: str, alarms: Callable[[], list[tuple[str, datetime]]] | None = None
    ) -> Message | str:
        """Wait for the update `name`; returns it, or the alarm that rang first."""
        rang = await self.wait_until(lambda: name in self.inbox, alarms)
        if rang is not None:
            return rang
        return self.inbox.pop(name)

    async def settle(self) -> Status:
        self.wake += 1
        await workflow.wait_condition(lambda: self.closed_and_recorded or self.idle)
        return self.status()

    # ---------------------------------------------------------------- letters

    def service_user(self) -> Recipient:
        return Recipient(
            role="service_user",
            id=f"service-user:{self.case_ref}",
            name=self.complainant.name,
            email=self.complainant.email,
            address=self.complainant.address,
        )

    def staff(self, person: str, role: str) -> Recipient:
        return Recipient(role=role, id=person, email=f"{person}@{self.rules.staff_email_domain}")

    def mailbox(self, name: str) -> Recipient:
        return self.staff(getattr(self.rules, f"{name}_mailbox", name), name)

    async def letter(
        self,
        kind: str,
        to: Recipient,
        *,
        paragraphs: list[str] | None = None,
        context: dict[str, Any] | None = None,
        cc: list[Recipient] | None = None,
        ends_internal_process: bool = False,
    ) -> LetterRecord:
        """Send one letter through the outbox; its key makes a retry send nothing new."""
        self.letter_seq += 1
        copies = list(cc or [])
        if self.copy_oat and to.role != "oat":
            copies.append(self.mailbox("oat"))  # "further oversight": OAT copied (para 27)
        request = LetterRequest(
            workflow_id=workflow.info().workflow_id,
            key=f"{self.letter_seq:03d}-{kind}",
            kind=kind,
            case_ref=self.case_ref,
            to=to,
            cc=copies,
            at=self.now(),
            paragraphs=paragraphs or [],
            reasonable_adjustments=self.reasonable_adjustments,
            ends_internal_process=ends_internal_process,
            context=context or {},
        )
        sent: LetterRecord = await workflow.execute_activity_method(
            CaseActivities.send_letter,
            request,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
        self.letters.append(sent)
        return sent

    async def share_learning(self, actor: Actor, points: list[LearningPoint], paragraphs: list[str]) -> None:
        """Paras 19, 55-56, Annex A: learning is recorded on the case and sent to the case
        owner's line manager (an operations manager for a caseworker, an assistant
        director for an operations manager); organisational learning and good practice
        also go to the wider organisation."""
        assert self.manager is not None
        self.learning_points.extend(points)
        kinds = ", ".join(sorted({p.kind.value for p in points}))
        self.record(actor, "learning points recorded on the case", paragraphs, kinds)
        role = line_manager_role(self.owner_role).value
        cc: list[Recipient] = []
        if any(p.kind is not LearningPointKind.INDIVIDUAL for p in points):
            cc.append(self.mailbox("organisational_learning"))
        sent = await self.letter(
            "learning_points",
            self.staff(self.manager, role),
            cc=cc,
            paragraphs=paragraphs,
            context={
                "points": [p.model_dump(mode="json") for p in points],
                "owner": self.owner,
                "owner_role": self.owner_role.value,
            },
        )
        shared = f"sent to the line manager {self.manager} ({role}), letter {sent.key}"
        if cc:
            shared += "; shared with the wider organisation"
        self.reach("19", shared)

    async def open_new_case(self, kind: str, summary: str, advice: str, priority: bool) -> str:
        """Paras 57, 64: shared services create the new case; the link goes both ways."""
        created: NewCaseCreated = await workflow.execute_activity_method(
            CaseActivities.open_new_case,
            NewCaseRequest(
                workflow_id=workflow.info().workflow_id,
                key=f"new-case-{len(self.links.new_cases) + 1}",
                from_case_ref=self.case_ref,
                kind=kind,
                priority=priority,
                summary=summary,
                allocation_advice=advice,
                at=self.now(),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
        self.links.new_cases.append(created.case_ref)
        return created.case_ref

    async def take_either(self, *names: str) -> Any:
        await self.wait_until(lambda: any(n in self.inbox for n in names))
        name = next(n for n in names if n in self.inbox)
        return self.inbox.pop(name)

    def record_approval(
        self, msg: Message, rule: ApprovalRule, proposal: str, proposed_by: str, approved: bool
    ) -> None:
        """Paras 72-73: every approval or rejection is audited with the rule that allowed it."""
        self.approvals.append(
            ApprovalRecord(
                proposal=proposal,
                proposed_by=proposed_by,
                decision="approved" if approved else "rejected",
                by=msg.actor.id,
                role=msg.actor.role.value,
                at=self.now(),
                rule=rule.text(),
                note=msg.note,
            )
        )
        self.record(
            msg.actor,
            ("approved: " if approved else "rejected: ") + proposal,
            rule.paragraphs or ["72"],
            f"{rule.text()}. {msg.note}".strip(),
        )

    async def start_reclassified(self, workflow_type: str, opened: Any, suffix: str) -> str:
        """Paras 12, 48: the complaint goes on as the other kind. The new case is its own
        workflow (it outlives this one: ABANDON) and the link is kept on both records."""
        new_id = f"{workflow.info().workflow_id}/{suffix}"
        await workflow.start_child_workflow(
            workflow_type,
            opened,
            id=new_id,
            memo={CLOCK_OFFSET_MEMO: self.offset.total_seconds()},
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )
        self.links.reclassified_to = new_id
        return new_id

    # ---------------------------------------------------------------- closing

    def before_close(self) -> None:
        """Hook for subclasses: last computations at the decision that closes the case."""

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
        self.outcome = outcome
        self.end_pause()
        self.awaiting = None
        ends = outcome not in OUTCOMES_WHERE_COMPLAINT_CONTINUES and self.kind in (Kind.DECISION_COMPLAINT,)
        self.before_close()
        if letter:
            letter_paragraphs = paragraphs + (["74"] if ends else [])
            recipients = [self.service_user(), *(also_to or [])]
            for to in recipients:
                sent = await self.letter(
                    "closing",
                    to,
                    paragraphs=letter_paragraphs,
                    ends_internal_process=ends,
                    context={"outcome": outcome.value, "reason": reason, **(context or {})},
                )
            if ends:
                self.reach("74", f"closing letter {sent.key} says the internal process has ended")
        self.closed_at = self.now()
        self.stage = Stage.CLOSED
        self.record(actor, f"closed: {outcome.value}", paragraphs, reason)
        self.settle_ledger()
        self.cancel_children()
        self.publish()
        await self.sync()
        self.closed_and_recorded = True
        return Stage.CLOSED

    def cancel_children(self) -> None:
        """Subclasses with child workflows stop them when the case closes early."""

    async def finish(self) -> Status:
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ----------------------------------------------------------------- status

    def ledger_unmet(self) -> list[str]:
        return sorted((p for p, e in self.ledger.items() if e.applies and e.satisfied_at is None), key=int)

    def status(self) -> Status:
        return Status(
            workflow_id=workflow.info().workflow_id,
            kind=self.kind.value,
            case_ref=self.case_ref,
            stage=self.stage,
            outcome=self.outcome.value if self.outcome else None,
            reasonable_adjustments=self.reasonable_adjustments,
            awaiting=self.awaiting,
            history=self.history,
            letters=self.letters,
            ledger=sorted(self.ledger.values(), key=lambda e: int(e.paragraph)),
            approvals=self.approvals,
            learning_points=self.learning_points,
            links=self.links,
            risk=self.risk,
            owner=self.owner,
            manager=self.manager,
            tasks=self.tasks,
            closed_at=self.closed_at,
            ledger_unmet=self.ledger_unmet() if self.outcome else [],
            pauses=self.pauses,
            time_paused_days=self.time_paused_days(),
            clock_paused=bool(self.awaiting and self.awaiting.paused_since),
            **self.extra_status(),
        )

    def extra_status(self) -> dict[str, Any]:
        return {}

    # ------------------------------------------------------- shared validators

    def require_open(self) -> None:
        if self.stage is Stage.CLOSED:
            raise Refused(f"case {self.case_ref} is closed ({self.outcome.value if self.outcome else ''})")

    def require_stage(self, name: str, *stages: Stage) -> None:
        self.require_open()
        if self.stage not in stages:
            allowed = " or ".join(s.value for s in stages)
            raise Refused(
                f"{name} is not expected now: case {self.case_ref} is at stage "
                f"{self.stage.value}, {name} belongs to {allowed}"
            )
        if name in self.inbox:
            raise Refused(f"{name} has already been received and is being acted on")

    def require_manager_or_above(self, actor: Actor) -> None:
        """Para 22: the case's manager, or anyone ranked above an operations manager."""
        position = rank(actor.role)
        if actor.id == self.manager:
            return
        if position is not None and position > rank(Role.OPERATIONS_MANAGER):  # type: ignore[operator]
            return
        raise Refused(
            f"{actor} may not decline access: only the case's manager ({self.manager}) or a "
            "more senior manager may (para 22)"
        )

    # ------------------------------------------------ paused clocks (every kind)

    def pause_now(self, actor: Actor, reason: str, resume_by: date | None) -> None:
        step = self.awaiting
        assert step is not None
        step.paused_since = self.now()
        step.pause_reason = reason
        step.resume_by = resume_by or self.rules.durations.pause_limit.after(self.today())
        step.reminded = step.escalated = False
        self.pauses.append(
            Pause(step=step.action, by=str(actor), reason=reason, since=self.now(), resume_by=step.resume_by)
        )
        self.record(actor, f"clock paused: {step.action}", [], f"{reason}; resume by {step.resume_by}")
        self.publish()

    def resume_now(self, actor: Actor | str, why: str) -> None:
        """The step's due date moves on by the days its clock was stopped."""
        step = self.awaiting
        if step is None or step.paused_since is None:
            return
        days = (self.today() - london_date(step.paused_since)).days
        if step.due is not None:
            step.due = step.due + timedelta(days=days)
        step.paused_since = None
        step.pause_reason = ""
        step.resume_by = None
        step.reminded = step.escalated = False
        if self.pauses and self.pauses[-1].until is None:
            self.pauses[-1].until = self.now()
            self.pauses[-1].days = days
        self.record(
            actor, f"clock resumed: {step.action}", [], f"{why}; paused {days} day(s); due {step.due}"
        )
        self.publish()

    def end_pause(self) -> None:
        """A step that ends while its clock is paused closes its pause on the record."""
        if self.awaiting is not None and self.awaiting.paused_since is not None:
            self.resume_now(SYSTEM, f"{self.awaiting.action} no longer awaited")

    def time_paused_days(self) -> int:
        """Days paused in all, counting a pause still running up to today."""
        total = 0
        for pause in self.pauses:
            end = london_date(pause.until) if pause.until else self.today()
            total += (end - london_date(pause.since)).days
        return total

    def check_pause(self, actor: Actor, *, pausing: bool) -> None:
        self.require_open()
        step = self.awaiting
        if step is None or not step.chase:
            raise Refused(
                f"nothing at stage {self.stage.value} waits on a member of staff, so there is no clock to "
                + ("pause" if pausing else "resume")
            )
        if pausing and step.paused_since is not None:
            raise Refused(f"the clock for {step.action} is already paused since {step.paused_since:%Y-%m-%d}")
        if not pausing and step.paused_since is None:
            raise Refused(f"the clock for {step.action} is not paused")
        awaited = actor.id == step.actor_id or (step.actor_id is None and actor.role.value == step.actor_role)
        if not awaited and actor.id != self.manager:
            raise Refused(
                f"{actor} may not pause or resume this clock: only whoever owes {step.action} "
                f"({step.actor_id or step.actor_role}) or the case's manager ({self.manager})"
            )

    @workflow.update
    async def pause_clock(self, msg: PauseClock) -> Status:
        self.pause_now(msg.actor, msg.reason, msg.resume_by)
        self.wake += 1
        return await self.settle()

    @pause_clock.validator
    def _check_pause_clock(self, msg: PauseClock) -> None:
        self.check_pause(msg.actor, pausing=True)
        if msg.resume_by is not None and msg.resume_by <= self.today():
            raise Refused(f"resume_by {msg.resume_by} must be after today ({self.today()})")

    @workflow.update
    async def resume_clock(self, msg: ResumeClock) -> Status:
        self.resume_now(msg.actor, msg.note or "resumed")
        self.wake += 1
        return await self.settle()

    @resume_clock.validator
    def _check_resume_clock(self, msg: ResumeClock) -> None:
        self.check_pause(msg.actor, pausing=False)

    def service_user_replied(self, what: str) -> None:
        """Whatever the service user sends restarts a clock stopped to wait for them."""
        if self.awaiting is not None and self.awaiting.paused_since is not None:
            self.resume_now("service_user", f"the service user sent {what}")

    # ------------------------------------------------- para 22 (every complaint)

    @workflow.update
    async def decline_unacceptable_behaviour(self, msg: DeclineUnacceptableBehaviour) -> Status:
        """Answers once the case is closed, so the caller sees the outcome (22)."""
        self.declined = msg
        self.wake += 1
        await workflow.wait_condition(lambda: self.closed_and_recorded)
        return self.status()

    @decline_unacceptable_behaviour.validator
    def _check_decline(self, msg: DeclineUnacceptableBehaviour) -> None:
        self.require_open()
        if self.kind is Kind.POSITIVE_FEEDBACK:
            raise Refused("positive feedback is not a complaint; there is no access to decline (22)")
        if self.declined is not None:
            raise Refused("access has already been declined")
        self.require_manager_or_above(msg.actor)
