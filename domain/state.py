"""A case's whole state in one typed model: what a workflow holds, what `status` shows and
what continue-as-new carries to the next run (so a long-lived case stays small).

Pure data: no Temporal, no I/O. Workflows change it through `workflows/case/`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, model_validator

from domain.authority import ApprovalRule
from domain.enums import Kind, OatAdviceRoute, Outcome, Role, Stage
from domain.guidance import version_of_legacy_state
from domain.models import (
    Actor,
    Adjustments,
    ApprovalRecord,
    Awaiting,
    CaseOwnerReview,
    ComplaintOpened,
    Contact,
    DeclineUnacceptableBehaviour,
    DocumentOnRecord,
    Escalation,
    GroundsSubmitted,
    HistoryEntry,
    LateExplanation,
    LearningPoint,
    LedgerEntry,
    LetterRecord,
    Links,
    OatDecision,
    OatOutcomeMessage,
    PartyComment,
    Pause,
    PositiveFeedbackOpened,
    Proposal,
    ServiceComplaintDecision,
    ServiceComplaintOpened,
    Status,
    Submission,
    Task,
    Withdraw,
)
from domain.policy import Policy

Input = TypeVar("Input", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
_LEGACY_FLAGS = frozenset({"edges", "acknowledges", "keeps_in_touch"})


class CaseState(BaseModel):
    """What every kind of case holds."""

    @model_validator(mode="before")
    @classmethod
    def _versions_were_booleans(cls, data: Any) -> Any:
        """A state carried across continue-as-new before guidance versions were data held
        three booleans (edges, acknowledges, keeps_in_touch) instead of `guidance`."""
        if isinstance(data, dict) and "guidance" not in data and "edges" in data:
            version = version_of_legacy_state(data)
            data = {k: v for k, v in data.items() if k not in _LEGACY_FLAGS}
            data["guidance"] = version
        return data

    kind: Kind
    case_ref: str
    owner: str
    manager: str
    owner_role: Role = Role.CASEWORKER
    risk: str | None = None
    complainant: Contact = Contact()
    reasonable_adjustments: Adjustments = []
    stage: Stage = Stage.INTAKE
    outcome: Outcome | None = None
    policy: Policy | None = None  # loaded by the first activity; kept for the case's life
    offset_seconds: float = 0.0  # `reviews simulate`: case time = server time + offset
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    history: list[HistoryEntry] = []
    letters: list[LetterRecord] = []
    ledger: dict[str, LedgerEntry] = {}
    approvals: list[ApprovalRecord] = []
    learning_points: list[LearningPoint] = []
    links: Links = Links()
    tasks: list[Task] = []
    awaiting: Awaiting | None = None
    pauses: list[Pause] = []
    copy_oat: bool = False  # "further oversight": OAT copied on every letter (27)
    declined: DeclineUnacceptableBehaviour | None = None
    redirect: Stage | None = None  # where the case goes next, whatever it was waiting for
    withdrawn: Withdraw | None = None  # the complainant withdrew (24)
    proposal: Proposal | None = None
    pending_rule: ApprovalRule | None = None  # the approval the proposal waits for
    synced: int = 0  # audit entries already written to the store
    letter_seq: int = 0
    # Continue-as-new: the stage the previous run was waiting in, entered already.
    resumed_in: Stage | None = None
    runs: int = 1
    # The guidance version the case began under (domain/guidance), kept for life.
    guidance: int = 0
    to_acknowledge: list[Submission] = []  # submissions still to be acknowledged
    last_to_complainant: datetime | None = None  # the last letter to them
    last_acknowledged: dict[str, datetime] = {}  # each party's last acknowledgement (v6 batches)
    documents: list[DocumentOnRecord] = []  # every document on the record, and whose it is


class DecisionState(CaseState):
    """A complaint about a decision (20-74)."""

    opened: ComplaintOpened
    previous_owners: list[str] = []  # whoever the case was reassigned from (design.md, `reassign`)
    grounds: GroundsSubmitted | None = None
    grounds_deadline: date | None = None  # the date the grounds request gave (32, 34)
    grounds_requested_on: date | None = None
    grounds_extended_to: date | None = None  # agreed before the request went out (32)
    grounds_in_time: bool | None = None
    reminded_for: date | None = None
    jr_window_ends: date | None = None
    jr_delay: bool = False
    late_explanation: LateExplanation | None = None
    late_reply_by: date | None = None
    reopenable_until: date | None = None  # closed grounds_not_received: late grounds reopen it (33-36)
    reopened: int = 0  # the date the late-explanation letter gave (33)
    legal_advice_taken: bool = False
    earlier_review: str | None = None  # the case whose review of this decision finished (5)
    jr_threat: str | None = None  # a threat of Judicial Review recorded after opening (70)
    back_after_legal: Stage | None = None  # the stage a recorded threat took the case from
    oat_route: OatAdviceRoute | None = None
    oat_route_by_policy: bool = False  # went on without OAT's advice (policy opt-in, 27)
    learning_shared: bool = False  # learning points recorded and sent once (55-56)
    oat_reasons: list[str] = []
    finding: CaseOwnerReview | None = None
    oat_directions: OatOutcomeMessage | None = None
    oat_round: int = 0
    oat_outcomes: list[str] = []
    decision: OatDecision | None = None
    learning_shared_for: int = -1  # the decision (index in approvals) whose learning was sent
    legal_referral_done: bool = False
    ndi_window_ends: date | None = None
    party_comments: list[PartyComment] = []


class ServiceState(CaseState):
    """A complaint about our service (10-19)."""

    opened: ServiceComplaintOpened
    received_on: date | None = None
    handler: Actor | None = None
    decision: ServiceComplaintDecision | None = None
    escalations: list[Escalation] = []
    oat_advice: list[str] = []


class FeedbackState(CaseState):
    """Positive feedback (7-9)."""

    opened: PositiveFeedbackOpened
    received_on: date | None = None


# The workflows' own inputs: what a client opened the case with or, set only by
# continue-as-new, the state the next run goes on from. Never a client's type: the public
# open inputs refuse `resume`, and a workflow refuses a state it was not continued with.


class DecisionRun(ComplaintOpened):
    resume: DecisionState | None = None


class ServiceRun(ServiceComplaintOpened):
    resume: ServiceState | None = None


class FeedbackRun(PositiveFeedbackOpened):
    resume: FeedbackState | None = None


def open_input_of(run: BaseModel, model: type[Input]) -> Input:
    """The client's open input inside a run's input (without the carried state)."""
    return model.model_construct(**{name: getattr(run, name) for name in model.model_fields})


# How much of an audit entry's words the next run carries once the store has them whole.
CARRIED_DETAIL = 200


def carrying(run_type: type[R], state: DecisionState | ServiceState | FeedbackState) -> R:
    """The next run's input: the case's open input and the state to go on from. Audit
    entries already written to the store (`synced`) keep their first CARRIED_DETAIL
    characters: the store holds them whole, and a long case's input stays small."""
    history = [
        entry
        if n >= state.synced or len(entry.detail) <= CARRIED_DETAIL
        else entry.model_copy(update={"detail": entry.detail[:CARRIED_DETAIL] + " [in the store]"})
        for n, entry in enumerate(state.history)
    ]
    opened = state.opened
    return run_type.model_construct(
        **{name: getattr(opened, name) for name in type(opened).model_fields},
        resume=state.model_copy(update={"history": history}),
    )


__all__ = [
    "CaseState",
    "DecisionState",
    "Escalation",
    "FeedbackState",
    "Proposal",
    "ServiceState",
    "Status",
    "Task",
]
