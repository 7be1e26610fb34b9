"""The public names of design.md: roles, stages, outcomes and the choices in messages."""

from enum import StrEnum


class Role(StrEnum):
    SERVICE_USER = "service_user"
    ORGANISATION = "organisation"
    CASEWORKER = "caseworker"
    OPERATIONS_MANAGER = "operations_manager"
    ASSISTANT_DIRECTOR = "assistant_director"
    DIRECTOR = "director"
    OAT_CASEWORKER = "oat_caseworker"
    LEGAL_TEAM = "legal_team"
    DEPUTY_OMBUDSMAN = "deputy_ombudsman"
    OMBUDSMAN = "ombudsman"
    JOINT_WORKING_TEAM = "joint_working_team"
    # Not a person: timers and the back office acting for the organisation.
    SYSTEM = "system"
    BACK_OFFICE = "back_office"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Every role's value, to tell a role from a team name or a person's id in plain text.
ROLE_VALUES = frozenset(r.value for r in Role)


class DecisionType(StrEnum):
    PRIMARY_INVESTIGATION = "primary_investigation"
    DETAILED_INVESTIGATION = "detailed_investigation"
    LOW_LEVEL_INJUSTICE = "low_level_injustice"
    PARTIAL_REMIT = "partial_remit"


class Kind(StrEnum):
    DECISION_COMPLAINT = "decision_complaint"
    SERVICE_COMPLAINT = "service_complaint"
    POSITIVE_FEEDBACK = "positive_feedback"
    OAT_REVIEW = "oat_review"
    NEW_DETAILED_INVESTIGATION = "new_detailed_investigation"


class Stage(StrEnum):
    INTAKE = "intake"
    CASE_OWNER_RESOLUTION = "case_owner_resolution"
    OAT_ADVICE = "oat_advice"
    AWAITING_GROUNDS = "awaiting_grounds"
    LEGAL_ADVICE = "legal_advice"
    TIME_LIMIT = "time_limit"
    CHALLENGE_ASSESSMENT = "challenge_assessment"
    CASE_OWNER_REVIEW = "case_owner_review"
    OAT_REVIEW = "oat_review"
    OAT_CONSIDERATION = "oat_consideration"
    AWAITING_APPROVAL = "awaiting_approval"
    NEW_DETAILED_INVESTIGATION = "new_detailed_investigation"
    QUASH = "quash"
    SECOND_REVIEW_CHECK = "second_review_check"  # one review per case, save in exceptional circumstances (5)
    # Service complaints and positive feedback (paras 7-19).
    MANAGER_RESOLUTION = "manager_resolution"
    CONSIDERATION = "consideration"
    AWAITING_MANAGER_REVIEW = "awaiting_manager_review"
    CLOSED = "closed"


class Outcome(StrEnum):
    NOT_ELIGIBLE_LOW_LEVEL_INJUSTICE = "not_eligible_low_level_injustice"
    REFERRED_TO_JOINT_WORKING_TEAM = "referred_to_joint_working_team"
    DECLINED_UNACCEPTABLE_BEHAVIOUR = "declined_unacceptable_behaviour"
    RESOLVED_BY_CASE_OWNER = "resolved_by_case_owner"
    NO_REVIEW_HIGH_RISK = "no_review_high_risk"
    GROUNDS_NOT_RECEIVED = "grounds_not_received"
    DECLINED_OUT_OF_TIME = "declined_out_of_time"
    NOT_ACTIONABLE = "not_actionable"
    RESOLVED_WITH_FURTHER_CLARITY = "resolved_with_further_clarity"
    REVIEW_CRITERIA_NOT_MET = "review_criteria_not_met"
    RECLASSIFIED_SERVICE_COMPLAINT = "reclassified_service_complaint"
    NOT_UPHELD = "not_upheld"
    UPHELD_REMEDY = "upheld_remedy"
    UPHELD_NEW_PRIMARY_INVESTIGATION = "upheld_new_primary_investigation"
    UPHELD_NEW_DETAILED_INVESTIGATION = "upheld_new_detailed_investigation"
    UPHELD_REPORT_QUASHED = "upheld_report_quashed"
    DECLINED_PENDING_JUDICIAL_REVIEW = "declined_pending_judicial_review"
    DECLINED_ALREADY_REVIEWED = "declined_already_reviewed"
    WITHDRAWN = "withdrawn"  # the complainant is satisfied and withdraws (24)
    # Service complaints and positive feedback.
    RESOLVED_BY_MANAGER = "resolved_by_manager"
    SERVICE_COMPLAINT_UPHELD = "service_complaint_upheld"
    SERVICE_COMPLAINT_NOT_UPHELD = "service_complaint_not_upheld"
    CLOSED_UNRESOLVED = "closed_unresolved"
    RECLASSIFIED_DECISION_COMPLAINT = "reclassified_decision_complaint"
    FEEDBACK_REVIEWED = "feedback_reviewed"
    # A child workflow (OAT review, new detailed investigation) ends with this.
    CHILD_COMPLETED = "completed"


# Closing outcomes whose letter must NOT say the internal process has ended,
# because the complaint goes on elsewhere (paras 12, 48, 76).
OUTCOMES_WHERE_COMPLAINT_CONTINUES = frozenset(
    {
        Outcome.REFERRED_TO_JOINT_WORKING_TEAM,
        Outcome.RECLASSIFIED_SERVICE_COMPLAINT,
        Outcome.RECLASSIFIED_DECISION_COMPLAINT,
    }
)


class OatAdviceRoute(StrEnum):
    WITHIN_OAT = "within_oat"
    FURTHER_OVERSIGHT = "further_oversight"
    AS_USUAL = "as_usual"
    NO_REVIEW_HIGH_RISK = "no_review_high_risk"


class LateReason(StrEnum):
    """The good reasons of para 34 for putting the time limit to one side."""

    ILLNESS_OR_BEREAVEMENT = "illness_or_bereavement"
    SUPPORT_NEEDED = "support_needed"
    EVIDENCE_PROBLEMS = "evidence_problems"
    CASE_OWNER_DELAY = "case_owner_delay"
    RETURNED_REASONABLY_PROMPTLY = "returned_reasonably_promptly"
    OTHER = "other"


class CaseOwnerFinding(StrEnum):
    FURTHER_CLARITY_RESOLVED = "further_clarity_resolved"  # 41
    NO_GENUINE_DOUBT = "no_genuine_doubt"  # 42
    PRIMARY_RECONSIDER_IN_TEAM = "primary_reconsider_in_team"  # 43
    DETAILED_POSSIBLY_WRONG = "detailed_possibly_wrong"  # 44
    RATIONALE_FLAWED_DECISION_RIGHT = "rationale_flawed_decision_right"  # 45


class OatOutcome(StrEnum):
    """The outcomes of para 48."""

    RETURNED_MORE_INFO = "returned_more_info"
    RETURNED_FURTHER_WORK = "returned_further_work"
    NOT_FOR_OAT_SERVICE_COMPLAINT = "not_for_oat_service_complaint"
    NOT_FOR_OAT_CRITERIA_NOT_MET = "not_for_oat_criteria_not_met"
    NOT_FOR_OAT_OTHER = "not_for_oat_other"
    ACCEPTED = "accepted"


# Para 49: these go back to the case owner with OAT's directions.
OAT_RETURNS_TO_CASE_OWNER = frozenset(
    {OatOutcome.RETURNED_MORE_INFO, OatOutcome.RETURNED_FURTHER_WORK, OatOutcome.NOT_FOR_OAT_OTHER}
)


class DecisionRoute(StrEnum):
    NONE = "none"
    REMEDY = "remedy"
    FRESH_PRIMARY_INVESTIGATION = "fresh_primary_investigation"
    NEW_DETAILED_INVESTIGATION = "new_detailed_investigation"
    QUASH = "quash"


class RemedyKind(StrEnum):
    APOLOGY = "apology"
    EXPLANATION = "explanation"
    SERVICE_IMPROVEMENT = "service_improvement"
    FINANCIAL_PAYMENT = "financial_payment"


class LearningPointKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"
    GOOD_PRACTICE = "good_practice"


class NdiReason(StrEnum):
    """Para 62: why a new detailed investigation is justified."""

    FLAWED_EVIDENCE = "flawed_evidence"
    UNFAIR_INVESTIGATION = "unfair_investigation"
    SIGNIFICANT_NEW_INFORMATION = "significant_new_information"


class Channel(StrEnum):
    EMAIL = "email"
    PHYSICAL = "physical"
    PHONE = "phone"


class ServiceAction(StrEnum):
    APOLOGY = "apology"
    EXPLANATION = "explanation"
    CONTACT_ARRANGED = "contact_arranged"
    IMPROVEMENT = "improvement"
    PRIORITY_ALLOCATION = "priority_allocation"


class Taken(StrEnum):
    """How staff took a submission they enter for the complainant (31; design.md, "The
    trust boundary")."""

    PHONE = "phone"
    POST = "post"
    IN_PERSON = "in_person"
