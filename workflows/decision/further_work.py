"""Paras 61-69, 73: a new detailed investigation (a child workflow gathers the parties'
comments, then OAT or the new case owner decide whether to proceed) and quashing a report
(raised with the Legal Team first); both are decided by the Ombudsman or a Deputy."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import Recipient
    from domain.authority import ApprovalRule, require_role
    from domain.enums import Outcome, Role, Stage
    from domain.letters import named, quash_parties
    from domain.models import Actor, LegalReferralDone, NdiProceed, OatDecision
    from domain.review_rules import check_ndi_proceed
    from domain.state import DecisionState
    from workflows.case.approvals import propose
    from workflows.case.children import run_child
    from workflows.case.core import CaseCore
    from workflows.new_detailed_investigation import NdiProposal, NdiResult, NewDetailedInvestigationWorkflow

Case = CaseCore[DecisionState]
NDI_RISK_TASK = "a new detailed investigation is recommended (65)"


async def at_new_detailed_investigation(case: Case) -> Stage:
    """Paras 61-65, 73: a child workflow writes to the parties and gathers comments."""
    state = case.state
    decision = state.decision
    if decision is None or decision.ndi_reason is None or state.proposal is None:
        return Stage.OAT_CONSIDERATION
    ndi_reason = decision.ndi_reason
    parent = workflow.info().workflow_id
    first_id = f"{parent}/new-detailed-investigation-{len(state.links.children) + 1}"
    window = case.rules.durations.ndi_comment_window
    window_ends = state.ndi_window_ends = case.reply_by(
        case.after(window, case.today()), state.opened.organisation
    )
    state.party_comments = []
    if case.guidance.ndi_risk_task_when_recommended and not any(
        t.detail == NDI_RISK_TASK for t in state.tasks
    ):
        # Para 65: the new investigation's risk is reconsidered as soon as it is recommended.
        case.add_task("risk re-assessment", state.owner, "caseworker", ["65", "78"], NDI_RISK_TASK)
    await case.enter(
        Stage.NEW_DETAILED_INVESTIGATION,
        action="ndi_proceed",
        role=Role.OAT_CASEWORKER,
        due=case.after(case.rules.durations.step("ndi_proceed"), window_ends),
        paragraphs=["61", "62", "63", "64"],
        detail=f"comments until {window_ends}; {first_id}",
        child=first_id,
    )

    def proposal(attempt: int) -> NdiProposal:
        return NdiProposal(
            parent_id=parent,
            case_ref=state.case_ref,
            owner=state.owner,
            manager=state.manager,
            risk=state.risk or "",
            reason=ndi_reason,
            summary=decision.summary,
            proposed_by=decision.actor.id,
            comment_window=window,
            complainant=state.opened.complainant,
            organisation=state.opened.organisation,
            reasonable_adjustments=state.reasonable_adjustments,
            # A restarted child keeps the window, the comments and the letters sent.
            # (From guidance v8 the child is given the window, a working day, from the start.)
            window_ends=window_ends if attempt or case.guidance.replies_by_working_day else None,
            comments=list(state.party_comments) if attempt else [],
            parties_told=attempt > 0,
            ndi_case_owner=decision.ndi_case_owner,
            guidance=state.guidance,
        )

    result: NdiResult = await run_child(
        case,
        NewDetailedInvestigationWorkflow.run,
        first_id,
        proposal,
        "ndi_proceed",
        NewDetailedInvestigationWorkflow.forwarded_proceed,
        "new detailed investigation",
    )
    case.record(
        result.decided_by,
        "new detailed investigation: " + ("proceed" if result.proceed else "not pursued"),
        ["64"],
        f"{len(result.comments)} comment(s) considered. {result.note}".strip(),
    )
    if case.guidance.tells_parties_of_routing:
        # Paras 63-64: both parties were told of the proposal; both are told what was decided.
        for to in (case.service_user(), case.organisation()):
            await case.letter(
                "ndi_decision", to, paragraphs=["63", "64"], context={"proceed": result.proceed}
            )
    if not result.proceed:
        state.proposal = None
        return Stage.OAT_CONSIDERATION
    return propose(case, state.proposal, route_rule(case, "new_detailed_investigation"))


async def at_quash(case: Case) -> Stage:
    """Paras 66-69: raise it with the Legal Team with the case and reasons (68)."""
    state = case.state
    decision = state.decision
    if decision is None or decision.quash_grounds is None or state.proposal is None:
        return Stage.OAT_CONSIDERATION
    if case.arriving(Stage.QUASH):
        await case.enter(
            Stage.QUASH, action="legal_referral_done", role=Role.LEGAL_TEAM, paragraphs=["66", "67", "68"]
        )
        await case.letter(
            "quash_referral",
            case.team_mailbox("legal"),
            paragraphs=["67", "68"],
            context={"grounds": decision.quash_grounds.model_dump(), "analysis": decision.analysis},
        )
        case.reach("68", "raised with the Legal Team with the case details and para 67 reasons")
    msg: LegalReferralDone = await case.take("legal_referral_done")
    state.legal_referral_done = True
    case.record(msg.actor, "Legal Team referral completed", ["68"], msg.note)
    return propose(case, state.proposal, route_rule(case, "quash"))


async def open_new_detailed_investigation(case: Case, decision: OatDecision, approver: Actor | None) -> Stage:
    """Paras 64-65, 73: the new case goes to shared services as a priority."""
    from workflows.decision.outcome import open_new_case

    state = case.state
    new_ref = await open_new_case(
        case, "new_detailed_investigation", decision.summary, decision.note, priority=True
    )
    if not case.guidance.ndi_risk_task_when_recommended:  # opened here instead (65)
        case.add_task(
            "risk re-assessment",
            state.owner,
            "caseworker",
            ["65", "78"],
            f"new detailed investigation {new_ref}",
        )
    case.reach("64", f"new case {new_ref} sent to shared services as a priority")
    case.reach("65", "treated as a priority; risk re-assessment task opened")
    if approver is not None and case.guidance.senior_decision_met(approver.role):
        case.reach("73", f"approved by {approver}")
        case.reach("63", f"agreed under the Delegation Scheme by {approver}")
    return await case.close(
        Outcome.UPHELD_NEW_DETAILED_INVESTIGATION,
        reason=decision.summary,
        paragraphs=["61", "64", "65", "73"],
        actor=approver or decision.actor,
        # Para 73: the letter names the Ombudsman or Deputy who approved, remedy or none.
        context={"new_case": new_ref, "summary": decision.summary}
        | approved_by(case, approver)
        | approved_remedy(case, approver),
    )


async def quash_report(case: Case, decision: OatDecision, approver: Actor | None) -> Stage:
    """Paras 66-69: the report is treated as invalid, and all parties are told."""
    state = case.state
    if approver is not None and case.guidance.senior_decision_met(approver.role):
        case.reach("69", f"final decision by {approver}")
    if not case.guidance.quash_told_at_own_address:
        organisation = case.service_user().model_copy(
            update={"role": "organisation", "id": f"organisation:{state.case_ref}"}
        )
        return await case.close(
            Outcome.UPHELD_REPORT_QUASHED,
            reason=decision.analysis,
            paragraphs=["66", "67", "69"],
            actor=approver or decision.actor,
            also_to=[organisation],
            context={"quashed": True, "decided_on": state.opened.case.decided_on.isoformat()},
        )
    # Para 66: made clear to every affected party, each at their own address.
    parties = {"organisation": case.organisation(), "advocate": case.advocate()}
    also_to: list[Recipient] = [
        parties[p] for p in quash_parties(has_advocate=case.has_advocate()) if p in parties
    ]
    return await case.close(
        Outcome.UPHELD_REPORT_QUASHED,
        reason=decision.analysis,
        paragraphs=["66", "67", "69"],
        actor=approver or decision.actor,
        also_to=also_to,
        context={
            "quashed": True,
            "decided_on": state.opened.case.decided_on.isoformat(),
            "approved_by": named(approver) if approver else None,
            "approver_role": approver.role.value if approver else None,
            "public_summary": decision.public_summary,
        }
        | approved_remedy(case, approver),  # para 58: every remedy, whatever the route
    )


def route_rule(case: Case, route: str) -> ApprovalRule:
    """Paras 69, 73 (and 60, 72 with a payment): what the proposal waits for."""
    scheme = case.rules.delegation
    proposal = case.state.proposal
    amount = case.guidance.amount_for_route_approval(proposal.amount_gbp) if proposal is not None else 0
    return scheme.rule_for(route, amount) or (
        scheme.ndi_rule() if route == "new_detailed_investigation" else scheme.quash_rule()
    )


def approved_by(case: Case, approver: Actor | None) -> dict[str, object]:
    """The closing letter names who approved (72), where the case's guidance says so."""
    if not case.guidance.closing_letter_names_approver:
        return {}
    return {"approved_by": named(approver) if approver else None}


def approved_remedy(case: Case, approver: Actor | None) -> dict[str, object]:
    """Para 58: the closing letter states every approved remedy, whatever the route."""
    decision = case.state.decision
    if not case.guidance.closing_letter_states_remedy or decision is None or decision.remedy is None:
        return {}
    return {"remedy": decision.remedy.model_dump(mode="json")} | approved_by(case, approver)


def what_we_found(case: Case) -> dict[str, object]:
    """Paras 50, 58: what OAT found, in the words it wrote for the complainant."""
    decision = case.state.decision
    return (
        {"public_summary": decision.public_summary}
        if decision is not None and decision.public_summary
        else {}
    )


# ----------------------------------------------------------------- checks


def approval_not_yet(case: Case) -> str | None:
    """Why the Ombudsman or a Deputy cannot decide yet (63-64, 68-69)."""
    if case.state.stage is Stage.QUASH:
        return (
            "the quash proposal must first be referred to the Legal Team "
            "(legal_referral_done, para 68) before the Ombudsman or a Deputy decides (69)"
        )
    if case.state.stage is Stage.NEW_DETAILED_INVESTIGATION:
        return (
            "the parties' comments must be considered and ndi_proceed sent (63-64) before "
            "the new detailed investigation can be approved (73)"
        )
    return None


def check_proceed(case: Case, msg: NdiProceed) -> None:
    state = case.state
    case.require_stage("ndi_proceed")
    decision = state.decision
    check_ndi_proceed(
        msg,
        case.now(),
        state.ndi_window_ends or case.today(),
        state.party_comments,
        ndi_case_owner=decision.ndi_case_owner if decision else None,
        owner=state.owner,
        manager=state.manager,
    )


def check_legal_referral(case: Case, msg: LegalReferralDone) -> None:
    case.require_stage("legal_referral_done")
    require_role(msg.actor, {Role.LEGAL_TEAM}, "the Legal Team confirms the referral (68)")
