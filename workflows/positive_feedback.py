"""Positive feedback (paras 7-9): PositiveFeedbackWorkflow.

Saved to the case promptly (7); a task 'positive feedback received' for the receiving
caseworker's manager with the main contents, linked to the record (8); the manager's
comments go to the caseworker, copied to the Directors and the Chief Executive, and the
task closes (9).
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain import permissions
    from domain.enums import Kind, Outcome, Role, Stage
    from domain.models import ManagerReview, PositiveFeedbackOpened, Status, StatusExtra
    from domain.state import FeedbackRun, FeedbackState, carrying, open_input_of
    from workflows.case.core import CaseCore
    from workflows.case.handlers import ClockHandlers, UnknownSignals, WouldTakeQuery
    from workflows.case.kind import KindHooks
    from workflows.case.runs import carried, refuse_forged

SUBJECT = "positive feedback received"  # para 8, word for word


class FeedbackKind(KindHooks[FeedbackState]):
    """What positive feedback adds to the core: the day it was received (8)."""

    def status(self, case: CaseCore[FeedbackState]) -> StatusExtra:
        return StatusExtra(received_on=case.state.received_on)

    def next_run(self, case: CaseCore[FeedbackState]) -> FeedbackRun:
        return carrying(FeedbackRun, case.state)


@workflow.defn
class PositiveFeedbackWorkflow(ClockHandlers, UnknownSignals, WouldTakeQuery):
    @workflow.init
    def __init__(self, opened: FeedbackRun) -> None:
        state = carried(opened) or FeedbackState(
            kind=Kind.POSITIVE_FEEDBACK,
            case_ref=opened.case.ref,
            owner=opened.case.owner,
            manager=opened.case.manager,
            owner_role=opened.case.owner_role,
            opened=open_input_of(opened, PositiveFeedbackOpened),
        )
        self.case = CaseCore(state, FeedbackKind())
        self.state = state
        self.case.checks["manager_review"] = self.check_manager_review

    @workflow.run
    async def run(self, opened: FeedbackRun) -> Status:
        c = self.case
        refuse_forged(opened)
        if carried(opened) is None:
            await c.begin()
            self.state.received_on = opened.received_on or c.today()
        return await c.run_stages(
            {Stage.INTAKE: self.at_intake, Stage.AWAITING_MANAGER_REVIEW: self.at_awaiting_manager_review}
        )

    async def at_intake(self) -> Stage:
        await self.case.enter(
            Stage.INTAKE, paragraphs=["7"], detail=f"{self.state.opened.channel.value} from the service user"
        )
        await self.save_to_case_record()
        await self.task_for_manager()
        return Stage.AWAITING_MANAGER_REVIEW

    async def save_to_case_record(self) -> None:
        """Para 7: saved to the relevant case in a timely way after it is received."""
        c, opened, received = self.case, self.state.opened, self.state.received_on or self.case.today()
        c.record(
            opened.received_by,
            f"positive feedback saved to case {c.state.case_ref}",
            ["7"],
            f"{opened.channel.value} received {received}: {opened.content[:200]}",
        )
        within = c.rules.durations.feedback_saved_within
        if c.today() <= c.after(within, received):
            c.reach("7", f"saved {c.today()}, received {received}")
        else:
            c.reach(
                "7", f"saved {c.today()}, received {received}: later than {within} after receipt", met=False
            )

    async def task_for_manager(self) -> None:
        """Para 8: the task carries the subject, the main contents and the link to the record."""
        c, opened, manager = self.case, self.state.opened, self.state.manager
        record = workflow.info().workflow_id
        c.add_task(
            SUBJECT,
            manager,
            "operations_manager",
            ["8"],
            f"{opened.content[:500]} (case record {c.state.case_ref}, workflow {record})",
            chased=False,  # it is the manager_review step, chased as a step
            announced=True,  # by the letter below
        )
        sent = await c.letter(
            "positive_feedback_received",
            c.staff(manager, "manager"),
            paragraphs=["8"],
            context={
                "subject": SUBJECT,
                "content": opened.content,
                "channel": opened.channel.value,
                "received_by": opened.received_by,
                "record": record,
            },
        )
        c.reach("8", f"task '{SUBJECT}' for {manager} with the contents, linked ({sent.key})")

    async def at_awaiting_manager_review(self) -> Stage:
        c, opened = self.case, self.state.opened
        if c.arriving(Stage.AWAITING_MANAGER_REVIEW):
            await c.enter(
                Stage.AWAITING_MANAGER_REVIEW,
                action="manager_review",
                role=Role.OPERATIONS_MANAGER,
                actor_id=self.state.manager,
                paragraphs=["8", "9"],
            )
        msg: ManagerReview = await c.take("manager_review")
        c.record(msg.actor, "manager reviewed the positive feedback", ["9"], msg.comments)
        if c.guidance.tasks_reach_people:  # the task was this step; it is not left open (v8)
            c.tasks_done(SUBJECT, msg.actor, "reviewed")
        copies = [c.staff(who, "director") for who in c.rules.copies_for_positive_feedback]
        sent = await c.letter(
            "positive_feedback_comments",
            c.staff(opened.received_by, "caseworker"),
            cc=copies,
            paragraphs=["9"],
            context={"comments": msg.comments, "content": opened.content},
        )
        c.reach("9", f"comments to {opened.received_by}, copied to {len(copies)} ({sent.key})")
        c.record(msg.actor, f"task closed: {SUBJECT}", ["9"])
        return await c.close(
            Outcome.FEEDBACK_REVIEWED,
            reason="reviewed by the manager",
            paragraphs=["9"],
            actor=msg.actor,
            letter=False,
        )

    @workflow.query
    def status(self) -> Status:
        return self.case.status()

    def check_manager_review(self, msg: ManagerReview) -> None:
        self.case.require_stage("manager_review")
        if not self.case.stands_in(msg.actor):  # once overdue, someone more senior (design.md, "Time")
            permissions.check_manager(msg.actor, self.state.manager, "manager_review", "9")
        permissions.check_comments(msg.comments)

    @workflow.update
    async def manager_review(self, msg: ManagerReview) -> Receipt:
        return await self.case.deliver("manager_review", msg)

    @manager_review.validator
    def _v_manager_review(self, msg: ManagerReview) -> None:
        self.case.validate("manager_review", msg)
