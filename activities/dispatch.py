"""The letter dispatcher (issue 25): delivery is not the case's business. A case writes
its letter to the outbox table in the step that records it and moves on; this thread,
beside the worker, delivers what is `queued` over SMTP with retries and back-off, and
marks each letter `sent`, `bounced` (the mail server refused it for good) or `failed`
(it could not be delivered in the time allowed). A bounce or a failure is told to the case,
which opens a task for its owner, so nobody believes a letter arrived when it did not.

Exactly once, across several workers: a letter is delivered only by the dispatcher that
claimed it (a lease on its row, taken by a conditional UPDATE), and a delivery receipt is
written beside its .eml the moment the mail server has accepted it. A crash between the
two is the one way a letter could go twice, and it would carry the same Message-ID.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import os
import smtplib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from domain.calendar import PACKAGE_CALENDAR
from domain.models import LetterUndeliverable, Status
from store.models import ACTION_MAX, CaseRow, LetterRow, TaskRow, clipped
from store.tasks import store_audit

log = logging.getLogger("reviews.dispatch")

BACKOFF_MAX = timedelta(minutes=5)
SENDERS = 4  # letters delivered at once, each over its own SMTP session
SMTP_TIMEOUT = 10  # seconds for each SMTP exchange; a slower server is tried again later
# A claimed letter is another dispatcher's to take once its lease runs out (its worker
# died mid-send): longer than a letter's few SMTP exchanges can take. An operator (or a
# fault test) may shorten it, never below what one SMTP exchange may take.
LEASE = timedelta(seconds=max(SMTP_TIMEOUT + 2, float(os.environ.get("REVIEWS_OUTBOX_LEASE_SECONDS", "30"))))
# Attempts before a letter that keeps meeting a mail server's trouble (4xx, no connection)
# is `failed`: with back-off up to 5 minutes, about three days.
ATTEMPTS_MAX = 870
# The workflows that take `letter_undeliverable`; another (a child) is told through the store.
TOLD_BY_SIGNAL = frozenset({"DecisionComplaintWorkflow", "ServiceComplaintWorkflow"})
KNOWN_WITHIN = 10.0  # seconds for a case to record a letter it wrote, before the store is told instead

Tell = Callable[[str, LetterUndeliverable], bool]


def backoff(attempts: int, most: timedelta = BACKOFF_MAX) -> timedelta:
    """1 s, 2 s, 4 s ... up to `most` between attempts while the mail server is away."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), most)


@contextmanager
def smtp_session(smtp_url: str) -> Iterator[smtplib.SMTP]:
    """One session with the SMTP server `smtp_url` names (`smtp://user:pass@host:port`)."""
    url = urlparse(smtp_url)
    with smtplib.SMTP(url.hostname or "localhost", url.port or 25, timeout=SMTP_TIMEOUT) as smtp:
        if url.username:
            smtp.login(url.username, url.password or "")
        yield smtp


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        smtp_url: str | None,
        *,
        poll: float = 2.0,
        lease: timedelta = LEASE,
        attempts_max: int = ATTEMPTS_MAX,
        backoff_max: timedelta = BACKOFF_MAX,
    ) -> None:
        self.sessions, self.smtp_url = sessions, smtp_url
        self.poll, self.lease, self.attempts_max, self.backoff_max = poll, lease, attempts_max, backoff_max
        self.name = f"{os.getpid()}-{id(self):x}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.tell: Tell | None = None
        self.senders = SENDERS
        self._senders: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------- lifecycle

    def attach(self, client: Any, loop: asyncio.AbstractEventLoop) -> None:
        """Tell cases of letters that could not go through `client`, on the worker's loop."""

        def tell(workflow_id: str, news: LetterUndeliverable) -> bool:
            future = asyncio.run_coroutine_threadsafe(_signal(client, workflow_id, news), loop)
            return future.result(timeout=30)

        self.tell = tell

    def start(self) -> None:
        if self.smtp_url is None or (self._thread is not None and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="letter-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=40)
        self._thread = None
        if self._senders is not None:
            self._senders.shutdown(wait=True)
            self._senders = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            try:
                while self.run_once() and not self._stop.is_set():
                    pass
            except Exception:  # the store away for a moment: the next round tries again
                log.exception("letter dispatch round failed")

    # -------------------------------------------------------------- delivery

    def run_once(self) -> int:
        """Deliver every letter now due; how many were attempted."""
        if self.smtp_url is None:
            return 0
        now = datetime.now(UTC)
        with self.sessions() as session:
            due = session.scalars(
                select(LetterRow.id)
                .where(
                    LetterRow.delivery == "queued",
                    LetterRow.channel == "email",
                    or_(LetterRow.next_attempt_at.is_(None), LetterRow.next_attempt_at <= now),
                    or_(LetterRow.claimed_until.is_(None), LetterRow.claimed_until < now),
                )
                .order_by(LetterRow.id)
                .limit(50)
            ).all()
        claimed = [letter_id for letter_id in due if self._claim(letter_id, now)]
        # A few at once, each over its own SMTP session: one slow letter holds up no other.
        list(self._pool().map(self._deliver, claimed))
        return len(claimed)

    def _pool(self) -> ThreadPoolExecutor:
        if self._senders is None:
            self._senders = ThreadPoolExecutor(max_workers=self.senders, thread_name_prefix="letter-sender")
        return self._senders

    def _claim(self, letter_id: int, now: datetime) -> bool:
        """Only one dispatcher delivers a letter: the one whose UPDATE took the lease."""
        with self.sessions.begin() as session:
            taken = session.execute(
                update(LetterRow)
                .where(
                    LetterRow.id == letter_id,
                    LetterRow.delivery == "queued",
                    or_(LetterRow.claimed_until.is_(None), LetterRow.claimed_until < now),
                )
                .values(claimed_until=now + self.lease)
            )
            return bool(getattr(taken, "rowcount", 0) == 1)

    def _deliver(self, letter_id: int) -> None:
        with self.sessions() as session:
            row = session.get(LetterRow, letter_id)
            assert row is not None
            eml = Path(row.eml_path or "")
            receipt = eml.with_suffix(".delivered")
            try:
                refused = [] if receipt.exists() else self._send(_messages(eml), receipt)
            except (OSError, smtplib.SMTPException) as err:  # the server's trouble for now
                row.attempts = (row.attempts or 0) + 1
                row.delivery_note = f"{type(err).__name__}: {err}"[:2000]
                row.claimed_until = None
                if row.attempts < self.attempts_max:
                    row.next_attempt_at = datetime.now(UTC) + backoff(row.attempts, self.backoff_max)
                    session.commit()
                    return
                row.delivery = "failed"
            else:
                if refused:
                    row.delivery, row.delivery_note = "bounced", "\n".join(refused)[:2000]
                else:
                    row.delivery, row.delivery_note = "sent", None
                    when = receipt.stat().st_mtime if receipt.exists() else datetime.now(UTC).timestamp()
                    row.delivered_at = datetime.fromtimestamp(when, UTC)
                row.claimed_until = None
            session.commit()
            if row.delivery in ("bounced", "failed"):
                self._tell_case(row)

    def _send(self, messages: list[EmailMessage], receipt: Path) -> list[str]:
        """Send over one SMTP session and note the delivery the moment the server has
        accepted the last message, before saying goodbye; what it refused for good."""
        assert self.smtp_url is not None
        refused: list[str] = []
        with smtp_session(self.smtp_url) as smtp:
            for message in messages:
                try:
                    smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused as err:  # permanent: retrying cannot help
                    refused += [
                        f"{to}: {code} {words.decode(errors='replace')}"
                        for to, (code, words) in err.recipients.items()
                    ]
                except smtplib.SMTPResponseException as err:
                    if not 500 <= err.smtp_code < 600:
                        raise  # a 4xx is the server's trouble for now: try again later
                    words = err.smtp_error
                    said = words.decode(errors="replace") if isinstance(words, bytes) else str(words)
                    refused.append(f"{message['To']}: {err.smtp_code} {said}")
            _note(receipt)
        return refused

    # ---------------------------------------------------- telling the case

    def _tell_case(self, row: LetterRow) -> None:
        who = row.to_name or row.to_email or row.to_id
        news = LetterUndeliverable(
            key=row.key, delivery="bounced" if row.delivery == "bounced" else "failed",
            reason=row.delivery_note or "", who=who,
        )  # fmt: skip
        try:
            told = self.tell is not None and self.tell(row.workflow_id, news)
        except Exception:  # the case cannot be reached now: the store keeps the task
            log.exception("could not tell case %s of letter %s", row.workflow_id, row.key)
            told = False
        if not told:
            self._task_in_store(row, news)

    def _task_in_store(self, row: LetterRow, news: LetterUndeliverable) -> None:
        """A case that has ended (or a child) is not told: the task goes in the store's
        list for the case owner, with an audit entry."""
        now = datetime.now(UTC)
        with self.sessions.begin() as session:
            case = session.get(CaseRow, row.workflow_id)
            action = clipped(f"we could not reach {news.who}: check the address", ACTION_MAX)
            session.add(
                TaskRow(workflow_id=row.workflow_id, case_ref=row.case_ref, action=action,
                        detail=f"{row.kind} ({row.key}): {news.reason}", actor_role="caseworker",
                        actor_id=case.owner if case else None, source="task", paragraphs=["31"],
                        due=PACKAGE_CALENDAR.add_working_days(now.date(), 1), opened_at=now)
            )  # fmt: skip
            if case is not None:
                store_audit(
                    session, case, "system", f"letter {news.delivery}: {row.kind}", ["31"], news.reason, now
                )


async def _signal(client: Any, workflow_id: str, news: LetterUndeliverable) -> bool:
    """Tell the running case of its letter; False when the store must keep the task (the
    case has ended, is a child, or never came to know the letter)."""
    from temporalio.client import WorkflowExecutionStatus

    handle = client.get_workflow_handle(workflow_id)
    for _ in range(int(KNOWN_WITHIN / 0.2)):
        described = await handle.describe()
        if (
            described.status != WorkflowExecutionStatus.RUNNING
            or described.workflow_type not in TOLD_BY_SIGNAL
        ):
            return False
        # A case records a letter when its activity's answer reaches it, and the mail
        # server's refusal can be back before that: told then, the case would not know the
        # letter, and nobody would be asked to check the address (31).
        status = await handle.query("status", result_type=Status)
        if any(letter.key == news.key for letter in status.letters):
            await handle.signal("letter_undeliverable", news)
            return True
        await asyncio.sleep(0.2)
    return False


def _messages(eml: Path) -> list[EmailMessage]:
    """The letter and the copies its adjustments asked for, as written to the outbox."""
    paths = [eml, *sorted(eml.parent.glob(f"{eml.stem}.advocate*.eml"))]
    found = []
    for path in paths:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


def _note(receipt: Path) -> None:
    """A delivery receipt beside the letter's .eml: created and flushed to disk at once."""
    with receipt.open("x") as file:
        file.flush()
        os.fsync(file.fileno())
