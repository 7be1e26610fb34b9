"""Who may send which message, and at which stage (design.md, "Messages"). Each check
raises Refused with who may act and the paragraph; workflows call these from their
update validators and again when the message is used."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from domain.authority import (
    LADDER,
    NotAllowed,
    NotNow,
    Refused,
    at_least,
    is_person,
    is_staff,
    rank,
    require_role,
)
from domain.enums import OatAdviceRoute, Risk, Role, Stage, Taken
from domain.models import Actor, Awaiting

# Extensions are taken at any stage before grounds arrive (32). Which stages take each
# message is the message table's (contract/messages.py); the checks here take it as given.
BEFORE_GROUNDS = (Stage.INTAKE, Stage.CASE_OWNER_RESOLUTION, Stage.OAT_ADVICE, Stage.AWAITING_GROUNDS)


def check_open(stage: Stage, outcome: str | None) -> None:
    if stage is Stage.CLOSED:
        raise NotNow(f"the case is closed ({outcome or ''})")


def check_stage(
    name: str, expected: tuple[Stage, ...], stage: Stage, case_ref: str, outcome: str | None = None
) -> None:
    """A message is taken only at the stages that expect it (none named: any stage)."""
    check_open(stage, outcome)
    if expected and stage not in expected:
        allowed = " or ".join(s.value for s in expected)
        raise NotNow(
            f"{name} is not expected now: case {case_ref} is at stage {stage.value}, {name} belongs to {allowed}"
        )


# ------------------------------------------------------------ decision complaints


def check_case_owner(actor: Actor, owner: str, oat_route: OatAdviceRoute | None, name: str) -> None:
    """The case owner acts; with `within_oat` advice an OAT caseworker may too (27)."""
    if is_person(actor, owner):
        return
    within_oat = oat_route is OatAdviceRoute.WITHIN_OAT
    if within_oat and actor.role is Role.OAT_CASEWORKER:
        return
    extra = " or, as OAT advised within_oat, an OAT caseworker" if within_oat else ""
    raise NotAllowed(f"{actor} may not send {name}: only the case owner ({owner}){extra}")


def check_oat_advice(actor: Actor, route: OatAdviceRoute, risk: str | None) -> None:
    """Paras 27-29: OAT advises; no review at all only on a high-risk case."""
    require_role(actor, {Role.OAT_CASEWORKER}, "an OAT caseworker gives advice (27)")
    if route is OatAdviceRoute.NO_REVIEW_HIGH_RISK and risk != Risk.HIGH.value:
        raise NotNow(f"no_review_high_risk is only for high-risk cases (29); this case is {risk} risk")


def check_decline(actor: Actor, manager: str, already_declined: bool) -> None:
    """Para 22: the case's manager, or anyone ranked above an operations manager."""
    if already_declined:
        raise NotNow("access has already been declined")
    if is_person(actor, manager):
        return
    position = rank(actor.role)
    if position is not None and position > LADDER.index(Role.OPERATIONS_MANAGER):
        return
    raise NotAllowed(
        f"{actor} may not decline access: only the case's manager ({manager}) or a "
        "more senior manager may (para 22)"
    )


def check_record_adjustment(actor: Actor, owner: str, manager: str) -> None:
    """Para 31: the case owner, the case's manager, or the back office relaying it."""
    if actor.role is Role.BACK_OFFICE or is_person(actor, owner) or is_person(actor, manager):
        return
    raise NotAllowed(
        f"{actor} may not record an adjustment: only the case owner ({owner}), the case's manager "
        f"({manager}) or the back office (31)"
    )


RISK_TASK = "risk re-assessment"


def may_complete(actor: Actor, assignee: str, manager: str) -> bool:
    return (
        is_person(actor, assignee)
        or is_person(actor, manager)
        or at_least(actor.role, Role.ASSISTANT_DIRECTOR)
    )


def check_complete_task(actor: Actor, task: str, assignee: str, manager: str, risk: Risk | None) -> None:
    """complete_task (31, 43, 65, 78): the task's assignee, the case's manager, or an
    assistant director or above; a risk re-assessment, and only it, records the new level."""
    if not may_complete(actor, assignee, manager):
        raise NotAllowed(
            f"{actor} may not complete {task!r}: only its assignee ({assignee}), the case's manager "
            f"({manager}) or an assistant director or above"
        )
    if task == RISK_TASK and risk is None:
        raise Refused("a risk re-assessment records the new risk level: risk is low, medium or high (78)")
    if task != RISK_TASK and risk is not None:
        raise Refused(f"only a risk re-assessment records a risk level, not {task!r}")


PEER_REVIEW_TASK = "reconsider the decision in team"


def check_peer_review_learning(actor: Actor, task: str, *, takes_learning: bool) -> None:
    """Annex A: "OAT or an OM peer reviewer" records what went wrong. The operations
    manager's peer review is the reconsideration in team (43): learning points come with
    that task's completion, from a manager (guidance v8), and with no other task."""
    if not takes_learning or task != PEER_REVIEW_TASK:
        raise Refused(
            f"learning points come with OAT's review or the peer review ({PEER_REVIEW_TASK}), not {task!r}"
        )
    if not at_least(actor.role, Role.OPERATIONS_MANAGER):
        raise NotAllowed(
            f"{actor} may not record a peer review's learning points: an operations manager does (Annex A)"
        )


def check_pause(
    actor: Actor,
    step: Awaiting | None,
    *,
    stage: Stage,
    manager: str,
    pausing: bool,
    today: date,
    resume_by: date | None = None,
) -> None:
    """Who may stop or restart a step's clock, and when (design.md, pause_clock). Only a
    step owed by staff has a clock; the grounds deadline moves only by extension (32)."""
    if step is None or not step.chase:
        raise NotNow(
            f"nothing at stage {stage.value} waits on a member of staff, so there is no clock to "
            + ("pause" if pausing else "resume")
        )
    if pausing and step.paused_since is not None:
        raise NotNow(f"the clock for {step.action} is already paused since {step.paused_since:%Y-%m-%d}")
    if not pausing and step.paused_since is None:
        raise NotNow(f"the clock for {step.action} is not paused")
    awaited = is_person(actor, step.actor_id) or (
        step.actor_id is None and actor.role.value == step.actor_role
    )
    if not awaited and not is_person(actor, manager):
        raise NotAllowed(
            f"{actor} may not pause or resume this clock: only whoever owes {step.action} "
            f"({step.actor_id or step.actor_role}) or the case's manager ({manager})"
        )
    if pausing and resume_by is not None and resume_by <= today:
        raise Refused(f"resume_by {resume_by} must be after today ({today})")


# -------------------------------------------------------------- service complaints


def check_not_about(actor: Actor, about_staff: Collection[str], what: str) -> None:
    """Paras 11, 13, 15: nobody a complaint is about handles or decides it."""
    if actor.id in about_staff:
        raise NotAllowed(f"{actor} may not {what}: the complaint is about them (11, 13, 15)")


def check_manager(actor: Actor, manager: str, name: str, paragraphs: str) -> None:
    if not is_person(actor, manager):
        raise NotAllowed(f"{actor} may not send {name}: only the case's manager ({manager}) ({paragraphs})")


def check_handler(actor: Actor, handler: Actor | None, about_staff: Collection[str], name: str) -> Actor:
    """Paras 11, 15: whoever holds the complaint now acts on it — never someone it is about."""
    check_not_about(actor, about_staff, f"send {name}")
    if handler is None or not is_person(actor, handler.id):
        raise NotAllowed(f"{actor} may not send {name}: the complaint is with {handler} (paras 11, 15)")
    return handler


def check_escalate(
    actor: Actor,
    handler: Actor | None,
    to: Actor,
    chain: list[Role],
    about_staff: Collection[str],
) -> None:
    """Paras 11, 15: up the management chain, one of its roles, never to someone the
    complaint is about."""
    holder = check_handler(actor, handler, about_staff, "escalate")
    if to.id in about_staff:
        raise Refused(f"escalate.to {to.id} is someone the complaint is about (11, 13, 15)")
    if to.role not in chain:
        raise Refused(
            f"escalate.to must be in the management chain: {', '.join(r.value for r in chain)} (11, 15)"
        )
    here, there = rank(holder.role), rank(to.role)
    if here is not None and there is not None and there <= here:
        raise Refused(
            f"escalate goes up the management chain: {to.role.value} is not above {holder.role.value} (11)"
        )


def check_reclassify(
    actor: Actor, *, owner: str, manager: str, handler: Actor | None, decided_on: date, today: date
) -> None:
    """Para 12: the case owner or manager (or whoever holds it) treats it as a decision complaint."""
    allowed = {owner, manager} | ({handler.id} if handler else set())
    if not any(is_person(actor, person) for person in allowed):
        raise NotAllowed(
            f"{actor} may not reclassify: only the case owner ({owner}) or manager ({manager}) (12)"
        )
    if decided_on > today:
        raise Refused(f"decided_on {decided_on} is in the future")


def check_rejection_note(note: str) -> None:
    """Para 72: whoever proposed it is told why."""
    if not note.strip():
        raise Refused("a rejection needs a note with the reason, for whoever proposed it (72)")


def check_comments(comments: str) -> None:
    """Para 9: the manager's review is comments for the caseworker."""
    if not comments.strip():
        raise Refused("manager_review needs comments for the caseworker (9)")


# ------------------------------------------------------------ what to offer a person


# ----------------------------------------------- submissions: a party speaks for itself

# design.md, "The trust boundary" and "Messages": who may send what a complainant or the
# organisation sends. The case owner enters what was said by phone or post (31).
SUBMITTERS: dict[str, frozenset[Role]] = {
    "grounds_submitted": frozenset({Role.SERVICE_USER, Role.BACK_OFFICE}),
    "late_explanation": frozenset({Role.SERVICE_USER, Role.BACK_OFFICE}),
    "evidence_submitted": frozenset({Role.SERVICE_USER, Role.ORGANISATION, Role.BACK_OFFICE}),
    "party_comment": frozenset({Role.SERVICE_USER, Role.ORGANISATION, Role.BACK_OFFICE}),
    "withdraw": frozenset({Role.SERVICE_USER, Role.BACK_OFFICE}),
    "adjustment_requested": frozenset({Role.SERVICE_USER, Role.BACK_OFFICE}),
    "more_time_requested": frozenset({Role.SERVICE_USER, Role.BACK_OFFICE}),
}
OWNER_ENTERS = frozenset(
    {
        "grounds_submitted",
        "late_explanation",
        "evidence_submitted",
        "adjustment_requested",
        "more_time_requested",
    }
)


def check_submission(
    name: str,
    actor: Actor | None,
    *,
    owner: str,
    opened_on: date,
    today: date,
    party: Role | None = None,
    received_on: date | None = None,
    taken: Taken | None = None,
    owner_says_how: bool = False,
) -> None:
    """A party speaks only for itself: a service user's or organisation's token is that
    party; only the back office or the case owner says whose a submission is (`party`),
    when it arrived (`received_on`, between the case's opening and today, 31) or how staff
    took it (`taken`). With `owner_says_how` (guidance v5) the case owner entering one for
    the complainant must say how it was taken: by phone, by post or in person (31)."""
    if actor is None:
        raise NotAllowed(f"{name} must say who sends it")
    relays = actor.role is Role.BACK_OFFICE or (name in OWNER_ENTERS and is_person(actor, owner))
    if actor.role not in SUBMITTERS[name] and not relays:
        senders = " / ".join(role.value for role in sorted(SUBMITTERS[name]))
        owner_too = ", or the case owner entering it for them (31)" if name in OWNER_ENTERS else ""
        raise NotAllowed(f"{actor} may not send {name}: only {senders}{owner_too}")
    if actor.role is Role.BACK_OFFICE and party is None and name in ("party_comment", "evidence_submitted"):
        raise Refused(
            f"{name} relayed by the back office must say whose it is (party: service_user or organisation)"
        )
    if party is not None and not relays and party is not actor.role:
        raise NotAllowed(f"{actor} may not send {name} for the {party.value}: a party speaks only for itself")
    if taken is not None and not relays:
        raise NotAllowed(
            f"{actor} may not say how {name} was taken: only the back office or the case owner entering it (31)"
        )
    entering = relays and actor.role is not Role.BACK_OFFICE
    if owner_says_how and entering and taken is None:
        raise Refused(
            f"{name} entered by the case owner must say how it was taken: taken is phone, post or in_person (31)"
        )
    if received_on is not None:
        if not relays:
            raise NotAllowed(f"{actor} may not say when {name} arrived: the date it reaches us is recorded")
        if not opened_on <= received_on <= today:
            raise Refused(
                f"received_on {received_on} must be between the case's opening ({opened_on}) and today ({today})"
            )


# ------------------------------------------------ stalled steps (design.md, "Time")


def stands_in(
    actor: Actor, step: Awaiting | None, *, manager: str, today: date, about_staff: Collection[str]
) -> bool:
    """Once a person's step is overdue, the case's manager or anyone more senior — whoever
    it has been escalated to, rung by rung — may take it in that person's place (23, 32).
    Never someone a service complaint is about (11, 13, 15)."""
    if step is None or step.actor_id is None or step.due is None or step.paused_since is not None:
        return False
    if today <= step.due or actor.id == step.actor_id or actor.id in about_staff:
        return False
    # A party or the back office is neither the manager (is_person) nor on the ladder.
    return is_person(actor, manager) or at_least(actor.role, Role.ASSISTANT_DIRECTOR)


def check_reassign(
    actor: Actor,
    to: Actor,
    step: Awaiting | None,
    *,
    owner: str,
    owner_role: Role,
    manager: str,
    team_manager: str | None,
    about_staff: Collection[str],
) -> str:
    """Who may hand a case, or a team's step, to someone else, and to whom (design.md,
    `reassign`; 23, 32). Answers what moves: "owner" or "team step"."""
    team_step = step is not None and team_manager is not None
    senior = is_person(actor, manager) or at_least(actor.role, Role.ASSISTANT_DIRECTOR)
    if actor.id in about_staff or not (senior or (team_step and is_person(actor, team_manager))):
        team = f", or for a step owed by a team that team's manager ({team_manager})" if team_step else ""
        raise NotAllowed(
            f"{actor} may not reassign this case: only the case's manager ({manager}) or someone more senior{team} (23, 32)"
        )
    if not is_staff(to.role) or to.id in about_staff:
        raise Refused(f"reassign.to {to} must be a member of staff the complaint is not about (11, 13, 15)")
    if team_step and step is not None and to.role.value == step.actor_role:
        if to.id == step.actor_id:
            raise Refused(f"{step.action} is already with {to.id}: name someone else")
        return "team step"
    if to.id == owner:
        raise Refused(f"{to.id} already holds the case: name someone else")
    if to.id == manager:
        raise Refused(
            f"reassign.to {to.id} is the case's manager, who oversees its owner: name another member of staff (23)"
        )
    if not at_least(to.role, owner_role):
        raise Refused(
            f"reassign.to must be of the case owner's grade ({owner_role.value}) or above; {to.role.value} is not"
        )
    return "owner"
