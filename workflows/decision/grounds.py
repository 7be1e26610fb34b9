"""Paras 30-37 and 70: the grounds for review, their deadline (a durable timer the
manager may move), late grounds and the time-limit decision, and the Legal Team's advice
when Judicial Review is threatened."""

from __future__ import annotations

from datetime import date, datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import NotNow, require_role
    from domain.calendar import end_of_day, london_time
    from domain.enums import Outcome, Role, Stage
    from domain.grounds import (
        Timing,
        check_decline_before_reply_by,
        deadline_given,
        grounds_deadline,
        grounds_timing,
        where_grounds_go,
    )
    from domain.grounds import (
        check_extension as extension_rule,
    )
    from domain.models import (
        SYSTEM,
        ExtendGroundsDeadline,
        GroundsSubmitted,
        LateExplanation,
        LegalAdvice,
        RecordJrThreat,
        TimeLimitDecision,
    )
    from domain.permissions import check_case_owner
    from domain.state import DecisionState
    from workflows.case import acknowledge, chasing
    from workflows.case.core import CaseCore
    from workflows.case.submissions import REQUEST_TASKS
    from workflows.decision.intake import require_case_owner

Case = CaseCore[DecisionState]


def usual_deadline(case: Case) -> date:
    """One calendar month after the decision (32), or an extension agreed before the
    grounds request went out."""
    state = case.state
    return state.grounds_extended_to or grounds_deadline(
        state.opened.case.decided_on, case.rules.durations.grounds_deadline, case.calendar
    )


def deadline_in_force(case: Case) -> date:
    return case.state.grounds_deadline or usual_deadline(case)


async def at_awaiting_grounds(case: Case) -> Stage:
    """Paras 30-32: ask for grounds by a deadline; remind; the manager may extend."""
    state = case.state
    arriving = case.arriving(Stage.AWAITING_GROUNDS)
    if arriving and not case.guidance.grounds_deadline_fixed_at_opening:
        # Our delay never costs the complainant time (34): the request gives at least
        # the minimum notice, and that date is the deadline from now on.
        if state.grounds is None:
            state.grounds_requested_on = case.today()
        state.grounds_deadline = case.reply_by(
            deadline_given(
                usual_deadline(case), case.today(), case.rules.durations.grounds_min_notice, case.calendar
            )
        )
    deadline = state.grounds_deadline
    if deadline is None:  # set at opening; a case without one cannot wait for grounds
        return after_grounds(case)
    if arriving:
        await case.enter(
            Stage.AWAITING_GROUNDS,
            action="grounds_submitted",
            role=Role.SERVICE_USER,
            due=deadline,
            chase=False,
            paragraphs=["30", "31", "32"],
            detail=f"grounds due by {deadline}",
        )
        if state.grounds is None:
            await case.letter(
                "grounds_request",
                case.service_user(),
                paragraphs=["30", "31", "32"],
                context={"deadline": deadline.isoformat()},
            )
    while state.grounds is None:
        rang = await case.wait_until(
            lambda: state.grounds is not None or case.mailbox.holds("extend_grounds_deadline"),
            lambda: grounds_alarms(case),
        )
        if case.mailbox.holds("extend_grounds_deadline"):
            await extend_deadline(case)
        elif rang == "reminder":
            state.reminded_for = state.grounds_deadline
            case.record(SYSTEM, "grounds reminder sent", ["32"])
            await case.letter(
                "grounds_reminder",
                case.service_user(),
                paragraphs=["32"],
                context={"deadline": str(state.grounds_deadline)},
            )
        elif rang == "lapsed":
            closed = await case.close(
                Outcome.GROUNDS_NOT_RECEIVED,
                reason=f"no grounds received by {state.grounds_deadline} or within the grace period after it",
                paragraphs=["32", "33"],
            )
            if not case.guidance.reopens_late_grounds:
                return closed
            return await open_to_late_grounds(case)
    return after_grounds(case)


async def open_to_late_grounds(case: Case) -> Stage:
    """Paras 33-36 (guidance v7): a late request is always considered. The case is closed
    but keeps listening: grounds or a late explanation that arrive within the
    `late_grounds_window` reopen it, on the same workflow id, on the late path."""
    state = case.state
    until = case.after(case.rules.durations.late_grounds_window, case.today())
    state.reopenable_until = until
    await case.sync()
    try:
        await workflow.wait_condition(
            lambda: state.grounds is not None or state.late_explanation is not None,
            timeout=end_of_day(until) - case.now(),
        )
    except TimeoutError:
        state.reopenable_until = None
        return Stage.CLOSED
    state.reopenable_until = None
    state.outcome, state.closed_at = None, None
    state.reopened += 1
    case.closed_and_recorded = False
    what = "reasons for a review" if state.grounds is not None else "an explanation for the late request"
    case.record(SYSTEM, "reopened: the complainant's late request is considered", ["33", "34"],
                f"{what} arrived after the case closed grounds_not_received")  # fmt: skip
    return after_grounds(case)


def grounds_alarms(case: Case) -> list[tuple[str, datetime]]:
    state, durations = case.state, case.rules.durations
    deadline = state.grounds_deadline
    if deadline is None:
        return []
    alarms = [("lapsed", end_of_day(case.after(durations.grounds_grace, deadline)))]
    if state.reminded_for != deadline and case.now() < end_of_day(deadline):
        requested = state.grounds_requested_on or case.today()
        remind = case.guidance.grounds_reminder_on(
            deadline, requested, durations.grounds_reminder_before, case.calendar
        )
        if remind is not None:  # never with or before the request (32)
            alarms.append(("reminder", london_time(remind, 9)))
    return alarms


async def extend_deadline(case: Case) -> None:
    """Para 32: the manager agrees a later deadline; the timer moves and the service
    user is told."""
    state = case.state
    msg: ExtendGroundsDeadline | None = case.take_now("extend_grounds_deadline")
    if msg is None:
        return
    old, state.grounds_deadline = state.grounds_deadline, msg.new_deadline
    case.record(msg.actor, f"grounds deadline extended from {old} to {msg.new_deadline}", ["32"], msg.reason)
    if case.guidance.tasks_reach_people:  # the complainant's request for more time is decided
        case.tasks_done(REQUEST_TASKS["more_time_requested"], msg.actor, f"extended to {msg.new_deadline}")
    case.set_awaiting("grounds_submitted", Role.SERVICE_USER, due=msg.new_deadline, chase=False)
    case.publish()
    await case.letter(
        "grounds_deadline_extended",
        case.service_user(),
        paragraphs=["32"],
        context={"old_deadline": str(old), "deadline": msg.new_deadline.isoformat()},
    )
    await case.sync()


def extend_before_request(case: Case, msg: ExtendGroundsDeadline) -> None:
    """Para 32: an extension agreed before the grounds request goes out sets the date the
    request will give (still never less than the minimum notice). The complainant learns
    it from the request itself, so no separate letter goes out."""
    state = case.state
    old = deadline_in_force(case)
    if state.grounds_deadline is not None:  # a case begun before the request set the date
        state.grounds_deadline = msg.new_deadline
    else:
        state.grounds_extended_to = msg.new_deadline
    case.record(
        msg.actor,
        f"grounds deadline extended from {old} to {msg.new_deadline} before the request is sent",
        ["32"],
        msg.reason,
    )
    case.publish()


def after_grounds(case: Case) -> Stage:
    """Where grounds go once received: Legal first if JR is threatened (70); OAT
    directly if they asked (37); the time-limit decision if late (33)."""
    state = case.state
    if state.grounds_in_time is None and state.grounds is not None and state.grounds_deadline is not None:
        received = state.grounds.received_on or case.today()
        state.grounds_in_time = grounds_timing(received, state.grounds_deadline) is Timing.IN_TIME
        case.record(
            SYSTEM,
            f"grounds received on {received}: "
            + ("in time" if state.grounds_in_time else f"after the deadline {state.grounds_deadline}"),
            ["33", "38"],
        )
    flags = state.opened.flags
    return Stage(
        where_grounds_go(
            jr_threatened=flags.jr_threatened or state.jr_threat is not None,
            legal_advice_taken=state.legal_advice_taken,
            oat_direct=flags.oat_direct,
            in_time=bool(state.grounds_in_time),
        ).value
    )


def receive_grounds(case: Case, msg: GroundsSubmitted) -> None:
    """Para 30: always recorded; kept until the case reaches awaiting_grounds."""
    state = case.state
    if msg.received_on is None:
        msg.received_on = case.today()
    chasing.service_user_replied(case, "grounds")
    acknowledge.received(case, "your reasons for asking for a review", msg.evidence)
    if state.grounds is None:
        state.grounds = msg
        case.record(msg.actor or "service_user", "grounds_submitted", ["30", "38"], msg.why_wrong)
    else:
        # Later documents are on the record with the rest (`state.documents`); the first
        # grounds stay as they came, within the bounds a message has (issue 23: grown past
        # them, the state could not be read back after continue-as-new).
        case.record(
            msg.actor or "service_user",
            "further grounds or evidence received",
            ["30"],
            f"{msg.why_wrong} {msg.wanted}".strip(),
        )
    case.record_documents(msg.actor or "service_user", "service_user", msg.evidence)


# The stages where the grounds are being considered: a threat recorded there takes the
# case to Legal first, and back to the same stage once Legal says go on (70).
CONSIDERING_GROUNDS = (Stage.TIME_LIMIT, Stage.CHALLENGE_ASSESSMENT, Stage.CASE_OWNER_REVIEW)


def check_jr_threat(case: Case, msg: RecordJrThreat) -> None:
    case.require_open()
    if not case.guidance.records_jr_threats:
        raise NotNow(
            f"this case began under guidance v{case.guidance.version}, which records no later threat"
        )
    if case.state.jr_threat is not None or case.state.opened.flags.jr_threatened:
        raise NotNow("a threat of Judicial Review is already recorded on this case (70)")
    check_case_owner(msg.actor, case.state.owner, None, "record_jr_threat (70)")


def record_jr_threat(case: Case, msg: RecordJrThreat) -> None:
    state = case.state
    state.jr_threat = msg.note or "recorded by the case owner"
    case.record(msg.actor, "Judicial Review threatened: Legal advises first", ["70"], msg.note)
    if state.stage in CONSIDERING_GROUNDS and not state.legal_advice_taken:
        state.back_after_legal = state.stage
        case.redirect(Stage.LEGAL_ADVICE)


async def at_legal_advice(case: Case) -> Stage:
    """Para 70: with Judicial Review in view, OAT takes Legal's advice before the review."""
    if case.arriving(Stage.LEGAL_ADVICE):
        await case.enter(Stage.LEGAL_ADVICE, action="legal_advice", role=Role.LEGAL_TEAM, paragraphs=["70"])
        await case.letter("legal_advice_request", case.team_mailbox("legal"), paragraphs=["70"])
    msg: LegalAdvice = await case.take("legal_advice")
    case.state.legal_advice_taken = True
    case.record(
        msg.actor, f"legal advice: {'proceed' if msg.proceed else 'do not proceed'}", ["70"], msg.note
    )
    if not msg.proceed:
        return await case.close(
            Outcome.DECLINED_PENDING_JUDICIAL_REVIEW,
            reason=msg.note
            or "on legal advice, the review is not considered while Judicial Review proceedings are in view",
            paragraphs=["70"],
            actor=msg.actor,
        )
    if (back := case.state.back_after_legal) is not None:
        case.state.back_after_legal = None
        return back
    return after_grounds(case)


async def at_time_limit(case: Case) -> Stage:
    """Paras 33-37: late grounds: ask why, then the case owner decides."""
    state = case.state
    if case.arriving(Stage.TIME_LIMIT):
        await case.enter(
            Stage.TIME_LIMIT,
            action="late_explanation",
            role=Role.SERVICE_USER,
            due=case.reply_by(case.after(case.rules.durations.step("late_explanation"), case.today())),
            chase=False,
            paragraphs=["33"],
        )
        if state.late_explanation is None:
            reply_by = state.awaiting.due if state.awaiting else None
            state.late_reply_by = reply_by if case.guidance.late_explanation_gives_reply_by else None
            await case.letter(
                "late_explanation_request",
                case.service_user(),
                paragraphs=["33"],
                context={"deadline": str(state.grounds_deadline)}
                | (
                    {"reply_by": reply_by.isoformat()}
                    if case.guidance.late_explanation_gives_reply_by and reply_by
                    else {}
                ),
            )
    if state.awaiting is not None and state.awaiting.action == "late_explanation":
        explanation_due = state.awaiting.due or case.today()
        rang = await case.wait_until(
            lambda: state.late_explanation is not None or case.mailbox.holds("time_limit_decision"),
            lambda: [("no_explanation", end_of_day(explanation_due))],
        )
        if rang == "no_explanation" and not case.guidance.system_declines_without_explanation:
            # Para 35: the case owner decides, even with no explanation; never the system.
            case.record(
                SYSTEM,
                f"no explanation for the late request received by {explanation_due}",
                ["33", "35"],
                f"the case owner {state.owner} makes the time-limit decision",
            )
        elif rang == "no_explanation":
            # Para 33 gave the opportunity to explain; with none, there is no reasonable
            # explanation and the request is declined (para 35), reasons recorded.
            reasons = f"no explanation for the late request was received by {explanation_due}"
            case.record(SYSTEM, "declined as out of time", ["33", "35"], reasons)
            case.reach("35", f"reasons recorded: {reasons}")
            return await case.close(Outcome.DECLINED_OUT_OF_TIME, reason=reasons, paragraphs=["33", "35"])
        case.set_awaiting("time_limit_decision", Role.CASEWORKER, state.owner)
        case.publish()
        await case.sync()
    msg: TimeLimitDecision = await case.take("time_limit_decision")
    if delay := case.guidance.delay_factor(
        state.opened.case.decided_on, state.grounds_requested_on, case.rules.durations.grounds_deadline
    ):
        case.record(SYSTEM, "a factor in the time-limit decision", ["34"], delay)
    if msg.accept and msg.reason is not None:
        evidence = f"time limit put aside: {msg.reason.value}. {msg.note}".strip()
        case.record(msg.actor, "time limit put to one side", ["34", "36"], evidence)
        case.reach("36", evidence)
        return Stage.CHALLENGE_ASSESSMENT
    reasons = msg.note or "no reasonable explanation for the late request"
    case.record(msg.actor, "declined as out of time", ["35"], reasons)
    case.reach("35", f"reasons recorded: {reasons}")
    return await case.close(Outcome.DECLINED_OUT_OF_TIME, reason=reasons, paragraphs=["35"], actor=msg.actor)


def receive_late_explanation(case: Case, msg: LateExplanation) -> None:
    """Para 33: the service user's reason for lateness."""
    if msg.received_on is None:
        msg.received_on = case.today()
    chasing.service_user_replied(case, "a late explanation")
    acknowledge.received(case, "why your request was sent after the deadline")
    if case.state.late_explanation is None:
        case.state.late_explanation = msg
    case.record(msg.actor or "service_user", "late_explanation", ["33", "34"], msg.text)


# ----------------------------------------------------------------- checks


def check_extension(case: Case, msg: ExtendGroundsDeadline) -> None:
    """Para 32: the case's manager (or higher, or a role the scheme names) agrees a later
    deadline, at any stage before grounds arrive."""
    state = case.state
    case.require_stage("extend_grounds_deadline")
    extension_rule(
        msg.actor,
        manager=state.manager,
        extra_roles=case.rules.delegation.extend_grounds_deadline_roles,
        grounds_received=state.grounds is not None,
        in_force=deadline_in_force(case),
        new_deadline=msg.new_deadline,
        owner_role=state.owner_role,
        today=case.today() if case.guidance.extends_beyond_today else None,
    )


def check_legal_advice(case: Case, msg: LegalAdvice) -> None:
    case.require_stage("legal_advice")
    require_role(msg.actor, {Role.LEGAL_TEAM}, "the Legal Team advises (70)")


def check_time_limit(case: Case, msg: TimeLimitDecision) -> None:
    case.require_stage("time_limit_decision")
    require_case_owner(case, msg.actor, "time_limit_decision (paras 34-36)")
    if case.guidance.waits_for_reply_by:
        check_decline_before_reply_by(
            msg.accept,
            explained=case.state.late_explanation is not None,
            reply_by=case.state.late_reply_by,
            today=case.today(),
        )
