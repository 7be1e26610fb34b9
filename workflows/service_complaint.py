"""A complaint about our service (paras 10-19): ServiceComplaintWorkflow.

Passed to the case owner's manager (13), who tries to resolve it (14, 16). If it stays
unresolved the handler considers it (17) — escalating up the management chain when
needed and asking OAT for advice (11, 15) — and upholds it with a remedy (18), does not
uphold it, or closes it unresolved (15). A payment waits for approval under the
Delegation Scheme (72). Learning goes to the line manager and the organisation (19). A
complaint that is really about the decision becomes a decision complaint (12). A service
complaint is not subject to a review (11).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import ApprovalRule, Refused, check_approver, rank, require_role
    from domain.enums import Kind, Outcome, Role, Stage
    from domain.models import (
        Actor,
        Approval,
        CloseUnresolved,
        ComplaintOpened,
        DecidedCase,
        Escalate,
        ManagerResolution,
        OatServiceAdvice,
        Reclassify,
        Rejection,
        ServiceComplaintDecision,
        ServiceComplaintOpened,
        Status,
    )
    from workflows.base import CaseWorkflow

CONSIDERATION_MESSAGES = (
    "service_complaint_decision",
    "escalate",
    "close_unresolved",
    "reclassify_as_decision_complaint",
    "oat_service_advice",
)


@workflow.defn
class ServiceComplaintWorkflow(CaseWorkflow):
    kind = Kind.SERVICE_COMPLAINT

    def __init__(self) -> None:
        super().__init__()
        self.opened: ServiceComplaintOpened | None = None
        self.received_on: date | None = None
        self.handler: Actor | None = None
        self.decision: ServiceComplaintDecision | None = None
        self.pending_rule: ApprovalRule | None = None
        self.escalations: list[dict[str, Any]] = []
        self.oat_advice: list[str] = []

    @workflow.run
    async def run(self, opened: ServiceComplaintOpened) -> Status:
        self.opened = opened
        await self.begin(
            case_ref=opened.case.ref,
            owner=opened.case.owner,
            manager=opened.case.manager,
            risk=None,
            reasonable_adjustments=opened.reasonable_adjustments,
            complainant=opened.complainant,
            owner_role=opened.case.owner_role,
        )
        self.received_on = opened.received_on or self.today()
        self.links.reclassified_from = opened.reclassified_from
        stages: dict[Stage, Callable[[], Awaitable[Stage]]] = {
            Stage.INTAKE: self.at_intake,
            Stage.MANAGER_RESOLUTION: self.at_manager_resolution,
            Stage.CONSIDERATION: self.at_consideration,
            Stage.AWAITING_APPROVAL: self.at_awaiting_approval,
        }
        return await self.run_stages(stages)

    # ================================================================ stages

    async def at_intake(self) -> Stage:
        """Para 13: considered by, or passed to, the case owner's manager."""
        assert self.opened is not None and self.manager is not None
        await self.enter(
            Stage.INTAKE,
            paragraphs=["10", "13"],
            detail=f"about {self.opened.about or 'our service'}: {self.opened.summary[:200]}",
        )
        self.add_task(
            "resolve service complaint", self.manager, "operations_manager", ["13", "14"], self.opened.summary
        )
        sent = await self.letter(
            "service_complaint_received",
            self.staff(self.manager, "manager"),
            paragraphs=["13", "14", "16"],
            context={"about": self.opened.about, "summary": self.opened.summary},
        )
        self.reach("13", f"passed to the case owner's manager {self.manager} ({sent.key})")
        return Stage.MANAGER_RESOLUTION

    async def at_manager_resolution(self) -> Stage:
        """Paras 14, 16: the manager attempts to resolve it, often at first contact."""
        await self.enter(
            Stage.MANAGER_RESOLUTION,
            action="manager_resolution",
            role=Role.OPERATIONS_MANAGER,
            actor_id=self.manager,
            paragraphs=["14", "16"],
        )
        expected = ("manager_resolution", "reclassify_as_decision_complaint", "oat_service_advice")
        msg = await self.take_either(*expected)
        while isinstance(msg, OatServiceAdvice):
            await self.pass_on_oat_advice(msg)
            msg = await self.take_either(*expected)
        if isinstance(msg, Reclassify):
            return await self.reclassify(msg)
        assert isinstance(msg, ManagerResolution)
        action = msg.action.value if msg.action else "no action named"
        self.reach("14", f"{msg.actor} attempted to resolve it: {action}. {msg.note}".strip())
        if msg.resolved:
            return await self.close(
                Outcome.RESOLVED_BY_MANAGER,
                reason=msg.note,
                paragraphs=["14", "16"],
                actor=msg.actor,
                context={"action": msg.action.value if msg.action else None},
            )
        self.record(msg.actor, "not resolved at first contact; to consideration", ["15", "17"], msg.note)
        self.handler = msg.actor
        return Stage.CONSIDERATION

    async def at_consideration(self) -> Stage:
        """Paras 11, 15, 17: consider, escalate up the chain, or close unresolved."""
        assert self.handler is not None
        await self.enter(
            Stage.CONSIDERATION,
            action="service_complaint_decision",
            role=self.handler.role,
            actor_id=self.handler.id,
            paragraphs=["15", "17"],
        )
        msg = await self.take_either(*CONSIDERATION_MESSAGES)
        while isinstance(msg, OatServiceAdvice):
            await self.pass_on_oat_advice(msg)
            msg = await self.take_either(*CONSIDERATION_MESSAGES)
        if isinstance(msg, Reclassify):
            return await self.reclassify(msg)
        if isinstance(msg, Escalate):
            return await self.escalate_to(msg)
        if isinstance(msg, CloseUnresolved):
            return await self.close(
                Outcome.CLOSED_UNRESOLVED, reason=msg.reason, paragraphs=["11", "15"], actor=msg.actor
            )
        assert isinstance(msg, ServiceComplaintDecision)
        return await self.decide(msg)

    async def escalate_to(self, msg: Escalate) -> Stage:
        """Paras 11, 15: up the management chain, in rare circumstances."""
        self.escalations.append(
            {"from": str(msg.actor), "to": str(msg.to), "reason": msg.reason, "at": self.now().isoformat()}
        )
        self.record(msg.actor, f"escalated to {msg.to}", ["11", "15"], msg.reason)
        await self.letter(
            "service_complaint_escalated",
            self.staff(msg.to.id, msg.to.role.value),
            paragraphs=["11", "15", "17"],
            context={"by": str(msg.actor), "reason": msg.reason},
        )
        self.handler = msg.to
        return Stage.CONSIDERATION

    async def pass_on_oat_advice(self, msg: OatServiceAdvice) -> None:
        """Para 15: OAT can give advice on handling a service complaint."""
        handler = self.handler.id if self.handler else self.manager
        assert handler is not None
        self.oat_advice.append(msg.advice)
        self.record(msg.actor, "OAT advice on handling the service complaint", ["15"], msg.advice)
        await self.letter(
            "oat_service_advice",
            self.staff(handler, "manager"),
            paragraphs=["15"],
            context={"advice": msg.advice},
        )

    async def decide(self, msg: ServiceComplaintDecision) -> Stage:
        """Para 17: what happened, what should have happened, the difference; 18: remedy."""
        self.decision = msg
        self.record(
            msg.actor,
            "service complaint " + ("upheld" if msg.upheld else "not upheld"),
            ["17"],
            f"happened: {msg.what_happened} | should have: {msg.should_have_happened} | difference: {msg.difference}",
        )
        if not msg.upheld:
            if msg.learning_points:
                await self.learning(msg)
            return await self.close(
                Outcome.SERVICE_COMPLAINT_NOT_UPHELD,
                reason=msg.what_happened,
                paragraphs=["17"],
                actor=msg.actor,
            )
        assert msg.remedy is not None
        rule = self.rules.delegation.rule_for("remedy", msg.remedy.amount_gbp)
        if rule is not None:
            self.pending_rule = rule
            return Stage.AWAITING_APPROVAL
        return await self.uphold(msg, msg.actor)

    async def at_awaiting_approval(self) -> Stage:
        """Paras 18, 72: a payment on the severity scale, approved under the scheme."""
        assert self.pending_rule is not None and self.decision is not None
        rule = self.pending_rule
        await self.enter(
            Stage.AWAITING_APPROVAL,
            action="approve",
            role=rule.role,
            paragraphs=rule.paragraphs or ["72"],
            detail=rule.text(),
        )
        msg = await self.take_either("approve", "reject")
        approved = isinstance(msg, Approval)
        proposer = self.decision.actor.id
        self.record_approval(msg, rule, "service complaint remedy", proposer, approved)
        self.pending_rule = None
        if not approved:
            await self.letter(
                "proposal_rejected",
                self.staff(proposer, self.decision.actor.role.value),
                paragraphs=["72"],
                context={"reason": msg.note, "proposal": {"route": "service complaint remedy"}},
            )
            self.decision = None
            return Stage.CONSIDERATION
        return await self.uphold(self.decision, msg.actor)

    async def uphold(self, decision: ServiceComplaintDecision, actor: Actor) -> Stage:
        assert decision.remedy is not None and self.handler is not None
        remedy = decision.remedy.model_dump(mode="json")
        self.reach("18", "remedy offered: " + ", ".join(remedy["kinds"]))
        # Para 18: upheld service complaints are recorded as service reviews.
        self.add_task(
            "record as a service review",
            self.handler.id,
            self.handler.role.value,
            ["18"],
            ", ".join(remedy["kinds"]),
        )
        await self.letter(
            "service_review_record",
            self.staff(self.handler.id, self.handler.role.value),
            paragraphs=["18"],
            context={
                **decision.model_dump(
                    mode="json", include={"what_happened", "should_have_happened", "difference"}
                ),
                "remedy": remedy,
            },
        )
        await self.learning(decision)
        return await self.close(
            Outcome.SERVICE_COMPLAINT_UPHELD,
            reason=decision.difference,
            paragraphs=["17", "18"],
            actor=actor,
            context={"remedy": remedy},
        )

    async def learning(self, decision: ServiceComplaintDecision) -> None:
        """Para 19: learning shared with the line manager and the wider organisation."""
        if decision.learning_points:
            await self.share_learning(decision.actor, decision.learning_points, ["19"])
        elif decision.upheld:
            self.reach("19", "upheld with no learning point identified", met=False)

    async def reclassify(self, msg: Reclassify) -> Stage:
        """Para 12: really about the decision, so it is treated as a decision complaint."""
        assert self.opened is not None and self.owner and self.manager
        case = self.opened.case
        new_id = await self.start_reclassified(
            "DecisionComplaintWorkflow",
            ComplaintOpened(
                case=DecidedCase(
                    ref=case.ref,
                    owner=case.owner,
                    manager=case.manager,
                    owner_role=case.owner_role,
                    risk=msg.risk,
                    decision=msg.decision,
                    decided_on=msg.decided_on,
                ),
                raised_on=self.received_on,
                reasonable_adjustments=self.reasonable_adjustments,
                complainant=self.complainant,
                reclassified_from=workflow.info().workflow_id,
            ),
            "decision-complaint",
        )
        self.reach("12", f"treated as a decision complaint: {new_id}")
        return await self.close(
            Outcome.RECLASSIFIED_DECISION_COMPLAINT,
            reason=msg.reason,
            paragraphs=["12"],
            actor=msg.actor,
            context={"new_case": new_id},
        )

    # ================================================================ status

    @workflow.query
    def status(self) -> Status:
        return CaseWorkflow.status(self)

    def extra_status(self) -> dict[str, Any]:
        return {
            "handler": self.handler,
            "received_on": self.received_on,
            "proposal": self.decision.model_dump(mode="json")
            if self.decision and self.pending_rule
            else None,
        }

    # ================================================================ updates

    def require_handler(self, actor: Actor, name: str) -> None:
        assert self.handler is not None
        if actor.id != self.handler.id:
            raise Refused(f"{actor} may not send {name}: the complaint is with {self.handler} (paras 11, 15)")

    @workflow.update
    async def manager_resolution(self, msg: ManagerResolution) -> Status:
        return await self.deliver("manager_resolution", msg)

    @manager_resolution.validator
    def _check_manager_resolution(self, msg: ManagerResolution) -> None:
        self.require_stage("manager_resolution", Stage.MANAGER_RESOLUTION)
        if msg.actor.id != self.manager:
            raise Refused(
                f"{msg.actor} may not send manager_resolution: only the case owner's manager ({self.manager}) (13-14)"
            )

    @workflow.update
    async def reclassify_as_decision_complaint(self, msg: Reclassify) -> Status:
        return await self.deliver("reclassify_as_decision_complaint", msg)

    @reclassify_as_decision_complaint.validator
    def _check_reclassify(self, msg: Reclassify) -> None:
        self.require_stage("reclassify_as_decision_complaint", Stage.MANAGER_RESOLUTION, Stage.CONSIDERATION)
        allowed = {self.owner, self.manager} | ({self.handler.id} if self.handler else set())
        if msg.actor.id not in allowed:
            raise Refused(
                f"{msg.actor} may not reclassify: only the case owner ({self.owner}) or manager ({self.manager}) (12)"
            )
        if msg.decided_on > self.today():
            raise Refused(f"decided_on {msg.decided_on} is in the future")

    @workflow.update
    async def escalate(self, msg: Escalate) -> Status:
        return await self.deliver("escalate", msg)

    @escalate.validator
    def _check_escalate(self, msg: Escalate) -> None:
        self.require_stage("escalate", Stage.CONSIDERATION)
        self.require_handler(msg.actor, "escalate")
        assert self.handler is not None
        chain = self.rules.service_complaint_chain
        if msg.to.role not in chain:
            raise Refused(
                f"escalate.to must be in the management chain: {', '.join(r.value for r in chain)} (11, 15)"
            )
        here, there = rank(self.handler.role), rank(msg.to.role)
        if here is not None and there is not None and there <= here:
            raise Refused(
                f"escalate goes up the management chain: {msg.to.role.value} is not above {self.handler.role.value} (11)"
            )

    @workflow.update
    async def service_complaint_decision(self, msg: ServiceComplaintDecision) -> Status:
        return await self.deliver("service_complaint_decision", msg)

    @service_complaint_decision.validator
    def _check_decision(self, msg: ServiceComplaintDecision) -> None:
        self.require_stage("service_complaint_decision", Stage.CONSIDERATION)
        self.require_handler(msg.actor, "service_complaint_decision")

    @workflow.update
    async def close_unresolved(self, msg: CloseUnresolved) -> Status:
        return await self.deliver("close_unresolved", msg)

    @close_unresolved.validator
    def _check_close_unresolved(self, msg: CloseUnresolved) -> None:
        self.require_stage("close_unresolved", Stage.CONSIDERATION)
        self.require_handler(msg.actor, "close_unresolved")

    @workflow.update
    async def oat_service_advice(self, msg: OatServiceAdvice) -> Status:
        return await self.deliver("oat_service_advice", msg)

    @oat_service_advice.validator
    def _check_oat_service_advice(self, msg: OatServiceAdvice) -> None:
        self.require_stage("oat_service_advice", Stage.MANAGER_RESOLUTION, Stage.CONSIDERATION)
        require_role(msg.actor, {Role.OAT_CASEWORKER}, "an OAT caseworker advises (15)")

    @workflow.update
    async def approve(self, msg: Approval) -> Status:
        return await self.deliver("approve", msg)

    @approve.validator
    def _check_approve(self, msg: Approval) -> None:
        self.check_approval("approve", msg.actor)

    @workflow.update
    async def reject(self, msg: Rejection) -> Status:
        return await self.deliver("reject", msg)

    @reject.validator
    def _check_reject(self, msg: Rejection) -> None:
        self.check_approval("reject", msg.actor)
        if not msg.note.strip():
            raise Refused("a rejection needs a note with the reason, for whoever proposed it (72)")

    def check_approval(self, name: str, actor: Actor) -> None:
        self.require_stage(name, Stage.AWAITING_APPROVAL)
        if "approve" in self.inbox or "reject" in self.inbox:
            raise Refused("an approval decision has already been received")
        assert self.pending_rule is not None and self.decision is not None
        check_approver(self.pending_rule, actor, self.decision.actor.id)
