"""Rules an OAT decision must meet before it is accepted (paras 51, 58, 62-63, 67)."""

from datetime import date, datetime

from domain.authority import Refused, require_role
from domain.calendar import end_of_day
from domain.enums import DecisionRoute, Role
from domain.models import NdiProceed, OatDecision, OatOutcomeMessage, QuashGrounds

OAT_ROLES = frozenset({Role.OAT_CASEWORKER})
NDI_DECIDERS = frozenset({Role.OAT_CASEWORKER, Role.CASEWORKER})


def quash_conditions_met(grounds: QuashGrounds) -> bool:
    """Para 67 as written: (missed or new evidence OR incontrovertibly wrong) AND no other
    way to resolve it AND in the public interest."""
    return (
        (grounds.missed_or_new_evidence or grounds.incontrovertibly_wrong)
        and grounds.no_other_way
        and grounds.public_interest
    )


def check_oat_decision(msg: OatDecision) -> None:
    if not msg.analysis.strip():
        raise Refused("oat_decision needs an analysis (58)")
    if not msg.upheld:
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


def check_oat_outcome(msg: OatOutcomeMessage) -> None:
    """Paras 47-48: OAT records the outcome of a referral."""
    require_role(msg.actor, OAT_ROLES, "an OAT caseworker records the outcome of a referral (47-48)")


def check_ndi_proceed(msg: NdiProceed, now: datetime, window_ends: date, comments: int) -> None:
    """Para 64: OAT or the new case owner decide, having considered the parties' comments:
    so not before the comment window closes, unless both parties have already commented."""
    require_role(msg.actor, NDI_DECIDERS, "OAT or the new case owner decide whether to proceed (64)")
    if now < end_of_day(window_ends) and comments < 2:
        raise Refused(
            f"the parties may comment until {window_ends.isoformat()} (63); decide whether to "
            "proceed once the comment window has closed (64)"
        )
