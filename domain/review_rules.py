"""Rules of the review itself: which finding fits which decision (41-46), what an OAT
decision must hold (51, 58, 62-63, 67), and who decides on a new detailed investigation
and when (61-65)."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from domain.authority import NotAllowed, NotNow, Refused, is_person, require_role
from domain.calendar import end_of_day
from domain.enums import CaseOwnerFinding, DecisionRoute, DecisionType, Role
from domain.models import (
    Actor,
    NdiProceed,
    OatDecision,
    OatOutcomeMessage,
    PartyComment,
    QuashGrounds,
    Remedy,
)

OAT_ROLES = frozenset({Role.OAT_CASEWORKER})
# Para 64: both parties must have had their say before the window may end early.
BOTH_PARTIES = frozenset({Role.SERVICE_USER, Role.ORGANISATION})

# Paras 43-44: some findings belong to one kind of decision only.
FINDING_FITS: dict[CaseOwnerFinding, tuple[DecisionType, str]] = {
    CaseOwnerFinding.PRIMARY_RECONSIDER_IN_TEAM: (DecisionType.PRIMARY_INVESTIGATION, "43"),
    CaseOwnerFinding.DETAILED_POSSIBLY_WRONG: (DecisionType.DETAILED_INVESTIGATION, "44"),
}


def check_finding(finding: CaseOwnerFinding, decision: DecisionType) -> None:
    """Paras 43-44: reconsidering in team is for a primary investigation; a detailed
    investigation that may be wrong goes to OAT. A finding that does not fit is refused."""
    fits = FINDING_FITS.get(finding)
    if fits is None:
        return
    needed, paragraph = fits
    if decision is not needed:
        raise Refused(
            f"{finding.value} is only for a {needed.value} ({paragraph}); this complaint is about a "
            f"{decision.value}"
        )


def quash_conditions_met(grounds: QuashGrounds) -> bool:
    """Para 67 as written: (missed or new evidence OR incontrovertibly wrong) AND no other
    way to resolve it AND in the public interest."""
    return (
        (grounds.missed_or_new_evidence or grounds.incontrovertibly_wrong)
        and grounds.no_other_way
        and grounds.public_interest
    )


def check_remedy_carried(upheld: bool, remedy: Remedy | None) -> None:
    """Guidance v7: a remedy on a decision that is not upheld is refused with the reason,
    never accepted and dropped (58; service complaints 18). An upheld decision carries a
    remedy on any route (a payment beside a new investigation, 60, 72)."""
    # A payment always names its kind (Remedy adds financial_payment to a sum).
    if upheld or remedy is None or not remedy.kinds:
        return
    kinds = ", ".join(kind.value for kind in remedy.kinds)
    raise Refused(
        f"a decision that is not upheld carries no remedy ({kinds}) (58, 18): uphold it, or drop the remedy "
        "and explain in the analysis"
    )


def check_oat_decision(msg: OatDecision) -> None:
    if not msg.analysis.strip():
        raise Refused("oat_decision needs an analysis (58)")
    if not msg.upheld:
        if msg.remedy is not None and msg.remedy.pays:
            raise Refused(
                "a decision that is not upheld offers no payment (58, 60): uphold it or drop the payment"
            )
        if msg.route is not DecisionRoute.NONE:
            raise Refused(f"a decision that is not upheld takes route none, not {msg.route.value}")
        return
    if msg.route is DecisionRoute.NONE:
        raise Refused(
            "an upheld decision needs a route: remedy, fresh_primary_investigation, "
            "new_detailed_investigation or quash (51, 58)"
        )
    if msg.route is DecisionRoute.REMEDY and (msg.remedy is None or not msg.remedy.kinds):
        raise Refused(
            "route remedy needs remedy.kinds from apology, explanation, service_improvement, "
            "financial_payment (58-60)"
        )
    if msg.route is DecisionRoute.NEW_DETAILED_INVESTIGATION:
        if msg.ndi_reason is None:
            raise Refused(
                "a new detailed investigation needs ndi_reason: flawed_evidence, "
                "unfair_investigation or significant_new_information (62)"
            )
        if not msg.summary.strip():
            raise Refused("a new detailed investigation needs a summary of what we would investigate (63)")
    if msg.route is DecisionRoute.QUASH:
        if msg.quash_grounds is None or not quash_conditions_met(msg.quash_grounds):
            raise Refused(
                "quashing needs quash_grounds meeting para 67: (missed_or_new_evidence or "
                "incontrovertibly_wrong) and no_other_way and public_interest"
            )


def check_oat_outcome(msg: OatOutcomeMessage, *, takes_learning: bool = True) -> None:
    """Paras 47-48: OAT records the outcome of a referral; with it, from guidance v8, any
    learning points (Annex A) — before that they would have been dropped, so refused."""
    require_role(msg.actor, OAT_ROLES, "an OAT caseworker records the outcome of a referral (47-48)")
    if msg.learning_points and not takes_learning:
        raise Refused(
            "this case's guidance takes learning points with OAT's decision, not with the outcome of a referral"
        )


def remedy_considered(remedy: Remedy) -> bool:
    """Para 59: a payment weighs the impact, proportionality and restoring the position."""
    return all(c.strip() for c in (remedy.impact, remedy.proportionate, remedy.restores_position))


def comment_party(comment: PartyComment) -> Role | None:
    """Which party a comment is from: its `party`, or the role of whoever sent it."""
    if comment.party is not None:
        return comment.party
    if comment.actor is not None and comment.actor.role in BOTH_PARTIES:
        return comment.actor.role
    return None


def window_closed(now: datetime, window_ends: date, comments: Iterable[PartyComment]) -> bool:
    """Para 63-64: the parties may comment until the window's date; it ends earlier only
    when both the service user and the organisation have commented."""
    if now >= end_of_day(window_ends):
        return True
    return {comment_party(c) for c in comments} >= BOTH_PARTIES


def check_ndi_case_owner(
    ndi_case_owner: str | None, *, owner: str, manager: str, previous_owners: Sequence[str] = ()
) -> None:
    """Para 64: a new investigation of a decision is never handled by whoever made it,
    nor by their manager, nor by anyone who held the case before it was reassigned."""
    if ndi_case_owner is not None and ndi_case_owner in (owner, manager, *previous_owners):
        whose = "owner" if ndi_case_owner in (owner, *previous_owners) else "manager"
        raise Refused(
            f"ndi_case_owner {ndi_case_owner} is the case's {whose}: a new detailed investigation is "
            "handled by someone who did not make or manage the decision (64)"
        )


def check_ndi_decider(actor: Actor, *, ndi_case_owner: str | None, owner: str, manager: str) -> None:
    """Para 64: OAT, or the new case owner OAT named, decide whether to proceed; never
    the original case owner or the case's manager, whose decision is being reviewed."""
    if actor.id in (owner, manager):
        raise NotAllowed(
            f"{actor} may not decide whether to proceed: the original case owner and the case's "
            "manager do not decide on a new investigation of their own decision (64)"
        )
    if actor.role is Role.OAT_CASEWORKER or is_person(actor, ndi_case_owner):
        return
    named = f" or the new case owner ({ndi_case_owner})" if ndi_case_owner else ""
    raise NotAllowed(f"{actor} may not do this: only OAT{named} decide whether to proceed (64)")


def check_ndi_proceed(
    msg: NdiProceed,
    now: datetime,
    window_ends: date,
    comments: Iterable[PartyComment],
    *,
    ndi_case_owner: str | None,
    owner: str,
    manager: str,
) -> None:
    """Para 64: OAT or the new case owner decide, having considered the parties' comments:
    so not before the comment window closes."""
    check_ndi_decider(msg.actor, ndi_case_owner=ndi_case_owner, owner=owner, manager=manager)
    if not window_closed(now, window_ends, comments):
        raise NotNow(
            f"the parties may comment until {window_ends.isoformat()} (63); decide whether to "
            "proceed once the comment window has closed or both parties have commented (64)"
        )
