"""Whether a decision complaint can enter the review process at all (paras 21, 22, 76)."""

from domain.enums import DecisionType, Outcome
from domain.models import ComplaintOpened


def eligibility(opened: ComplaintOpened) -> tuple[Outcome, str, list[str]] | None:
    """The closing outcome, its reason and paragraphs, or None when the case may go on."""
    if opened.case.decision is DecisionType.LOW_LEVEL_INJUSTICE:
        return (
            Outcome.NOT_ELIGIBLE_LOW_LEVEL_INJUSTICE,
            "closed as a low-level injustice or impact: no option of a review",
            ["3", "21"],
        )
    if opened.flags.lgsco_joint:
        return (
            Outcome.REFERRED_TO_JOINT_WORKING_TEAM,
            "a joint PHSO/LGSCO decision is for the LGSCO, not OAT: directed to the Joint Working Team",
            ["76"],
        )
    if opened.flags.unacceptable_behaviour:
        return (
            Outcome.DECLINED_UNACCEPTABLE_BEHAVIOUR,
            "access to a review declined under the unacceptable behaviour policy",
            ["22"],
        )
    return None
