"""The activities: case records, the audit trail, letters, and shared services.

Every activity is idempotent, keyed by workflow id and a step key, so a retry or a
worker crash never writes a record twice or sends a letter twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.adjustments import COMPLAINANT, TASK_PREFIX, Form, for_post, honour, post_pdf
from activities.dispatch import Dispatcher
from activities.heartbeat import heartbeating, unstorable_is_final
from activities.letters import (
    front_door_by_post,
    front_door_words,
    render,
    to_email,
    with_front_door,
    with_front_door_html,
)
from activities.models import (
    CaseSnapshot,
    EarlierReviewAsk,
    LetterPosted,
    LetterRequest,
    NewCaseCreated,
    NewCaseRequest,
    Recipient,
)
from activities.settings import Settings
from domain.guidance import CURRENT
from domain.models import AdjustmentKind, Contact, LetterRecord, Task
from domain.policy import Office, Policy, PolicyError, load_policy
from store.db import make_engine, migrate
from store.front_door import PARTIES, Party, new_link
from store.models import (
    ACTION_MAX,
    AUDIT_ACTION_MAX,
    SUBJECT_MAX,
    AuditRow,
    CaseRow,
    LetterRow,
    NewCaseRow,
    TaskRow,
    aware,
    clipped,
)

# A decision complaint that closed with one of these has had its review (5).
REVIEW_OUTCOMES = frozenset(
    {
        "not_upheld",
        "upheld_remedy",
        "upheld_new_primary_investigation",
        "upheld_new_detailed_investigation",
        "upheld_report_quashed",
        "review_criteria_not_met",
    }
)


class CaseActivities:
    def __init__(self, settings: Settings, policy: Policy | None = None) -> None:
        self.settings = settings
        # Each case keeps the bank holidays of its policy for life (design.md, "Time").
        self.policy = (
            (policy or load_policy(settings.policy_file))
            .with_bank_holidays(date.today())
            .with_guidance(CURRENT)
        )
        migrate(settings.database_url)
        self.engine = make_engine(settings.database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        settings.outbox_dir.mkdir(parents=True, exist_ok=True)
        self.dispatcher = Dispatcher(self.sessions, settings.smtp_url)

    @activity.defn
    def get_policy(self) -> Policy:
        """The policy loaded at worker start (validated then, with clear errors)."""
        return self.policy

    @activity.defn
    @heartbeating
    @unstorable_is_final
    def sync_case(self, snapshot: CaseSnapshot) -> None:
        with self.sessions.begin() as session:
            self._write_case(session, snapshot)
            self._append_audit(session, snapshot)
            self._sync_task(session, snapshot)

    def _write_case(self, session: Session, snap: CaseSnapshot) -> None:
        row = session.get(CaseRow, snap.workflow_id)
        if row is None:
            row = CaseRow(workflow_id=snap.workflow_id, opened_at=snap.opened_at)
            session.add(row)
        row.kind, row.case_ref, row.stage, row.outcome = snap.kind, snap.case_ref, snap.stage, snap.outcome
        row.owner, row.manager, row.risk = snap.owner, snap.manager, snap.risk
        row.closed_at = snap.closed_at
        row.status = {**(row.status or {}), **snap.status} if snap.status_changes_only else snap.status
        row.updated_at = datetime.now(UTC)

    def _append_audit(self, session: Session, snap: CaseSnapshot) -> None:
        if not snap.events:
            return
        seqs = [e.seq for e in snap.events]
        have = set(
            session.scalars(
                select(AuditRow.seq).where(AuditRow.workflow_id == snap.workflow_id, AuditRow.seq.in_(seqs))
            )
        )
        for event in snap.events:
            if event.seq in have:
                continue
            session.add(
                AuditRow(
                    workflow_id=snap.workflow_id,
                    seq=event.seq,
                    case_ref=snap.case_ref,
                    at=event.entry.at,
                    actor=event.entry.actor,
                    action=clipped(event.entry.action, AUDIT_ACTION_MAX),
                    paragraphs=event.entry.paragraphs,
                    detail=event.entry.detail,
                )
            )

    def _sync_task(self, session: Session, snap: CaseSnapshot) -> None:
        open_tasks = session.scalars(
            select(TaskRow).where(TaskRow.workflow_id == snap.workflow_id, TaskRow.closed_at.is_(None))
        ).all()
        step = snap.awaiting
        current = None
        if snap.tasks is not None:
            self._sync_case_tasks(session, snap, snap.tasks)
        for task in open_tasks:
            if task.action.startswith(TASK_PREFIX) or task.source == "task":
                continue  # a task on the case stays open until it is marked done
            same = (
                step is not None and task.action == step.action and _same_instant(task.opened_at, step.since)
            )
            if same:
                current = task
            else:
                task.closed_at = datetime.now(UTC)
        if step is None:
            return
        if current is None:
            current = TaskRow(
                workflow_id=snap.workflow_id,
                case_ref=snap.case_ref,
                action=step.action,
                actor_role=step.actor_role,
                actor_id=step.actor_id,
                opened_at=step.since or snap.opened_at,
            )
            session.add(current)
        current.due, current.reminded, current.escalated = step.due, step.reminded, step.escalated

    def _sync_case_tasks(self, session: Session, snap: CaseSnapshot, tasks: list[Task]) -> None:
        """Each task on the case is a row of the task list (guidance v8): opened with it,
        closed when it is marked done, and left open when the case closes undone."""
        rows = {
            (row.action, aware(row.opened_at)): row
            for row in session.scalars(
                select(TaskRow).where(TaskRow.workflow_id == snap.workflow_id, TaskRow.source == "task")
            )
        }
        seen: dict[tuple[str, datetime], int] = {}
        for task in tasks:
            action = clipped(task.task, ACTION_MAX)
            # Two tasks of one name opened at one instant are told apart by a microsecond.
            at = aware(task.opened_at)
            nth = seen[(action, at)] = seen.get((action, at), -1) + 1
            at += timedelta(microseconds=nth)
            row = rows.get((action, at))
            if row is None:
                row = TaskRow(workflow_id=snap.workflow_id, case_ref=snap.case_ref, action=action,
                              actor_role=task.role, actor_id=task.assignee, opened_at=at, source="task")  # fmt: skip
                session.add(row)
            row.detail, row.paragraphs, row.due = task.detail or task.task, task.paragraphs, task.due
            row.actor_id, row.actor_role = task.assignee, task.role
            row.reminded, row.escalated = task.reminded, task.escalations > 0
            if task.done_at is not None and row.closed_at is None:
                row.closed_at, row.done_by, row.done_note = task.done_at, task.done_by, task.done_note

    @activity.defn
    @heartbeating
    @unstorable_is_final
    def send_letter(self, request: LetterRequest) -> LetterRecord:
        """Render the letter and write it to the outbox, with its .eml and what its
        reasonable adjustments ask for, in one transaction; the dispatcher delivers it
        (issue 25). A retry with the same key answers with the letter first stored."""
        with self.sessions() as session:
            row = self._letter_row(session, request)
            if row is None:
                try:
                    subject, body = render(request, self.contact_block())
                except (ValueError, TemplateError) as err:  # a template fault: retrying won't help
                    raise ApplicationError(str(err), non_retryable=True) from err
                if request.to.role in PARTIES and for_post(request):
                    body = with_front_door(body, front_door_by_post(f"{self.settings.public_url}/me/sign-in"))
                row = self._store_letter(session, request, subject, body, self._front_door(session, request))
        if row.delivery == "queued":
            self.dispatcher.wake()
        sent_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        return LetterRecord(
            kind=row.kind,
            to=row.to_id,
            to_role=row.to_role,
            cc=[copy.id for copy in request.cc],
            sent_at=sent_at,
            key=row.key,
            ends_internal_process=row.ends_internal_process,
            undeliverable=row.delivery_note if row.delivery == "failed" else None,
            delivery=row.delivery or "sent",
            by_post=row.channel == "post",
        )

    @activity.defn
    @heartbeating
    @unstorable_is_final
    def letter_posted(self, posting: LetterPosted) -> None:
        """The post queue drops a letter once staff have posted it (idempotent)."""
        with self.sessions.begin() as session:
            row = session.scalars(
                select(LetterRow).where(
                    LetterRow.workflow_id == posting.workflow_id, LetterRow.key == posting.key
                )
            ).first()
            if row is not None and row.delivery != "posted":
                row.delivery, row.posted_on, row.posted_by = "posted", posting.posted_on, posting.posted_by
                row.delivered_at = datetime.now(UTC)

    def _front_door(self, session: Session, request: LetterRequest) -> str:
        """A one-time link into their own case for a party we e-mail (design.md; issue
        27), stored with the letter in one transaction. A letter that goes by post has
        none: its reader could not use it in time, nor get a new one by e-mail."""
        if request.to.role not in PARTIES or not request.to.email or for_post(request):
            return ""
        party = Party(request.workflow_id, request.to.role, request.to.id)
        minutes = self.settings.sign_in_link_minutes
        token = new_link(session, party, timedelta(minutes=minutes), letter_key=request.key)
        public = self.settings.public_url
        return front_door_words(f"{public}/me/sign-in/{token}", f"{public}/me/sign-in", minutes)

    def contact_block(self) -> Office:
        return self.policy.office

    def _open_task(self, session: Session, request: LetterRequest) -> Callable[[str, date], None]:
        """An older case's adjustment task, opened by the letter (before guidance v8)."""

        def open_task(words: str, due: date) -> None:
            action = clipped(words, ACTION_MAX)  # the adjustment's words in full go in `detail`
            exists = session.scalars(
                select(TaskRow).where(TaskRow.workflow_id == request.workflow_id, TaskRow.action == action,
                                      TaskRow.opened_at == request.at)
            ).first()  # fmt: skip
            if exists is None:
                session.add(TaskRow(workflow_id=request.workflow_id, case_ref=request.case_ref, action=action,
                                    detail=words, actor_role="caseworker", actor_id=request.case_owner, due=due,
                                    opened_at=request.at))  # fmt: skip

        return open_task

    def _letter_row(self, session: Session, request: LetterRequest) -> LetterRow | None:
        return session.scalars(
            select(LetterRow).where(
                LetterRow.workflow_id == request.workflow_id, LetterRow.key == request.key
            )
        ).first()

    def _store_letter(
        self, session: Session, request: LetterRequest, subject: str, body: str, door: str
    ) -> LetterRow:
        folder = self.settings.outbox_dir / request.workflow_id.replace("/", "_")
        folder.mkdir(parents=True, exist_ok=True)
        eml = folder / f"{request.key}.eml"
        adjustments, form = honour(request, subject, body, folder, self._open_task(session, request))
        sender = self.settings.letters_from
        # Only the e-mail to the party carries their link; the record and the PDFs do not.
        theirs = Form(with_front_door_html(form.html, door), form.attachments)
        eml.write_bytes(bytes(to_email(request, subject, with_front_door(body, door), sender, theirs)))
        channel, delivery, note = "email", "queued" if self.settings.smtp_url else "sent", None
        if for_post(request):
            # Print-ready, in the post queue until staff mark it posted (design.md).
            channel, delivery = "post", "queued"
            eml.with_suffix(".post.pdf").write_bytes(post_pdf(request, subject, body))
        elif not request.to.email:
            delivery = "failed"
            note = f"no e-mail address or postal address for {request.to.name or request.to.id} on the case"
        for n, copy in enumerate(_advocate_copies(request)):
            suffix = ".advocate.eml" if n == 0 else f".advocate-{n + 1}.eml"
            # The complainant's link is theirs alone: an advocate's copy leaves it out.
            (folder / f"{request.key}{suffix}").write_bytes(
                bytes(to_email(copy, subject, body, sender, form))
            )
        row = LetterRow(
            workflow_id=request.workflow_id,
            key=request.key,
            case_ref=request.case_ref,
            kind=request.kind,
            to_role=request.to.role,
            to_id=request.to.id,
            to_email=request.to.email,
            to_name=clipped(request.to.name or "", 200) or None,
            to_address=request.to.address,
            subject=clipped(subject, SUBJECT_MAX),
            body=body,
            paragraphs=request.paragraphs,
            ends_internal_process=request.ends_internal_process,
            created_at=request.at,
            eml_path=str(eml),
            adjustments=adjustments,
            delivery=delivery,
            channel=channel,
            attempts=0,
            delivery_note=note,
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            existing = self._letter_row(session, request)
            assert existing is not None
            return existing
        return row

    @activity.defn
    def earlier_review(self, ask: EarlierReviewAsk) -> str | None:
        """Para 5: the workflow id of a closed decision complaint about the same case ref
        that reached OAT's review or closed with a review outcome; None if there is none."""
        with self.sessions() as session:
            earlier = session.scalars(
                select(CaseRow)
                .where(
                    CaseRow.case_ref == ask.case_ref,
                    CaseRow.kind == "decision_complaint",
                    CaseRow.workflow_id != ask.workflow_id,
                    CaseRow.closed_at.is_not(None),
                )
                .order_by(CaseRow.closed_at)
            ).all()
            for row in earlier:
                reached = session.scalars(
                    select(AuditRow.seq).where(
                        AuditRow.workflow_id == row.workflow_id, AuditRow.action == "stage: oat_review"
                    )
                ).first()
                if row.outcome in REVIEW_OUTCOMES or reached is not None:
                    return row.workflow_id
        return None

    @activity.defn
    @heartbeating
    def open_new_case(self, request: NewCaseRequest) -> NewCaseCreated:
        """Shared services create the new case (57, 64); the same key returns the same case."""
        with self.sessions() as session:
            existing = session.scalars(
                select(NewCaseRow).where(
                    NewCaseRow.workflow_id == request.workflow_id, NewCaseRow.key == request.key
                )
            ).first()
            if existing is not None:
                return NewCaseCreated(case_ref=existing.case_ref, created=False)
            suffix = "NDI" if request.kind == "new_detailed_investigation" else "NPI"
            number = request.key.rsplit("-", 1)[-1]
            base = ref = f"{request.from_case_ref}-{suffix}{number}"
            # Another case with the same ref (a case ref reused, a simulation run again into
            # the same store) must not make this one fail for ever: take the next free ref.
            taken = set(
                session.scalars(select(NewCaseRow.case_ref).where(NewCaseRow.case_ref.startswith(base)))
            )
            again = 1
            while ref in taken:
                again += 1
                ref = f"{base}-{again}"
            session.add(
                NewCaseRow(
                    workflow_id=request.workflow_id,
                    key=request.key,
                    case_ref=ref,
                    from_case_ref=request.from_case_ref,
                    kind=request.kind,
                    priority=request.priority,
                    summary=request.summary,
                    allocation_advice=request.allocation_advice,
                    created_at=request.at,
                )
            )
            session.commit()
            return NewCaseCreated(case_ref=ref, created=True)


def _advocate_copies(request: LetterRequest) -> list[LetterRequest]:
    """The advocate gets every letter the complainant gets, in the same form (31)."""
    return [
        _advocate_copy(request, adjustment.contact)
        for adjustment in request.reasonable_adjustments
        if request.to.role == COMPLAINANT
        and adjustment.kind is AdjustmentKind.ADVOCATE_COPY
        and adjustment.contact is not None
        and adjustment.contact.email
    ]


def _advocate_copy(request: LetterRequest, contact: Contact) -> LetterRequest:
    to = Recipient(
        role="advocate", id=f"advocate:{request.case_ref}", name=contact.name, email=contact.email,
        address=contact.address,
    )  # fmt: skip
    return request.model_copy(update={"to": to})


def _same_instant(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return False
    if a.tzinfo is None:
        a = a.replace(tzinfo=UTC)
    return abs((a - b).total_seconds()) < 1


__all__ = ["CaseActivities", "PolicyError"]
