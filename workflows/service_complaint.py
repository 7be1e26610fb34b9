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

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract.receipts import Receipt
    from domain import permissions
    from domain.authority import require_role
    from domain.enums import Kind, Outcome, Role, Stage
    from domain.models import (
        Actor,
        CloseUnresolved,
        ComplaintOpened,
        DecidedCase,
        Escalate,
        Escalation,
        ManagerResolution,
        OatServiceAdvice,
        Proposal,
        Reclassify,
        ServiceComplaintDecision,
        ServiceComplaintOpened,
        Status,
        StatusExtra,
    )
    from domain.state import ServiceRun, ServiceState, carrying, open_input_of
    from workflows.case import acknowledge
    from workflows.case.approvals import ApprovalHandlers, approval_checks, awaiting_approval, propose
    from workflows.case.core import CaseCore
    from workflows.case.handlers import (
        ClockHandlers,
        DeclineHandler,
        EvidenceHandler,
        UnknownSignals,
        WouldTakeQuery,
    )
    from workflows.case.kind import KindHooks
    from workflows.case.learning import share_learning
    from workflows.case.runs import carried, refuse_forged
    from workflows.reclassify import start_reclassified

Case = CaseCore[ServiceState]
FIRST_CONTACT = ("manager_resolution", "reclassify_as_decision_complaint", "oat_service_advice")
CONSIDERATION = (
    "service_complaint_decision",
    "escalate",
    "close_unresolved",
    "reclassify_as_decision_complaint",
    "oat_service_advice",
)
REMEDY = "service complaint remedy"


class ServiceKind(KindHooks[ServiceState]):
    """What a service complaint adds to the core: who handles it and its escalations."""

    def status(self, case: CaseCore[ServiceState]) -> StatusExtra:
        state = case.state
        return StatusExtra(
            handler=state.handler, received_on=state.received_on, escalations=state.escalations
        )

    def next_run(self, case: CaseCore[ServiceState]) -> ServiceRun:
        return carrying(ServiceRun, case.state)


@workflow.defn
class ServiceComplaintWorkflow(
    ApprovalHandlers, ClockHandlers, DeclineHandler, EvidenceHandler, UnknownSignals, WouldTakeQuery
):
    @workflow.init
    def __init__(self, opened: ServiceRun) -> None:
        state = carried(opened) or ServiceState(
            kind=Kind.SERVICE_COMPLAINT,
            case_ref=opened.case.ref,
            owner=opened.case.owner,
            manager=opened.case.manager,
            owner_role=opened.case.owner_role,
            complainant=opened.complainant,
            reasonable_adjustments=opened.reasonable_adjustments,
            opened=open_input_of(opened, ServiceComplaintOpened),
        )
        self.case = c = CaseCore(state, ServiceKind())
        self.state = state
        c.about_staff = list(state.opened.about.staff)
        c.checks.update(
            {
                "manager_resolution": self.check_manager_resolution,
                "reclassify_as_decision_complaint": self.check_reclassify,
                "escalate": self.check_escalate,
                "service_complaint_decision": lambda m: self.check_handler(
                    "service_complaint_decision", m.actor
                ),
                "close_unresolved": lambda m: self.check_handler("close_unresolved", m.actor),
                "oat_service_advice": self.check_oat_service_advice,
                **approval_checks(c),
            }
        )

    @workflow.run
    async def run(self, opened: ServiceRun) -> Status:
        c, state = self.case, self.state
        refuse_forged(opened)
        if carried(opened) is None:
            await c.begin()
            if state.complainant.name or state.complainant.email or state.complainant.address:
                acknowledge.received(c, "your complaint about our service")
            state.received_on = opened.received_on or c.today()
            state.links.reclassified_from = opened.reclassified_from
        return await c.run_stages(
            {
                Stage.INTAKE: self.at_intake,
                Stage.MANAGER_RESOLUTION: self.at_manager_resolution,
                Stage.CONSIDERATION: self.at_consideration,
                Stage.AWAITING_APPROVAL: lambda: awaiting_approval(
                    c, approved=self.uphold, rejected_to=Stage.CONSIDERATION
                ),
            }
        )

    # ================================================================ stages

    async def at_intake(self) -> Stage:
        """Para 13: considered by, or passed to, the case owner's manager."""
        c, opened = self.case, self.state.opened
        await c.enter(
            Stage.INTAKE,
            paragraphs=["10", "13"],
            detail=f"about {opened.about.text or 'our service'}: {opened.summary[:200]}",
        )
        c.add_task(
            "resolve service complaint", c.state.manager, "operations_manager", ["13", "14"], opened.summary
        )
        sent = await c.letter(
            "service_complaint_received",
            c.staff(c.state.manager, "manager"),
            paragraphs=["13", "14", "16"],
            context={"about": opened.about.text, "summary": opened.summary},
        )
        c.reach("13", f"passed to the case owner's manager {c.state.manager} ({sent.key})")
        return Stage.MANAGER_RESOLUTION

    async def at_manager_resolution(self) -> Stage:
        """Paras 14, 16: the manager attempts to resolve it, often at first contact."""
        c = self.case
        if c.arriving(Stage.MANAGER_RESOLUTION):
            await c.enter(
                Stage.MANAGER_RESOLUTION,
                action="manager_resolution",
                role=Role.OPERATIONS_MANAGER,
                actor_id=c.state.manager,
                paragraphs=["14", "16"],
            )
        msg = await self.take_passing_on_advice(FIRST_CONTACT)
        if isinstance(msg, Reclassify):
            return await self.reclassify(msg)
        action = msg.action.value if msg.action else "no action named"
        c.reach("14", f"{msg.actor} attempted to resolve it: {action}. {msg.note}".strip())
        if msg.resolved:
            return await c.close(
                Outcome.RESOLVED_BY_MANAGER,
                reason=msg.note,
                paragraphs=["14", "16"],
                actor=msg.actor,
                context={"action": msg.action.value if msg.action else None},
            )
        c.record(msg.actor, "not resolved at first contact; to consideration", ["15", "17"], msg.note)
        self.state.handler = msg.actor
        return Stage.CONSIDERATION

    async def at_consideration(self) -> Stage:
        """Paras 11, 15, 17: consider, escalate up the chain, or close unresolved."""
        c, handler = (
            self.case,
            self.state.handler or Actor(id=self.state.manager, role=Role.OPERATIONS_MANAGER),
        )
        if c.arriving(Stage.CONSIDERATION):
            await c.enter(
                Stage.CONSIDERATION,
                action="service_complaint_decision",
                role=handler.role,
                actor_id=handler.id,
                paragraphs=["15", "17"],
            )
        msg = await self.take_passing_on_advice(CONSIDERATION)
        if isinstance(msg, Reclassify):
            return await self.reclassify(msg)
        if isinstance(msg, Escalate):
            return await self.escalate_to(msg)
        if isinstance(msg, CloseUnresolved):
            return await c.close(
                Outcome.CLOSED_UNRESOLVED, reason=msg.reason, paragraphs=["11", "15"], actor=msg.actor
            )
        return await self.decide(msg)

    async def take_passing_on_advice(self, expected: tuple[str, ...]) -> Any:
        """Para 15: OAT's advice on handling is passed to whoever holds the complaint
        whenever it comes; the stage goes on waiting for its own message."""
        msg = await self.case.take(*expected)
        while isinstance(msg, OatServiceAdvice):
            handler = self.state.handler.id if self.state.handler else self.state.manager
            self.state.oat_advice.append(msg.advice)
            self.case.record(msg.actor, "OAT advice on handling the service complaint", ["15"], msg.advice)
            await self.case.letter(
                "oat_service_advice",
                self.case.staff(handler, "manager"),
                paragraphs=["15"],
                context={"advice": msg.advice},
            )
            msg = await self.case.take(*expected)
        return msg

    async def escalate_to(self, msg: Escalate) -> Stage:
        """Paras 11, 15: up the management chain, in rare circumstances."""
        c = self.case
        self.state.escalations.append(
            Escalation(by=str(msg.actor), to=str(msg.to), reason=msg.reason, at=c.now())
        )
        c.record(msg.actor, f"escalated to {msg.to}", ["11", "15"], msg.reason)
        await c.letter(
            "service_complaint_escalated",
            c.staff(msg.to.id, msg.to.role.value),
            paragraphs=["11", "15", "17"],
            context={"by": str(msg.actor), "reason": msg.reason},
        )
        self.state.handler = msg.to
        return Stage.CONSIDERATION

    async def decide(self, msg: ServiceComplaintDecision) -> Stage:
        """Para 17: what happened, what should have happened, the difference; 18: remedy."""
        c = self.case
        self.state.decision = msg
        c.record(
            msg.actor,
            "service complaint " + ("upheld" if msg.upheld else "not upheld"),
            ["17"],
            f"happened: {msg.what_happened} | should have: {msg.should_have_happened} | difference: {msg.difference}",
        )
        if not msg.upheld:
            if msg.learning_points:
                await self.learning(msg)
            return await c.close(
                Outcome.SERVICE_COMPLAINT_NOT_UPHELD,
                reason=msg.what_happened,
                paragraphs=["17"],
                actor=msg.actor,
            )
        amount = msg.remedy.amount_gbp if msg.remedy else 0
        rule = c.rules.delegation.rule_for("remedy", amount)
        if rule is not None:
            proposal = Proposal(
                route=REMEDY,
                proposed_by=msg.actor.id,
                proposer_role=msg.actor.role,
                amount_gbp=amount,
                remedy=msg.remedy,
                summary=msg.difference,
            )
            return propose(c, proposal, rule)
        return await self.uphold(msg.actor)

    async def uphold(self, actor: Actor) -> Stage:
        c, decision, handler = self.case, self.state.decision, self.state.handler
        if decision is None or decision.remedy is None or handler is None:  # pragma: no cover - set by decide
            return Stage.CONSIDERATION
        remedy = decision.remedy.model_dump(mode="json")
        c.reach("18", "remedy offered: " + ", ".join(remedy["kinds"]))
        # Para 18: upheld service complaints are recorded as service reviews.
        c.add_task(
            "record as a service review", handler.id, handler.role.value, ["18"], ", ".join(remedy["kinds"])
        )
        await c.letter(
            "service_review_record",
            c.staff(handler.id, handler.role.value),
            paragraphs=["18"],
            context={
                **decision.model_dump(
                    mode="json", include={"what_happened", "should_have_happened", "difference"}
                ),
                "remedy": remedy,
            },
        )
        await self.learning(decision)
        return await c.close(
            Outcome.SERVICE_COMPLAINT_UPHELD,
            reason=decision.difference,
            paragraphs=["17", "18"],
            actor=actor,
            context={"remedy": remedy},
        )

    async def learning(self, decision: ServiceComplaintDecision) -> None:
        """Para 19: learning shared with the line manager and the wider organisation."""
        if decision.learning_points:
            await share_learning(self.case, decision.actor, decision.learning_points, ["19"])
        elif decision.upheld:
            self.case.reach("19", "upheld with no learning point identified", met=False)

    async def reclassify(self, msg: Reclassify) -> Stage:
        """Para 12: really about the decision, so it is treated as a decision complaint."""
        c, case = self.case, self.state.opened.case
        new_id = await start_reclassified(
            c,
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
                raised_on=self.state.received_on,
                reasonable_adjustments=self.state.reasonable_adjustments,
                complainant=self.state.complainant,
                reclassified_from=workflow.info().workflow_id,
            ),
            "decision-complaint",
        )
        c.reach("12", f"treated as a decision complaint: {new_id}")
        return await c.close(
            Outcome.RECLASSIFIED_DECISION_COMPLAINT,
            reason=msg.reason,
            paragraphs=["12"],
            actor=msg.actor,
            context={"new_case": new_id},
        )

    @workflow.query
    def status(self) -> Status:
        return self.case.status()

    # ================================================================ checks

    def check_handler(self, name: str, actor: Actor) -> None:
        self.case.require_stage(name)
        permissions.check_handler(actor, self.state.handler, self.case.about_staff, name)

    def check_manager_resolution(self, msg: ManagerResolution) -> None:
        self.case.require_stage("manager_resolution")
        permissions.check_not_about(msg.actor, self.case.about_staff, "resolve it")
        permissions.check_manager(msg.actor, self.state.manager, "manager_resolution", "13-14")

    def check_reclassify(self, msg: Reclassify) -> None:
        state = self.state
        self.case.require_stage("reclassify_as_decision_complaint")
        permissions.check_reclassify(
            msg.actor,
            owner=state.owner,
            manager=state.manager,
            handler=state.handler,
            decided_on=msg.decided_on,
            today=self.case.today(),
        )

    def check_escalate(self, msg: Escalate) -> None:
        self.case.require_stage("escalate")
        permissions.check_escalate(
            msg.actor,
            self.state.handler,
            msg.to,
            self.case.rules.service_complaint_chain,
            self.case.about_staff,
        )

    def check_oat_service_advice(self, msg: OatServiceAdvice) -> None:
        self.case.require_stage("oat_service_advice")
        require_role(msg.actor, {Role.OAT_CASEWORKER}, "an OAT caseworker advises (15)")

    # ================================================================ updates

    @workflow.update
    async def manager_resolution(self, msg: ManagerResolution) -> Receipt:
        return await self.case.deliver("manager_resolution", msg)

    @manager_resolution.validator
    def _v_manager_resolution(self, msg: ManagerResolution) -> None:
        self.case.validate("manager_resolution", msg)

    @workflow.update
    async def reclassify_as_decision_complaint(self, msg: Reclassify) -> Receipt:
        return await self.case.deliver("reclassify_as_decision_complaint", msg)

    @reclassify_as_decision_complaint.validator
    def _v_reclassify(self, msg: Reclassify) -> None:
        self.case.validate("reclassify_as_decision_complaint", msg)

    @workflow.update
    async def escalate(self, msg: Escalate) -> Receipt:
        return await self.case.deliver("escalate", msg)

    @escalate.validator
    def _v_escalate(self, msg: Escalate) -> None:
        self.case.validate("escalate", msg)

    @workflow.update
    async def service_complaint_decision(self, msg: ServiceComplaintDecision) -> Receipt:
        return await self.case.deliver("service_complaint_decision", msg)

    @service_complaint_decision.validator
    def _v_decision(self, msg: ServiceComplaintDecision) -> None:
        self.case.validate("service_complaint_decision", msg)

    @workflow.update
    async def close_unresolved(self, msg: CloseUnresolved) -> Receipt:
        return await self.case.deliver("close_unresolved", msg)

    @close_unresolved.validator
    def _v_close_unresolved(self, msg: CloseUnresolved) -> None:
        self.case.validate("close_unresolved", msg)

    @workflow.update
    async def oat_service_advice(self, msg: OatServiceAdvice) -> Receipt:
        return await self.case.deliver("oat_service_advice", msg)

    @oat_service_advice.validator
    def _v_oat_service_advice(self, msg: OatServiceAdvice) -> None:
        self.case.validate("oat_service_advice", msg)
