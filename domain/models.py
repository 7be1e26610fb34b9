"""Pydantic models for what flows in and out of the workflows (design.md, "Messages").

One model per workflow input, signal and update. Updates refuse unknown fields so a
typo is a clear error to the caller; signals (what a complainant sends) keep unknown
fields, because a submission is never thrown away.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    field_validator,
    model_validator,
)

from domain.bounds import (
    ADJUSTMENTS_MAX,
    AMOUNT_MAX_GBP,
    DOCUMENTS_MAX,
    EVIDENCE_MAX_BYTES,
    EXTRA_MAX,
    NAME_MAX,
    PHONE_MAX,
    REF_PATTERN,
    TEXT_MAX,
    clean_text,
    in_range,
    one_email,
    one_line,
)
from domain.enums import (
    CaseOwnerFinding,
    Channel,
    DecisionRoute,
    DecisionType,
    LateReason,
    LearningPointKind,
    NdiReason,
    OatAdviceRoute,
    OatOutcome,
    RemedyKind,
    Risk,
    Role,
    ServiceAction,
    Stage,
    Taken,
)


class Bounded(BaseModel):
    """Every string a caller sends: at most TEXT_MAX characters and no control character
    but newline and tab (domain/bounds.py); narrower fields say so themselves."""

    model_config = ConfigDict(str_max_length=TEXT_MAX)

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [clean_text(item) for item in value]
        return clean_text(value)


class Strict(Bounded):
    model_config = ConfigDict(extra="forbid", str_max_length=TEXT_MAX)


class OpenInput(Strict):
    """What a client may open a case with: never a case's state. Continue-as-new carries
    the state in a workflow-only input (domain/state.py, `*Run`); a `resume` here is
    refused, and a null one (written by builds before the split) is dropped."""

    @model_validator(mode="before")
    @classmethod
    def _never_a_state(cls, data: Any) -> Any:
        if "resume" in cls.model_fields or not isinstance(data, dict) or "resume" not in data:
            return data
        if data["resume"] is not None:
            raise ValueError(
                "resume: a case cannot be opened in a given state; only continue-as-new carries one"
            )
        return {k: v for k, v in data.items() if k != "resume"}


class Lenient(Bounded):
    """A signal: fields it does not know are kept (a newer sender), within EXTRA_MAX."""

    model_config = ConfigDict(extra="allow", str_max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _small_extras(self) -> Lenient:
        extra = self.model_extra or {}
        if extra and len(repr(extra)) > EXTRA_MAX:
            raise ValueError(
                f"fields this message does not take ({', '.join(sorted(extra))}) may hold at most "
                f"{EXTRA_MAX} characters in all"
            )
        return self


# Ids of people, mailboxes and cases: they appear in workflow ids, search attributes and
# addresses, so letters, digits and . _ @ : / + - only.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@:/+-]*$"
Id = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]


class Actor(Strict):
    id: Id
    role: Role

    def __str__(self) -> str:
        return f"{self.id} ({self.role.value})"


SYSTEM = Actor(id="reviews", role=Role.SYSTEM)


def _iso_date(value: Any) -> Any:
    """A date comes as YYYY-MM-DD; a number is not read as a Unix time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("write a date as YYYY-MM-DD")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD") from None
    return value


Day = Annotated[date, BeforeValidator(_iso_date), AfterValidator(in_range)]
# A case reference: it is part of the workflow id (design.md: [A-Za-z0-9-]{1,40}).
Ref = Annotated[str, Field(min_length=1, max_length=40, pattern=REF_PATTERN)]
Name = Annotated[str, Field(max_length=NAME_MAX), AfterValidator(one_line)]
Address = Annotated[str, Field(max_length=NAME_MAX)]
Email = Annotated[str | None, BeforeValidator(one_email)]
Phone = Annotated[str, Field(max_length=PHONE_MAX, pattern=r"^[0-9 +()\-.]*$")]


class OneOrMany:
    """In the JSON schema: a list that also takes one item, or nothing (what `_as_list`
    accepts), so clients and schema-driven tests see what is really accepted."""

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema = dict(handler(core))
        return {"anyOf": [schema, schema.get("items", {}), {"type": "null"}]}


class OrText:
    """In the JSON schema of a model that also takes plain text (see its validator)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {"anyOf": [dict(handler(core)), {"type": "string"}]}


def _as_list(value: Any) -> Any:
    """Accept one item (a reasonable adjustment, a document) as well as a list of them."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [value]
    return value


# --------------------------------------------------------------------------- intake


class CaseRef(Strict):
    """The case a piece of feedback is about, as the back office knows it."""

    ref: Ref
    owner: Id
    manager: Id
    # The case owner's grade decides who their line manager is (para 56, Annex A).
    owner_role: Role = Role.CASEWORKER

    @field_validator("owner_role")
    @classmethod
    def _staff(cls, role: Role) -> Role:
        grades = {Role.CASEWORKER, Role.OPERATIONS_MANAGER, Role.ASSISTANT_DIRECTOR, Role.DIRECTOR}
        if role not in grades:
            raise ValueError("owner_role must be a staff grade: caseworker up to director")
        return role


class DecidedCase(CaseRef):
    risk: Risk
    decision: DecisionType
    decided_on: Day


class Flags(Strict):
    """Facts at intake that change the route (paras 22, 26, 37, 70, 76)."""

    mp_involved: bool = False
    jr_threatened: bool = False
    organisation_complainant: bool = False
    lgsco_joint: bool = False
    unacceptable_behaviour: bool = False
    oat_direct: bool = False
    oat_priority_group: bool = False
    specialist: bool = False
    further_complaint_after_upheld_review: bool = False


class Contact(Strict):
    """How to reach the complainant; the back office may leave it to the case record."""

    name: Name | None = None
    email: Email = None
    address: Address | None = None
    phone: Phone | None = None


class AdjustmentKind(StrEnum):
    """What a reasonable adjustment changes (para 31; design.md "What the complainant gets")."""

    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    PLAIN_TEXT = "plain_text"
    PHONE_CALL = "phone_call"
    ADVOCATE_COPY = "advocate_copy"
    POST = "post"
    INTERPRETER = "interpreter"
    OTHER = "other"


class Adjustment(OrText, Strict):
    """One reasonable adjustment; a plain string is kept as `other` with its words."""

    kind: AdjustmentKind = AdjustmentKind.OTHER
    detail: str = ""
    contact: Contact | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return {"kind": "other", "detail": value} if isinstance(value, str) else value

    def __str__(self) -> str:
        words = self.kind.value.replace("_", " ")
        if self.kind is AdjustmentKind.OTHER:
            return self.detail or words
        return f"{words}: {self.detail}" if self.detail else words


Adjustments = Annotated[
    list[Adjustment], BeforeValidator(_as_list), OneOrMany(), Field(max_length=ADJUSTMENTS_MAX)
]


class ComplaintOpened(OpenInput):
    """Start input of DecisionComplaintWorkflow."""

    case: DecidedCase
    raised_on: Day | None = None
    flags: Flags = Flags()
    reasonable_adjustments: Adjustments = []
    complainant: Contact = Contact()
    organisation: Contact = Contact()
    # Set when a service complaint is reclassified as a decision complaint (para 12).
    reclassified_from: str | None = None


# ------------------------------------------------------------- messages: signals


class Evidence(OrText, Strict):
    """A document by reference (design.md): its SHA-256 in the evidence store, a name for
    people, its size and type. A document named but not received has no sha256."""

    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    name: Name = ""
    size: int | None = Field(default=None, ge=0, le=EVIDENCE_MAX_BYTES)
    media_type: str | None = Field(default=None, max_length=100, pattern=r"^[a-z]+/[a-z0-9.+-]+$")

    @model_validator(mode="before")
    @classmethod
    def _named_only(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @property
    def received(self) -> bool:
        return self.sha256 is not None

    def __str__(self) -> str:
        return self.name if self.received else f"{self.name} (named, not received)"


Documents = Annotated[list[Evidence], BeforeValidator(_as_list), OneOrMany(), Field(max_length=DOCUMENTS_MAX)]


class GroundsSubmitted(Lenient):
    """Para 30: why the decision is wrong, what they want, and evidence."""

    actor: Actor | None = None
    why_wrong: str = ""
    wanted: str = ""
    evidence: Documents = []
    received_on: Day | None = None
    taken: Taken | None = None  # how the case owner or back office took it (31)


class EvidenceSubmitted(Lenient):
    """Documents sent on their own, by reference to the evidence store (issue 13): kept on
    the record and acknowledged like any submission. `party` says whose they are when a
    back-office system relays them (default: the sender's role)."""

    actor: Actor | None = None
    party: Role | None = None
    documents: Documents = []
    note: str = ""
    taken: Taken | None = None


class Withdraw(Lenient):
    """Para 24: the complainant says they are satisfied and withdraws; the case closes
    `withdrawn` with a letter saying so. The back office may relay it for them."""

    actor: Actor | None = None
    note: str = ""
    taken: Taken | None = None


class AdjustmentRequested(Lenient):
    """Para 31: the complainant asks for a reasonable adjustment after opening; it becomes
    a task for the case owner to confirm it (`record_adjustment`)."""

    actor: Actor | None = None
    text: str = Field(default="", min_length=1)
    kind: AdjustmentKind | None = None
    taken: Taken | None = None


class MoreTimeRequested(Lenient):
    """Para 32: the complainant asks for more time to send their reasons; it becomes a
    task for the case's manager to decide (`extend_grounds_deadline`)."""

    actor: Actor | None = None
    text: str = Field(default="", min_length=1)
    until: Day | None = None
    taken: Taken | None = None


class LateExplanation(Lenient):
    """Para 33: the service user's reason for sending grounds late."""

    actor: Actor | None = None
    text: str = ""
    received_on: Day | None = None
    taken: Taken | None = None


class PartyComment(Lenient):
    """Para 63: a party's comment on a proposed new detailed investigation. `party` says
    whose it is when a back-office system relays it (default: the sender's role)."""

    actor: Actor | None = None
    party: Role | None = None
    text: str = ""
    evidence: Documents = []
    received_on: Day | None = None
    taken: Taken | None = None


# ------------------------------------------------------------- messages: updates


class Message(Strict):
    """Every update carries who acts (design.md, "Actors and authority")."""

    actor: Actor
    note: str = ""


class CaseOwnerResolution(Message):
    resolved: bool
    amended_report: bool = False


class OatAdvice(Message):
    route: OatAdviceRoute


class ExtendGroundsDeadline(Message):
    new_deadline: Day
    reason: str = Field(min_length=1)


class LegalAdvice(Message):
    proceed: bool


class TimeLimitDecision(Message):
    accept: bool
    reason: LateReason | None = None

    @model_validator(mode="after")
    def _reason_for_accepting(self) -> TimeLimitDecision:
        if self.accept and self.reason is None:
            raise ValueError(
                "accepting a late request needs a reason from para 34: "
                + ", ".join(r.value for r in LateReason)
            )
        if self.reason is LateReason.OTHER and not self.note.strip():
            raise ValueError("reason 'other' needs a note saying what the good reason is (para 34)")
        return self


class ChallengeAssessment(Message):
    actionable: bool
    analysis: str = ""


class CaseOwnerReview(Message):
    finding: CaseOwnerFinding


class LearningPoint(Strict):
    """Annex A: what went wrong is tied to the Service Model and the Service Charter."""

    kind: LearningPointKind
    text: str = Field(min_length=1)
    service_model_ref: str = ""
    charter_commitment: str = ""

    @model_validator(mode="after")
    def _references(self) -> LearningPoint:
        if self.kind is not LearningPointKind.GOOD_PRACTICE:
            missing = [
                name
                for name in ("service_model_ref", "charter_commitment")
                if not getattr(self, name).strip()
            ]
            if missing:
                raise ValueError(
                    f"a {self.kind.value} learning point must name the Service Model guidance "
                    "it breaches and the Service Charter commitment not met (Annex A); "
                    f"missing: {', '.join(missing)}"
                )
        return self


class OatOutcomeMessage(Message):
    outcome: OatOutcome
    directions: str = ""
    # Annex A (guidance v8): what went wrong, recorded whichever way the review ends.
    learning_points: list[LearningPoint] = []


class Remedy(Strict):
    kinds: list[RemedyKind] = []
    amount_gbp: float = Field(default=0, le=AMOUNT_MAX_GBP, allow_inf_nan=False)
    severity: int | None = Field(default=None, ge=1, le=6)
    # Para 59: the three considerations for a proportionate remedy.
    impact: str = ""
    proportionate: str = ""
    restores_position: str = ""

    @model_validator(mode="after")
    def _payment_rules(self) -> Remedy:
        if self.amount_gbp < 0:
            raise ValueError("remedy.amount_gbp cannot be negative")
        if self.amount_gbp > 0 and self.severity is None:
            raise ValueError("a payment needs its level on the severity-of-injustice scale, 1-6 (para 60)")
        if self.amount_gbp > 0 and RemedyKind.FINANCIAL_PAYMENT not in self.kinds:
            self.kinds.append(RemedyKind.FINANCIAL_PAYMENT)
        if RemedyKind.FINANCIAL_PAYMENT in self.kinds and self.amount_gbp <= 0:
            raise ValueError("a financial payment needs amount_gbp greater than 0 (para 60)")
        return self

    @property
    def pays(self) -> bool:
        return self.amount_gbp > 0


class QuashGrounds(Strict):
    """Para 67's circumstances, each stated by OAT."""

    missed_or_new_evidence: bool = False
    incontrovertibly_wrong: bool = False
    no_other_way: bool = False
    public_interest: bool = False


class OatDecision(Message):
    upheld: bool
    route: DecisionRoute = DecisionRoute.NONE
    analysis: str = ""
    remedy: Remedy | None = None
    learning_points: list[LearningPoint] = []
    ndi_reason: NdiReason | None = None
    summary: str = ""
    quash_grounds: QuashGrounds | None = None
    # Para 64: who will handle the new investigation (default: the OAT caseworker).
    ndi_case_owner: str | None = None
    # Paras 50, 58: what we found, in words for the complainant (OAT's `analysis` is its
    # own, and reaches a public letter only when no public summary is given).
    public_summary: str = ""
    # Para 54: feedback to the case owner on their challenge and proportionate work.
    feedback_to_case_owner: str = ""
    proportionate_work: bool | None = None


class Approval(Message):
    pass


class MarkPosted(Message):
    """A letter that goes by post has been printed and posted (design.md, `mark_posted`)."""

    letter: int = Field(ge=0, le=100_000)  # its index in `status.letters`
    posted_on: date
    # The letter's key (the post queue gives it): found by key when given, so a letter
    # is never mistaken for its neighbour.
    key: str | None = Field(default=None, max_length=120)


class LetterUndeliverable(BaseModel):
    """From the letter dispatcher, not a person: a letter the mail server refused for good
    (`bounced`) or could not take in the time allowed (`failed`), so a person checks."""

    key: str = Field(max_length=120)
    delivery: Literal["bounced", "failed"]
    reason: str = Field(max_length=2_000)
    who: str = Field(default="", max_length=400)


class Rejection(Message):
    pass


class NdiProceed(Message):
    proceed: bool


class LegalReferralDone(Message):
    pass


class RecordAdjustment(Message):
    """Para 31 ("must"): an adjustment asked for after opening, recorded by the case owner,
    the case's manager or the back office; every later letter honours it."""

    kind: AdjustmentKind
    detail: str = ""
    contact: Contact | None = None

    def adjustment(self) -> Adjustment:
        return Adjustment(kind=self.kind, detail=self.detail, contact=self.contact)


class ExceptionalReview(Message):
    """Para 5: OAT decides whether exceptional circumstances justify a second review of a
    decision already reviewed."""

    proceed: bool
    reason: str = Field(min_length=1)


class CompleteTask(Message):
    """A task on the case marked done by its assignee or their manager (31, 43, 65, 78):
    `task` is its name (or its number in `status.tasks`, from 0); a risk re-assessment
    gives the new `risk`, which drives the case from then on."""

    task: str = Field(min_length=1)
    risk: Risk | None = None
    # Annex A (guidance v8): the operations manager's peer review, the reconsideration in
    # team (43), records what went wrong as it is marked done.
    learning_points: list[LearningPoint] = []


class RecordJrThreat(Message):
    """Para 70: a threat of Judicial Review that arrives after opening (with the grounds,
    say), recorded by the case owner; from then on Legal is asked first."""


class DeclineUnacceptableBehaviour(Message):
    reason: str = Field(min_length=1)


# -------------------------------------------------------- service complaints etc.


class About(OrText, Strict):
    """Who and what a service complaint is about (11, 13, 15): nobody named in `staff`
    handles it, is escalated to, or decides it."""

    staff: list[str] = []
    text: str = ""

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class ServiceComplaintOpened(OpenInput):
    case: CaseRef
    about: About = About()
    summary: str = ""
    received_on: Day | None = None
    reasonable_adjustments: Adjustments = []
    complainant: Contact = Contact()
    reclassified_from: str | None = None

    @model_validator(mode="after")
    def _manager_not_complained_about(self) -> ServiceComplaintOpened:
        """Para 13: the manager handles it first, so they must not be someone it is about."""
        carried = getattr(self, "resume", None) is not None  # continue-as-new: checked at opening
        if not carried and self.case.manager in self.about.staff:
            raise ValueError(
                f"the case's manager {self.case.manager} is named in about.staff: a complaint is "
                "never handled by someone it is about; name another manager (11, 13, 15)"
            )
        return self


class PositiveFeedbackOpened(OpenInput):
    case: CaseRef
    received_by: str = Field(min_length=1)
    channel: Channel
    content: str = Field(min_length=1)
    received_on: Day | None = None


class ManagerResolution(Message):
    resolved: bool
    action: ServiceAction | None = None


class ManagerReview(Message):
    comments: str = ""


class Reclassify(Message):
    """Para 12: the complaint is really about the decision; it becomes a decision complaint."""

    reason: str = Field(min_length=1)
    risk: Risk = Risk.LOW
    decision: DecisionType = DecisionType.PRIMARY_INVESTIGATION
    decided_on: Day
    # What the decision complaint is (12, 76): a joint PHSO/LGSCO decision goes on to the
    # Joint Working Team; the organisation complained about gets its letters (63).
    flags: Flags = Flags()
    organisation: Contact = Contact()


class Escalate(Message):
    to: Actor
    reason: str = Field(min_length=1)


class ServiceComplaintDecision(Message):
    """Para 17: what happened, what should have happened and the difference; para 18: an
    upheld complaint is offered a remedy."""

    upheld: bool
    what_happened: str = Field(min_length=1)
    should_have_happened: str = Field(min_length=1)
    difference: str = ""
    remedy: Remedy | None = None
    learning_points: list[LearningPoint] = []

    @model_validator(mode="after")
    def _upheld_needs_difference_and_remedy(self) -> ServiceComplaintDecision:
        if self.upheld:
            if not self.difference.strip():
                raise ValueError("an upheld service complaint says what difference it made (para 17)")
            if self.remedy is None or not self.remedy.kinds:
                raise ValueError(
                    "an upheld service complaint is offered a remedy: remedy.kinds from apology, "
                    "explanation, service_improvement, financial_payment (para 18)"
                )
        elif self.remedy is not None and self.remedy.pays:
            raise ValueError("a complaint that is not upheld carries no payment (para 18)")
        return self


class OatServiceAdvice(Message):
    """Para 15: OAT can give advice on handling a service complaint."""

    advice: str = Field(min_length=1)


class PauseClock(Message):
    """A step waiting on the service user may stop its clock, with a reason and a date by
    which it must be resumed, so a paused case is never forgotten."""

    reason: str = Field(min_length=1)
    resume_by: Day | None = None


class ResumeClock(Message):
    pass


class CloseUnresolved(Message):
    reason: str = Field(min_length=1)


class Reassign(Message):
    """design.md, `reassign` (23, 32): the case to another member of staff of the owner's
    grade, or a team's step to a member of that team; they take the open step with its
    due date."""

    to: Actor
    reason: str = Field(min_length=1)


# ------------------------------------------------------------- status records


class Awaiting(BaseModel):
    action: str
    actor_role: str
    actor_id: str | None = None
    due: date | None = None
    since: datetime | None = None
    chase: bool = True  # remind and escalate when overdue (not for the service user)
    reminded: bool = False
    escalated: bool = False
    escalations: int = 0  # how many times escalated so far, each one rung up the ladder
    # A paused clock: the step waits on the service user until `resume_by` at the latest.
    paused_since: datetime | None = None
    pause_reason: str = ""
    resume_by: date | None = None
    # Guidance v8: the child workflow that awaits this step, and chases it, alone.
    child: str | None = None


class Pause(BaseModel):
    step: str
    by: str
    reason: str
    since: datetime
    until: datetime | None = None
    resume_by: date | None = None
    days: int = 0


class Submission(BaseModel):
    """Something the complainant or the organisation sent, waiting to be acknowledged."""

    what: str
    documents: list[Evidence] = []
    at: datetime
    party: str = "service_user"


class DocumentOnRecord(BaseModel):
    """A document the case holds, and whose it is: a party sees only its own (design.md,
    "The trust boundary")."""

    name: str
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    party: str = "service_user"  # service_user | organisation
    by: str = ""  # who sent or entered it
    at: datetime

    @property
    def received(self) -> bool:
        return self.sha256 is not None


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    paragraphs: list[str] = []
    detail: str = ""
    # Set in `status` on an entry of a child's (its workflow id): a case's history
    # includes its children's (design.md, "What `status` shows"). Never set in a workflow.
    from_case: str | None = None


class LetterRecord(BaseModel):
    kind: str
    to: str
    to_role: str = ""
    cc: list[str] = []
    sent_at: datetime
    key: str = ""
    ends_internal_process: bool = False
    # What the mail server said when it refused the letter for good; None: not refused.
    undeliverable: str | None = None
    # The outbox (issue 25): `queued` until the dispatcher delivers it (`sent`, `bounced`,
    # `failed`) or staff post it (`posted`). Letters recorded before the outbox were
    # delivered in the step that sent them: `sent`.
    delivery: str = "sent"
    by_post: bool = False
    # A letter a child of the case sent (its workflow id): `status` lists them too (63).
    from_case: str | None = None
    posted_on: date | None = None
    posted_by: str | None = None


class LedgerEntry(BaseModel):
    """One "(Policy/Legal requirement)" paragraph on one case (design.md, ledger)."""

    paragraph: str
    requirement: str
    satisfied_at: datetime | None = None
    evidence: str = ""
    applies: bool = True
    # met | unmet | pending (reached, case still open) | not_applicable (not on this path)
    state: str = "pending"
    event: int | None = None  # index in `history` of the audited event that met it


class ApprovalRecord(BaseModel):
    proposal: str
    proposed_by: str
    decision: str  # "approved" / "rejected"
    by: str
    role: str
    at: datetime
    rule: str
    note: str = ""


class Links(BaseModel):
    parent: str | None = None
    children: list[str] = []
    reclassified_from: str | None = None
    reclassified_to: str | None = None
    new_cases: list[str] = []


class Task(BaseModel):
    """A piece of work opened for a person or team (shown on the case and in the store)."""

    task: str
    assignee: str
    role: str
    paragraphs: list[str] = []
    detail: str = ""
    opened_at: datetime
    reasonable_adjustments: Adjustments = []
    # complete_task (guidance v7; 31, 43, 65, 78): who marked it done, when, and why.
    done_at: datetime | None = None
    done_by: str | None = None
    done_note: str = ""
    # Guidance v8 (design.md, "Time"): due once opened, sent to its assignee, and chased
    # like a step (reminded at the due date, then escalated) until it is done.
    due: date | None = None
    notified: bool = False
    reminded: bool = False
    escalations: int = 0
    # At most this many escalations (None: up the ladder until done). A letter that could
    # not go is the case owner's and their manager's to put right, not the Ombudsman's
    # (guidance v9).
    escalations_max: int | None = None


class Proposal(BaseModel):
    """What awaits approval under the Delegation Scheme (72-73), and who proposed it."""

    route: str
    proposed_by: str
    proposer_role: Role = Role.OAT_CASEWORKER
    amount_gbp: float = 0
    remedy: Remedy | None = None
    summary: str = ""


class Escalation(BaseModel):
    """A service complaint passed up the management chain (11, 15)."""

    by: str
    to: str
    reason: str
    at: datetime


class StatusExtra(Strict):
    """What one kind of case adds to `status` (workflows/case/kind.py): each a field of
    Status, so a misspelt one is an error, never dropped."""

    # Decision complaints (20-74).
    grounds_deadline: date | None = None
    jr_window_ends: date | None = None
    jr_delay_not_challenged: bool = False
    oat_route: str | None = None
    oat_advice_reasons: list[str] = []
    grounds_received_on: date | None = None
    grounds_in_time: bool | None = None
    oat_outcomes: list[str] = []
    ndi_case_owner: str | None = None
    # Service complaints (10-19) and positive feedback (7-9).
    handler: Actor | None = None
    escalations: list[Escalation] = []
    received_on: date | None = None


class Status(BaseModel):
    """What `status` answers and the CLI prints with --json (design.md)."""

    workflow_id: str
    kind: str
    case_ref: str
    stage: Stage
    outcome: str | None = None
    grounds_deadline: date | None = None
    jr_window_ends: date | None = None
    jr_delay_not_challenged: bool = False
    reasonable_adjustments: Adjustments = []
    awaiting: Awaiting | None = None
    history: list[HistoryEntry] = []
    letters: list[LetterRecord] = []
    ledger: list[LedgerEntry] = []
    approvals: list[ApprovalRecord] = []
    learning_points: list[LearningPoint] = []
    links: Links = Links()
    # Beyond the contract's list, for the people who act on the case.
    guidance: int | None = None  # the guidance version the case began under (domain/guidance)
    risk: str | None = None
    owner: str | None = None
    owner_role: Role | None = None
    manager: str | None = None
    about_staff: list[str] = []  # a service complaint's staff, who never handle it (13)
    oat_route: str | None = None
    oat_advice_reasons: list[str] = []
    grounds_received_on: date | None = None
    grounds_in_time: bool | None = None
    proposal: Proposal | None = None
    tasks: list[Task] = []
    closed_at: datetime | None = None
    ledger_unmet: list[str] = []
    # Paused clocks: every pause, and the days paused in all, so no figure hides one.
    pauses: list[Pause] = []
    time_paused_days: int = 0
    clock_paused: bool = False
    # Service complaints and positive feedback.
    handler: Actor | None = None
    escalations: list[Escalation] = []
    received_on: date | None = None
    oat_outcomes: list[str] = []
    ndi_case_owner: str | None = None  # who OAT named to handle a new investigation (64)
    documents: list[DocumentOnRecord] = []  # every document on the record, and whose it is
    # The awaited person's step is overdue: the case's manager or anyone more senior may
    # take it in their place, or reassign the case (design.md, "Time"; guidance v5).
    step_overdue: bool = False
