"""The public message table (design.md, "Messages"): each message's name, whether it is a
signal or an update, the model it carries, the kinds of case that take it, the stages at
which it is expected, who may send it and the paragraphs behind it.

Back-office systems send messages by these names; the client refuses a message that the
case's kind does not take and lists the ones it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel

from domain import models as m
from domain.enums import Kind, Role

DC, SC, PF = Kind.DECISION_COMPLAINT, Kind.SERVICE_COMPLAINT, Kind.POSITIVE_FEEDBACK
ANY_STAGE = "any stage before closing"


@dataclass(frozen=True)
class Who:
    """The `by` column in a form a program can check (the authority matrix test sends
    every message as every role and relation and expects exactly this).

    Allowed: anyone holding one of `roles`; anyone in one of `relations` to the case
    (`owner`, `manager`, `awaited` = whoever owes the step now, `oat_within_oat` = an OAT
    caseworker when OAT advised the review stay within OAT, para 27, `new_case_owner` =
    whom OAT named to handle a new detailed investigation, para 64); anyone at or above
    `from_role` on the ladder; with `scheme`, anyone at or above the role the Delegation
    Scheme requires for the decision awaited. Refused even so: anyone in `never`
    (`proposer` of what is being approved, `owner`, `manager`, `about` = staff a service
    complaint is about). `anyone`: signals, which carry what arrives and refuse nobody."""

    roles: frozenset[Role] = frozenset()
    relations: frozenset[str] = frozenset()
    from_role: Role | None = None
    scheme: bool = False
    never: frozenset[str] = frozenset()
    anyone: bool = False

    def allows(self, role: Role, relations: frozenset[str], scheme_role: Role | None = None) -> bool:
        from domain.authority import at_least

        if self.anyone:
            return True
        if relations & self.never:
            return False
        return bool(
            role in self.roles
            or relations & self.relations
            or (self.from_role is not None and at_least(role, self.from_role))
            or (self.scheme and scheme_role is not None and at_least(role, scheme_role))
        )


OWNER = Who(relations=frozenset({"owner", "oat_within_oat"}))
OAT = Who(roles=frozenset({Role.OAT_CASEWORKER}))
LEGAL = Who(roles=frozenset({Role.LEGAL_TEAM}))
MANAGER = Who(relations=frozenset({"manager"}))
MANAGER_OR_SENIOR = Who(relations=frozenset({"manager"}), from_role=Role.ASSISTANT_DIRECTOR)
SCHEME = Who(scheme=True, never=frozenset({"proposer"}))
HANDLER = Who(relations=frozenset({"awaited"}), never=frozenset({"about"}))
ANYONE = Who(anyone=True)


@dataclass(frozen=True)
class MessageSpec:
    name: str
    kind: Literal["signal", "update"]
    model: type[BaseModel]
    case_kinds: tuple[Kind, ...]
    stages: str
    by: str
    paragraphs: str
    who: Who = field(default=ANYONE)

    def fields(self) -> dict[str, str]:
        """Field name -> type as a person reads it (the actor is set by whoever sends)."""
        out = {}
        for name, info in self.model.model_fields.items():
            if name == "actor":
                continue
            shown = getattr(info.annotation, "__name__", None) or str(info.annotation)
            out[name] = shown.replace("typing.", "") + ("" if info.is_required() else " (optional)")
        return out


def _u(
    name: str, model: type[BaseModel], kinds: tuple[Kind, ...], stages: str, by: str, paras: str
) -> MessageSpec:
    return MessageSpec(name, "update", model, kinds, stages, by, paras)


def _s(
    name: str, model: type[BaseModel], kinds: tuple[Kind, ...], stages: str, by: str, paras: str
) -> MessageSpec:
    return MessageSpec(name, "signal", model, kinds, stages, by, paras)


_SPECS = [
    # Decision complaints (paras 20-74), in the order of the guidance.
    _u("case_owner_resolution", m.CaseOwnerResolution, (DC,), "case_owner_resolution", "case owner", "23-25"),
    _u("oat_advice", m.OatAdvice, (DC,), "oat_advice", "oat_caseworker", "26-29"),
    _s(
        "grounds_submitted",
        m.GroundsSubmitted,
        (DC,),
        "any (kept until awaiting_grounds)",
        "service user / back office",
        "30-31",
    ),
    _u(
        "extend_grounds_deadline",
        m.ExtendGroundsDeadline,
        (DC,),
        "awaiting_grounds",
        "the case's manager, a role in extend_grounds_deadline_roles, or higher",
        "32",
    ),
    _u("legal_advice", m.LegalAdvice, (DC,), "legal_advice", "legal_team", "70"),
    _s("late_explanation", m.LateExplanation, (DC,), "time_limit", "service user", "33"),
    _u("time_limit_decision", m.TimeLimitDecision, (DC,), "time_limit", "case owner", "34-37"),
    _u("challenge_assessment", m.ChallengeAssessment, (DC,), "challenge_assessment", "case owner", "38-40"),
    _u("case_owner_review", m.CaseOwnerReview, (DC,), "case_owner_review", "case owner", "41-46"),
    _u(
        "oat_outcome", m.OatOutcomeMessage, (DC,), "oat_review (reaches the child)", "oat_caseworker", "47-49"
    ),
    _u("oat_decision", m.OatDecision, (DC,), "oat_consideration", "oat_caseworker", "50-69, Annex A"),
    _u(
        "approve",
        m.Approval,
        (DC, SC),
        "awaiting_approval",
        "per the Delegation Scheme; never the proposer",
        "72-73",
    ),
    _u(
        "reject",
        m.Rejection,
        (DC, SC),
        "awaiting_approval",
        "per the Delegation Scheme; note required",
        "72-73",
    ),
    _s(
        "evidence_submitted",
        m.EvidenceSubmitted,
        (DC, SC),
        "any stage before closing (the API sends it for each upload)",
        "service user / organisation / back office",
        "30-31",
    ),
    _s(
        "party_comment",
        m.PartyComment,
        (DC,),
        "new_detailed_investigation (reaches the child)",
        "service user / organisation",
        "63",
    ),
    _u(
        "ndi_proceed",
        m.NdiProceed,
        (DC,),
        "new_detailed_investigation (reaches the child)",
        "oat_caseworker or the new case owner",
        "64",
    ),
    _u("legal_referral_done", m.LegalReferralDone, (DC,), "quash", "legal_team", "66-69"),
    _u(
        "decline_unacceptable_behaviour",
        m.DeclineUnacceptableBehaviour,
        (DC, SC),
        ANY_STAGE,
        "the case's manager or above",
        "22",
    ),
    # Service complaints (paras 10-19).
    _u(
        "manager_resolution",
        m.ManagerResolution,
        (SC,),
        "manager_resolution",
        "the case's manager",
        "13-14, 16",
    ),
    _u(
        "reclassify_as_decision_complaint",
        m.Reclassify,
        (SC,),
        "manager_resolution, consideration",
        "case owner or manager",
        "12",
    ),
    _u("escalate", m.Escalate, (SC,), "consideration", "current handler", "11, 15"),
    _u(
        "oat_service_advice",
        m.OatServiceAdvice,
        (SC,),
        "manager_resolution, consideration",
        "oat_caseworker",
        "15",
    ),
    _u(
        "service_complaint_decision",
        m.ServiceComplaintDecision,
        (SC,),
        "consideration",
        "current handler",
        "17-19",
    ),
    _u("close_unresolved", m.CloseUnresolved, (SC,), "consideration", "current handler", "15"),
    # Positive feedback (paras 7-9).
    _u("manager_review", m.ManagerReview, (PF,), "awaiting_manager_review", "the case's manager", "9"),
    # Paused clocks, on every kind.
    _u(
        "pause_clock",
        m.PauseClock,
        (DC, SC, PF),
        "a stage whose step is owed by staff",
        "whoever owes the step, or the case's manager",
        "31, 34",
    ),
    _u(
        "resume_clock",
        m.ResumeClock,
        (DC, SC, PF),
        "while the clock is paused",
        "whoever owes the step, or the case's manager",
        "31, 34",
    ),
]

# The `by` column, checkable: every update has its entry (signals refuse nobody).
_WHO: dict[str, Who] = {
    "case_owner_resolution": OWNER,
    "time_limit_decision": OWNER,
    "challenge_assessment": OWNER,
    "case_owner_review": OWNER,
    "oat_advice": OAT,
    "oat_outcome": OAT,
    "oat_decision": OAT,
    "oat_service_advice": OAT,
    "legal_advice": LEGAL,
    "legal_referral_done": LEGAL,
    "extend_grounds_deadline": MANAGER_OR_SENIOR,  # or a role the policy's scheme names (32)
    "decline_unacceptable_behaviour": MANAGER_OR_SENIOR,
    "approve": SCHEME,
    "reject": SCHEME,
    "ndi_proceed": Who(
        roles=frozenset({Role.OAT_CASEWORKER}),
        relations=frozenset({"new_case_owner"}),
        never=frozenset({"owner", "manager"}),
    ),
    "manager_resolution": MANAGER,
    "manager_review": MANAGER,
    "reclassify_as_decision_complaint": Who(relations=frozenset({"owner", "manager", "awaited"})),
    "escalate": HANDLER,
    "service_complaint_decision": HANDLER,
    "close_unresolved": HANDLER,
    "pause_clock": Who(relations=frozenset({"awaited", "manager"})),
    "resume_clock": Who(relations=frozenset({"awaited", "manager"})),
}
_missing = [spec.name for spec in _SPECS if spec.kind == "update" and spec.name not in _WHO]
if _missing:  # pragma: no cover - a table edit that forgot the column
    raise RuntimeError(f"the message table gives no `who` for {_missing}")

MESSAGES: dict[str, MessageSpec] = {
    spec.name: replace(spec, who=_WHO.get(spec.name, ANYONE)) for spec in _SPECS
}

# What each kind of case is opened with, and the workflow type that runs it.
OPEN_INPUTS: dict[Kind, tuple[str, type[BaseModel]]] = {
    DC: ("DecisionComplaintWorkflow", m.ComplaintOpened),
    SC: ("ServiceComplaintWorkflow", m.ServiceComplaintOpened),
    PF: ("PositiveFeedbackWorkflow", m.PositiveFeedbackOpened),
}
KIND_OF_WORKFLOW_TYPE: dict[str, Kind] = {
    workflow_type: kind for kind, (workflow_type, _) in OPEN_INPUTS.items()
}


def messages_for(kind: Kind) -> list[MessageSpec]:
    return [spec for spec in _SPECS if kind in spec.case_kinds]


def refuse_for_kind(kind: Kind, message: str) -> str | None:
    """The refusal when a case of `kind` does not take `message`, listing those it does."""
    spec = MESSAGES.get(message)
    if spec is not None and kind in spec.case_kinds:
        return None
    taken = ", ".join(s.name for s in messages_for(kind))
    return f"a {kind.value} does not take {message}; it takes: {taken}"
