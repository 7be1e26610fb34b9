"""The public message names (design.md, "Messages"): which are signals, which updates,
and the model each carries. Back-office systems send them by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from domain import models as m
from domain.enums import Kind


@dataclass(frozen=True)
class MessageSpec:
    name: str
    kind: Literal["signal", "update"]
    model: type[BaseModel]


_SPECS = [
    MessageSpec("case_owner_resolution", "update", m.CaseOwnerResolution),
    MessageSpec("oat_advice", "update", m.OatAdvice),
    MessageSpec("grounds_submitted", "signal", m.GroundsSubmitted),
    MessageSpec("extend_grounds_deadline", "update", m.ExtendGroundsDeadline),
    MessageSpec("legal_advice", "update", m.LegalAdvice),
    MessageSpec("late_explanation", "signal", m.LateExplanation),
    MessageSpec("time_limit_decision", "update", m.TimeLimitDecision),
    MessageSpec("challenge_assessment", "update", m.ChallengeAssessment),
    MessageSpec("case_owner_review", "update", m.CaseOwnerReview),
    MessageSpec("oat_outcome", "update", m.OatOutcomeMessage),
    MessageSpec("oat_decision", "update", m.OatDecision),
    MessageSpec("approve", "update", m.Approval),
    MessageSpec("reject", "update", m.Rejection),
    MessageSpec("party_comment", "signal", m.PartyComment),
    MessageSpec("ndi_proceed", "update", m.NdiProceed),
    MessageSpec("legal_referral_done", "update", m.LegalReferralDone),
    MessageSpec("decline_unacceptable_behaviour", "update", m.DeclineUnacceptableBehaviour),
    # Service complaints (paras 10-19).
    MessageSpec("manager_resolution", "update", m.ManagerResolution),
    MessageSpec("reclassify_as_decision_complaint", "update", m.Reclassify),
    MessageSpec("escalate", "update", m.Escalate),
    MessageSpec("service_complaint_decision", "update", m.ServiceComplaintDecision),
    MessageSpec("close_unresolved", "update", m.CloseUnresolved),
    MessageSpec("oat_service_advice", "update", m.OatServiceAdvice),
    # Positive feedback (paras 7-9).
    MessageSpec("manager_review", "update", m.ManagerReview),
    # Any kind: a step waiting on the service user stops its clock.
    MessageSpec("pause_clock", "update", m.PauseClock),
    MessageSpec("resume_clock", "update", m.ResumeClock),
]

MESSAGES: dict[str, MessageSpec] = {spec.name: spec for spec in _SPECS}

# What each kind of case is opened with, and the workflow type that runs it.
OPEN_INPUTS: dict[Kind, tuple[str, type[BaseModel]]] = {
    Kind.DECISION_COMPLAINT: ("DecisionComplaintWorkflow", m.ComplaintOpened),
    Kind.SERVICE_COMPLAINT: ("ServiceComplaintWorkflow", m.ServiceComplaintOpened),
    Kind.POSITIVE_FEEDBACK: ("PositiveFeedbackWorkflow", m.PositiveFeedbackOpened),
}
