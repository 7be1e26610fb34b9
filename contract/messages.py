"""The public message table (design.md, "Messages"): each message's name, whether it is a
signal or an update, the model it carries, the kinds of case that take it, the stages at
which it is expected, who may send it and the paragraphs behind it.

Back-office systems send messages by these names; the client refuses a message that the
case's kind does not take and lists the ones it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from domain import models as m
from domain.enums import Kind, Role, Stage
from domain.permissions import BEFORE_GROUNDS, OWNER_ENTERS, SUBMITTERS

DC, SC, PF = Kind.DECISION_COMPLAINT, Kind.SERVICE_COMPLAINT, Kind.POSITIVE_FEEDBACK
# Signals a case takes from the system itself, never from a caller: not in the table, so
# the client and the API refuse them as unknown (the letter dispatcher, issue 25).
INTERNAL_SIGNALS = frozenset({"letter_undeliverable"})


@dataclass(frozen=True)
class Standing:
    """How one person stands to a case now: what `Who.allows` decides on."""

    role: Role
    relations: frozenset[str] = frozenset()
    scheme_role: Role | None = None  # the lowest role the Delegation Scheme accepts now
    owner_role: Role = Role.CASEWORKER  # the case owner's grade (Annex A)
    extension_roles: frozenset[Role] = frozenset()  # the scheme's extend_grounds_deadline_roles
    step_overdue: bool = False  # a person's step is overdue and may be taken in their place (v5)


@dataclass(frozen=True)
class Who:
    """The `by` column in a form a program can check (the authority matrix test sends
    every message as every role and relation and expects exactly this).

    Allowed: anyone holding one of `roles`; anyone in one of `relations` to the case
    (`owner`, `manager`, `awaited` = whoever owes the step now, `oat_within_oat` = an OAT
    caseworker when OAT advised the review stay within OAT, para 27, `new_case_owner` =
    whom OAT named to handle a new detailed investigation, para 64); anyone at or above
    `from_role` on the ladder; anyone at least `above_owner` rungs above the case owner's
    grade; with `extension_roles`, anyone at or above a role the scheme names for
    extensions (32); with `scheme`, anyone at or above the role the Delegation Scheme
    requires for the decision awaited. Refused even so: anyone in `never` (`proposer` of
    what is being approved, `owner`, `manager`, `about` = staff a service complaint is
    about). `anyone`: signals, which carry what arrives."""

    roles: frozenset[Role] = frozenset()
    relations: frozenset[str] = frozenset()
    from_role: Role | None = None
    above_owner: int = 0
    extension_roles: bool = False
    scheme: bool = False
    never: frozenset[str] = frozenset()
    anyone: bool = False
    stand_in: bool = False

    def allows(self, who: Standing) -> bool:
        from domain.authority import LADDER, at_least, is_staff, rank

        if self.anyone:
            return True
        if who.relations & self.never:
            return False
        # A party or a back office holds no relation to a case, whatever its id.
        relations = who.relations if is_staff(who.role) else frozenset()
        owner_rank = rank(who.owner_role)
        above_owner = (
            self.above_owner > 0
            and owner_rank is not None
            and owner_rank + self.above_owner < len(LADDER)
            and at_least(who.role, LADDER[owner_rank + self.above_owner])
        )
        stands_in = (
            self.stand_in
            and who.step_overdue
            and is_staff(who.role)
            and "awaited" not in relations
            and "about" not in who.relations
            and ("manager" in relations or at_least(who.role, Role.ASSISTANT_DIRECTOR))
        )
        return bool(
            stands_in
            or who.role in self.roles
            or relations & self.relations
            or (self.from_role is not None and at_least(who.role, self.from_role))
            or above_owner
            or (self.extension_roles and any(at_least(who.role, r) for r in who.extension_roles))
            or (self.scheme and who.scheme_role is not None and at_least(who.role, who.scheme_role))
        )


OWNER = Who(relations=frozenset({"owner", "oat_within_oat"}), stand_in=True)
OAT = Who(roles=frozenset({Role.OAT_CASEWORKER}))
LEGAL = Who(roles=frozenset({Role.LEGAL_TEAM}))
MANAGER_OR_SENIOR = Who(relations=frozenset({"manager"}), from_role=Role.ASSISTANT_DIRECTOR)
# design.md, `reassign`: the case's manager or above, or a team's manager for its step.
REASSIGNER = Who(
    relations=frozenset({"manager", "team_manager"}),
    from_role=Role.ASSISTANT_DIRECTOR,
    never=frozenset({"about"}),
)
# Para 32: the case's manager, a role the scheme names, or anyone above the manager's
# grade (two rungs above the case owner's).
EXTENDER = Who(relations=frozenset({"manager"}), above_owner=2, extension_roles=True)
SCHEME = Who(scheme=True, never=frozenset({"proposer"}))
HANDLER = Who(relations=frozenset({"awaited"}), never=frozenset({"about"}))
HANDLER_OR_STAND_IN = Who(relations=frozenset({"awaited"}), never=frozenset({"about"}), stand_in=True)
MANAGER_STEP = Who(relations=frozenset({"manager"}), never=frozenset({"about"}), stand_in=True)
STEP_OWNER = Who(relations=frozenset({"awaited", "manager"}))
ANYONE = Who(anyone=True)


def submitters(name: str) -> Who:
    """What a party sends (design.md, "The trust boundary"; guidance v4): the roles of the
    rule the signal's handler applies (domain.permissions), and the case owner entering it
    for them where the rule allows (31)."""
    return Who(
        roles=SUBMITTERS[name], relations=frozenset({"owner"}) if name in OWNER_ENTERS else frozenset()
    )


ANY_STAGE = "any stage before closing"
EVERY_STAGE: tuple[Stage, ...] = ()  # taken at any stage before closing


@dataclass(frozen=True)
class MessageSpec:
    """One row of the message table (design.md, "Messages").

    `stages`: the stages whose validator takes it (empty: any stage before closing); the
    workflows check exactly these. `when`: the same in words, with what a program cannot
    check from the stage alone. `example`: a valid body, for the docs, the pages' offers
    (the update's own validator is asked with it) and the tests."""

    name: str
    kind: Literal["signal", "update"]
    model: type[BaseModel]
    case_kinds: tuple[Kind, ...]
    stages: tuple[Stage, ...]
    when: str
    by: str
    paragraphs: str
    who: Who
    example: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, str]:
        """Field name -> type as a person reads it (the actor is set by whoever sends)."""
        out = {}
        for name, info in self.model.model_fields.items():
            if name == "actor":
                continue
            out[name] = _shown(info.annotation) + ("" if info.is_required() else " (optional)")
        return out

    def takes_at(self, stage: Stage) -> bool:
        return stage is not Stage.CLOSED and (not self.stages or stage in self.stages)


def _shown(annotation: Any) -> str:
    """A field's type as a person reads it: `date`, `list of Evidence`, `str or None`."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _shown(args[0])
    if origin in (Union, UnionType):
        return " or ".join(_shown(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_shown(args[0])}" if args else "list"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "/".join(str(member.value) for member in annotation)
    return str(getattr(annotation, "__name__", annotation)).replace("typing.", "")


S = Stage
_SPECS = [
    # Decision complaints (paras 20-74), in the order of the guidance.
    MessageSpec(
        "case_owner_resolution", "update", m.CaseOwnerResolution, (DC,), (S.CASE_OWNER_RESOLUTION,),
        "case_owner_resolution", "case owner (or, once overdue, the manager or above)", "23-25", OWNER, {"resolved": False},
    ),
    MessageSpec(
        "oat_advice", "update", m.OatAdvice, (DC,), (S.OAT_ADVICE,),
        "oat_advice", "oat_caseworker", "26-29", OAT, {"route": "as_usual"},
    ),
    MessageSpec(
        "grounds_submitted", "signal", m.GroundsSubmitted, (DC,), EVERY_STAGE,
        "any (kept until awaiting_grounds)", "service user / back office / case owner (31)", "30-31",
        submitters("grounds_submitted"),
        {"why_wrong": "the report missed my GP's letter", "wanted": "a fresh look at the evidence"},
    ),
    MessageSpec(
        "extend_grounds_deadline", "update", m.ExtendGroundsDeadline, (DC,), BEFORE_GROUNDS,
        "any stage before grounds arrive", "the case's manager, a role in extend_grounds_deadline_roles, "
        "or a role above the case's manager", "32", EXTENDER,
        {"new_deadline": "2027-01-29", "reason": "waiting for hospital records"},
    ),
    MessageSpec(
        "legal_advice", "update", m.LegalAdvice, (DC,), (S.LEGAL_ADVICE,),
        "legal_advice", "legal_team", "70", LEGAL, {"proceed": True},
    ),
    MessageSpec(
        "late_explanation", "signal", m.LateExplanation, (DC,), (S.TIME_LIMIT,),
        "time_limit", "service user / back office / case owner (31)", "33", submitters("late_explanation"),
        {"text": "I was in hospital in March"},
    ),
    MessageSpec(
        "time_limit_decision", "update", m.TimeLimitDecision, (DC,), (S.TIME_LIMIT,),
        "time_limit", "case owner (or, once overdue, the manager or above)", "34-37", OWNER, {"accept": True, "reason": "illness_or_bereavement"},
    ),
    MessageSpec(
        "challenge_assessment", "update", m.ChallengeAssessment, (DC,), (S.CHALLENGE_ASSESSMENT,),
        "challenge_assessment", "case owner (or, once overdue, the manager or above)", "38-40", OWNER,
        {"actionable": True, "analysis": "says which finding is wrong and why"},
    ),
    MessageSpec(
        "case_owner_review", "update", m.CaseOwnerReview, (DC,), (S.CASE_OWNER_REVIEW,),
        "case_owner_review", "case owner (or, once overdue, the manager or above)", "41-46", OWNER, {"finding": "no_genuine_doubt"},
    ),
    MessageSpec(
        "oat_outcome", "update", m.OatOutcomeMessage, (DC,), (S.OAT_REVIEW,),
        "oat_review (reaches the child)", "oat_caseworker", "47-49", OAT, {"outcome": "accepted"},
    ),
    MessageSpec(
        "oat_decision", "update", m.OatDecision, (DC,), (S.OAT_CONSIDERATION,),
        "oat_consideration", "oat_caseworker", "50-69, Annex A", OAT,
        {"upheld": False, "route": "none", "analysis": "the decision was open to us on the evidence"},
    ),
    MessageSpec(
        "approve", "update", m.Approval, (DC, SC), (S.AWAITING_APPROVAL,),
        "awaiting_approval", "per the Delegation Scheme; never the proposer", "72-73", SCHEME, {},
    ),
    MessageSpec(
        "reject", "update", m.Rejection, (DC, SC), (S.AWAITING_APPROVAL,),
        "awaiting_approval", "per the Delegation Scheme; note required", "72-73", SCHEME,
        {"note": "the amount is not explained"},
    ),
    MessageSpec(
        "evidence_submitted", "signal", m.EvidenceSubmitted, (DC, SC), EVERY_STAGE,
        "any stage before closing (the API sends it for each upload)",
        "service user / organisation / back office (with party) / case owner (31)", "30-31", submitters("evidence_submitted"),
        {"documents": []},
    ),
    MessageSpec(
        "withdraw", "signal", m.Withdraw, (DC, SC), EVERY_STAGE, "any stage before closing (guidance v7)",
        "service user (or back office for them)", "24", submitters("withdraw"),
        {"note": "your explanation answered my questions"},
    ),
    MessageSpec(
        "adjustment_requested", "signal", m.AdjustmentRequested, (DC, SC), EVERY_STAGE,
        "any stage before closing (guidance v7)", "service user (or back office, case owner for them)", "31",
        submitters("adjustment_requested"), {"text": "please send everything in large print", "kind": "large_print"},
    ),
    MessageSpec(
        "more_time_requested", "signal", m.MoreTimeRequested, (DC, SC), EVERY_STAGE,
        "any stage before closing (guidance v7)", "service user (or back office, case owner for them)", "32",
        submitters("more_time_requested"), {"text": "I am in hospital until the end of the month"},
    ),
    MessageSpec(
        "record_adjustment", "update", m.RecordAdjustment, (DC, SC), EVERY_STAGE,
        "any stage before closing (guidance v7)", "case owner, the case's manager, or back office", "31",
        Who(roles=frozenset({Role.BACK_OFFICE}), relations=frozenset({"owner", "manager"})),
        {"kind": "large_print"},
    ),
    MessageSpec(
        "party_comment", "signal", m.PartyComment, (DC,), (S.NEW_DETAILED_INVESTIGATION,),
        "new_detailed_investigation (reaches the child)", "service user / organisation / back office (with party)",
        "63", submitters("party_comment"),
        {"text": "the summary leaves out the second visit"},
    ),
    MessageSpec(
        "ndi_proceed", "update", m.NdiProceed, (DC,), (S.NEW_DETAILED_INVESTIGATION,),
        "new_detailed_investigation (reaches the child)", "oat_caseworker or the new case owner", "64",
        Who(
            roles=frozenset({Role.OAT_CASEWORKER}),
            relations=frozenset({"new_case_owner"}),
            never=frozenset({"owner", "manager"}),
        ),
        {"proceed": True},
    ),
    MessageSpec(
        "legal_referral_done", "update", m.LegalReferralDone, (DC,), (S.QUASH,),
        "quash", "legal_team", "66-69", LEGAL, {},
    ),
    MessageSpec(
        "exceptional_review", "update", m.ExceptionalReview, (DC,), (S.SECOND_REVIEW_CHECK,),
        "second_review_check (guidance v7)", "oat_caseworker", "5", OAT,
        {"proceed": True, "reason": "new evidence the first review could not have seen"},
    ),
    MessageSpec(
        "complete_task", "update", m.CompleteTask, (DC, SC), EVERY_STAGE,
        "while a task is open (guidance v7)", "the task's assignee, the case's manager, or an assistant director or above",
        "31, 43, 65, 78", Who(relations=frozenset({"task_assignee", "manager"}), from_role=Role.ASSISTANT_DIRECTOR),
        {"task": "risk re-assessment", "risk": "medium", "note": "the complainant's MP has written"},
    ),
    MessageSpec(
        "mark_posted", "update", m.MarkPosted, (DC, SC), EVERY_STAGE, "any stage, while a letter waits to be posted",
        "any staff role or back office", "30-32",
        Who(roles=frozenset(r for r in Role if r not in (Role.SERVICE_USER, Role.ORGANISATION))),
        {"letter": 0, "posted_on": "2026-11-02"},
    ),
    MessageSpec(
        "record_jr_threat", "update", m.RecordJrThreat, (DC,), EVERY_STAGE, "any stage before closing (guidance v7)",
        "case owner", "70", Who(relations=frozenset({"owner"})),
        {"note": "the complainant's solicitor wrote threatening Judicial Review"},
    ),
    MessageSpec(
        "reassign", "update", m.Reassign, (DC,), EVERY_STAGE, ANY_STAGE,
        "the case's manager or above; a team's manager for a step owed by the team", "23, 32", REASSIGNER,
        {"to": {"id": "cw-zed", "role": "caseworker"}, "reason": "the case owner is on long-term sick leave"},
    ),
    MessageSpec(
        "decline_unacceptable_behaviour", "update", m.DeclineUnacceptableBehaviour, (DC, SC), EVERY_STAGE,
        ANY_STAGE, "the case's manager or above", "22", MANAGER_OR_SENIOR,
        {"reason": "repeated abuse of staff on the phone"},
    ),
    # Service complaints (paras 10-19).
    MessageSpec(
        "manager_resolution", "update", m.ManagerResolution, (SC,), (S.MANAGER_RESOLUTION,),
        "manager_resolution", "the case's manager (or, once overdue, someone more senior)", "13-14, 16", MANAGER_STEP,
        {"resolved": False},
    ),
    MessageSpec(
        "reclassify_as_decision_complaint", "update", m.Reclassify, (SC,),
        (S.MANAGER_RESOLUTION, S.CONSIDERATION), "manager_resolution, consideration",
        "case owner or manager, never anyone it is about", "12",
        Who(relations=frozenset({"owner", "manager", "awaited"}), never=frozenset({"about"})),
        {"reason": "it is about the decision itself", "decided_on": "2026-11-02"},
    ),
    MessageSpec(
        "escalate", "update", m.Escalate, (SC,), (S.CONSIDERATION,),
        "consideration", "current handler", "11, 15", HANDLER,
        {"to": {"id": "ad-max", "role": "assistant_director"}, "reason": "needs a more senior view"},
    ),
    MessageSpec(
        "oat_service_advice", "update", m.OatServiceAdvice, (SC,), (S.MANAGER_RESOLUTION, S.CONSIDERATION),
        "manager_resolution, consideration", "oat_caseworker", "15", OAT,
        {"advice": "look at the call log first"},
    ),
    MessageSpec(
        "service_complaint_decision", "update", m.ServiceComplaintDecision, (SC,), (S.CONSIDERATION,),
        "consideration", "current handler (or, once overdue, the manager or above)", "17-19", HANDLER_OR_STAND_IN,
        {"upheld": False, "what_happened": "we replied in 12 days", "should_have_happened": "within 10"},
    ),
    MessageSpec(
        "close_unresolved", "update", m.CloseUnresolved, (SC,), (S.CONSIDERATION,),
        "consideration", "current handler (or, once overdue, the manager or above)", "15", HANDLER_OR_STAND_IN,
        {"reason": "no response to three letters"},
    ),
    # Positive feedback (paras 7-9).
    MessageSpec(
        "manager_review", "update", m.ManagerReview, (PF,), (S.AWAITING_MANAGER_REVIEW,),
        "awaiting_manager_review", "the case's manager (or, once overdue, someone more senior)", "9", MANAGER_STEP, {},
    ),
    # Paused clocks, on every kind.
    MessageSpec(
        "pause_clock", "update", m.PauseClock, (DC, SC, PF), EVERY_STAGE,
        "a stage whose step is owed by staff", "whoever owes the step, or the case's manager", "31, 34",
        STEP_OWNER, {"reason": "waiting for the complainant's medical records"},
    ),
    MessageSpec(
        "resume_clock", "update", m.ResumeClock, (DC, SC, PF), EVERY_STAGE,
        "while the clock is paused", "whoever owes the step, or the case's manager", "31, 34",
        STEP_OWNER, {},
    ),
]  # fmt: skip

MESSAGES: dict[str, MessageSpec] = {spec.name: spec for spec in _SPECS}
# What a case closed grounds_not_received still takes, to reopen (33-36; guidance v7).
REOPENING = frozenset({"grounds_submitted", "late_explanation"})

# What each kind of case is opened with, and the workflow type that runs it.
OPEN_INPUTS: dict[Kind, tuple[str, type[BaseModel]]] = {
    DC: ("DecisionComplaintWorkflow", m.ComplaintOpened),
    SC: ("ServiceComplaintWorkflow", m.ServiceComplaintOpened),
    PF: ("PositiveFeedbackWorkflow", m.PositiveFeedbackOpened),
}
# The assurance team's review and a new detailed investigation run as children of a case.
CHILD_WORKFLOW_TYPES = frozenset({"OatReviewWorkflow", "NewDetailedInvestigationWorkflow"})
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
