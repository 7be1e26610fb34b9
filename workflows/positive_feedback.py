"""Positive feedback (paras 7-9): PositiveFeedbackWorkflow.

Saved to the case promptly (7); a task 'positive feedback received' for the receiving
caseworker's manager with the main contents, linked to the record (8); the manager's
comments go to the caseworker, copied to the Directors and the Chief Executive, and the
task closes (9).
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import Refused
    from domain.enums import Kind, Outcome, Role, Stage
    from domain.models import SYSTEM, ManagerReview, PositiveFeedbackOpened, Status
    from workflows.base import CaseWorkflow

SUBJECT = "positive feedback received"  # para 8, word for word


@workflow.defn
class PositiveFeedbackWorkflow(CaseWorkflow):
    kind = Kind.POSITIVE_FEEDBACK

    def __init__(self) -> None:
        super().__init__()
        self.opened: PositiveFeedbackOpened | None = None
        self.received_on: date = date.min

    @workflow.run
    async def run(self, opened: PositiveFeedbackOpened) -> Status:
        self.opened = opened
        await self.begin(
            case_ref=opened.case.ref,
            owner=opened.case.owner,
            manager=opened.case.manager,
            risk=None,
            reasonable_adjustments=[],
            owner_role=opened.case.owner_role,
        )
        self.received_on = opened.received_on or self.today()
        await self.enter(
            Stage.INTAKE, paragraphs=["7"], detail=f"{opened.channel.value} from the service user"
        )
        await self.save_to_case_record()
        await self.task_for_manager()
        return await self.at_awaiting_manager_review()

    async def save_to_case_record(self) -> None:
        """Para 7: saved to the relevant case in a timely way after it is received."""
        assert self.opened is not None
        self.record(
            self.opened.received_by,
            f"positive feedback saved to case {self.case_ref}",
            ["7"],
            f"{self.opened.channel.value} received {self.received_on}: {self.opened.content[:200]}",
        )
        limit = self.rules.durations.feedback_saved_within.after(self.received_on)
        if self.today() <= limit:
            self.reach("7", f"saved {self.today()}, received {self.received_on}")
        else:
            self.reach(
                "7",
                f"saved {self.today()}, received {self.received_on}: later than "
                f"{self.rules.durations.feedback_saved_within} after receipt",
                met=False,
            )

    async def task_for_manager(self) -> None:
        """Para 8: the task carries the subject, the main contents and the link to the record."""
        assert self.opened is not None and self.manager is not None
        self.add_task(
            SUBJECT,
            self.manager,
            "operations_manager",
            ["8"],
            f"{self.opened.content[:500]} (case record {self.case_ref}, workflow {workflow.info().workflow_id})",
        )
        sent = await self.letter(
            "positive_feedback_received",
            self.staff(self.manager, "manager"),
            paragraphs=["8"],
            context={
                "subject": SUBJECT,
                "content": self.opened.content,
                "channel": self.opened.channel.value,
                "received_by": self.opened.received_by,
                "record": workflow.info().workflow_id,
            },
        )
        self.reach("8", f"task '{SUBJECT}' for {self.manager} with the contents, linked ({sent.key})")

    async def at_awaiting_manager_review(self) -> Status:
        assert self.opened is not None
        await self.enter(
            Stage.AWAITING_MANAGER_REVIEW,
            action="manager_review",
            role=Role.OPERATIONS_MANAGER,
            actor_id=self.manager,
            paragraphs=["8", "9"],
        )
        msg = await self.take("manager_review")
        assert isinstance(msg, ManagerReview)
        self.record(msg.actor, "manager reviewed the positive feedback", ["9"], msg.comments)
        copies = [self.staff(who, "director") for who in self.rules.copies_for_positive_feedback]
        sent = await self.letter(
            "positive_feedback_comments",
            self.staff(self.opened.received_by, "caseworker"),
            cc=copies,
            paragraphs=["9"],
            context={"comments": msg.comments, "content": self.opened.content},
        )
        self.reach("9", f"comments to {self.opened.received_by}, copied to {len(copies)} ({sent.key})")
        self.record(msg.actor, f"task closed: {SUBJECT}", ["9"])
        await self.close(
            Outcome.FEEDBACK_REVIEWED,
            reason="reviewed by the manager",
            paragraphs=["9"],
            actor=msg.actor,
            letter=False,
        )
        return await self.finish()

    @workflow.query
    def status(self) -> Status:
        return CaseWorkflow.status(self)

    def extra_status(self) -> dict[str, object]:
        return {"received_on": self.received_on}

    @workflow.update
    async def manager_review(self, msg: ManagerReview) -> Status:
        return await self.deliver("manager_review", msg)

    @manager_review.validator
    def _check_manager_review(self, msg: ManagerReview) -> None:
        self.require_stage("manager_review", Stage.AWAITING_MANAGER_REVIEW)
        if msg.actor.id != self.manager:
            raise Refused(f"{msg.actor} may not review this feedback: only the manager ({self.manager}) (9)")
        if not msg.comments.strip():
            raise Refused("manager_review needs comments for the caseworker (9)")


__all__ = ["PositiveFeedbackWorkflow", "SYSTEM"]
