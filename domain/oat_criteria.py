"""When the case owner must ask OAT for advice (paras 26-29)."""

from domain.enums import Risk
from domain.models import DecidedCase, Flags


def needs_oat_advice(case: DecidedCase, flags: Flags) -> list[str]:
    """Reasons from para 26 (and 29 for high risk) that apply; empty means proceed as usual.

    Returning the reasons rather than a bool puts the *why* into the audit trail and UI.
    """
    reasons: list[str] = []
    if case.risk is Risk.HIGH:
        reasons.append("29: complaint on a high-risk case; discuss with OAT whether to review")
    if case.risk is Risk.MEDIUM:
        reasons.append("26: original case was medium risk")
    if flags.mp_involved:
        reasons.append("26: an MP supports or is involved in the challenge")
    if flags.jr_threatened:
        reasons.append("26: credible threat of Judicial Review or allegation PHSO acted unlawfully")
    if flags.organisation_complainant:
        reasons.append("26: an organisation is bringing the challenge (consider compliance first)")
    if flags.further_complaint_after_upheld_review:
        reasons.append("26: a further complaint set up following an upheld review")
    if flags.oat_priority_group:
        reasons.append("26: complainant is in a group whose complaints OAT reviews first")
    if flags.specialist:
        reasons.append("26: complicated challenge needing specialist knowledge")
    return reasons


def may_go_on_without_advice(risk: Risk | str | None, route_if_no_reply: str | None) -> bool:
    """Para 27: OAT decides. Only where a policy opts in may a case that is not high risk
    go on without OAT's advice once it is overdue; a high-risk case always waits (29)."""
    return route_if_no_reply is not None and risk != Risk.HIGH.value
