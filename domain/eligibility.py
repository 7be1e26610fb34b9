"""Whether a decision complaint can enter the review process at all (paras 21, 22, 76)."""

from domain.enums import DecisionType, Outcome
from domain.models import ComplaintOpened

Ineligible = tuple[Outcome, str, list[str]]

JOINT: Ineligible = (
    Outcome.REFERRED_TO_JOINT_WORKING_TEAM,
    "a joint PHSO/LGSCO decision is for the LGSCO, not OAT: directed to the Joint Working Team",
    ["76"],
)
LOW_LEVEL: Ineligible = (
    Outcome.NOT_ELIGIBLE_LOW_LEVEL_INJUSTICE,
    "closed as a low-level injustice or impact: no option of a review",
    ["3", "21"],
)


def eligibility(opened: ComplaintOpened) -> Ineligible | None:
    """The closing outcome, its reason and paragraphs, or None when the case may go on.

    A joint PHSO/LGSCO decision goes to the Joint Working Team before any other rule is
    applied, whatever the decision type (76)."""
    if opened.flags.lgsco_joint:
        return JOINT
    if opened.case.decision is DecisionType.LOW_LEVEL_INJUSTICE:
        return LOW_LEVEL
    if opened.flags.unacceptable_behaviour:
        return (
            Outcome.DECLINED_UNACCEPTABLE_BEHAVIOUR,
            "access to a review declined under the unacceptable behaviour policy",
            ["22"],
        )
    return None
