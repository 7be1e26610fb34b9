"""The front door's records (design.md, "Letters"; issue 27): one-time sign-in links into
a party's own case, and what parties did through the door, for the measures.

A party may instead be bound by the back office to an account at the parties' identity
provider (OpenID Connect, such as GOV.UK One Login): the binding names the provider (its
issuer) and the account (its subject), never an e-mail address, which an account may change.

A link is a random token; the store keeps only its SHA-256, so a copy of the store (or
of a letter's row) signs nobody in. Using a link is one conditional UPDATE, so two tabs
racing the same link cannot both start a session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from store.models import CaseRow, FrontDoorUseRow, LetterRow, PartyIdentityRow, SignInLinkRow, aware
from store.tasks import store_audit

PARTIES = ("service_user", "organisation")
DEFAULT_TTL = timedelta(minutes=30)  # design.md: `sign_in_link_ttl`
TOKEN_MAX = 100  # anything longer is not one of ours


@dataclass(frozen=True)
class Party:
    """Who a link signs in: one party of one case."""

    workflow_id: str
    role: str
    id: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(
    session: Session,
    party: Party,
    ttl: timedelta = DEFAULT_TTL,
    *,
    letter_key: str | None = None,
    now: datetime | None = None,
) -> str:
    """A fresh link's token, added to `session` (committed with whatever carries it)."""
    if party.role not in PARTIES:
        raise ValueError(f"a sign-in link is for a party of the case, not {party.role}")
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session.add(SignInLinkRow(token_hash=_hash(token), workflow_id=party.workflow_id, party=party.role,
                              party_id=party.id, letter_key=letter_key, created_at=now,
                              expires_at=now + ttl))  # fmt: skip
    return token


def use_link(engine: Engine, token: str, now: datetime | None = None) -> Party | None:
    """The party the link signs in, once: None if it is unknown, used or expired."""
    if not token or len(token) > TOKEN_MAX:
        return None
    now = now or datetime.now(UTC)
    digest = _hash(token)
    with Session(engine) as session, session.begin():
        taken = session.execute(
            update(SignInLinkRow)
            .where(SignInLinkRow.token_hash == digest, SignInLinkRow.used_at.is_(None),
                   SignInLinkRow.expires_at > now)
            .values(used_at=now)
        )  # fmt: skip
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(SignInLinkRow, digest)
        assert row is not None
        return Party(row.workflow_id, row.party, row.party_id)


def parties_with_email(engine: Engine, email: str) -> list[tuple[Party, str]]:
    """Each open case's party we write to at this address, with the address as we hold
    it: the cases a new link may be sent for (design.md: "the e-mail the case holds")."""
    wanted = email.strip().lower()
    if not wanted:
        return []
    with Session(engine) as session:
        rows = session.execute(
            select(LetterRow.workflow_id, LetterRow.to_role, LetterRow.to_id, LetterRow.to_email)
            .join(CaseRow, CaseRow.workflow_id == LetterRow.workflow_id, isouter=True)
            .where(func.lower(LetterRow.to_email) == wanted, LetterRow.to_role.in_(PARTIES),
                   CaseRow.outcome.is_(None))
            .distinct()
        ).all()  # fmt: skip
    seen: dict[tuple[str, str], tuple[Party, str]] = {}
    for workflow_id, role, party_id, address in rows:
        seen.setdefault((workflow_id, role), (Party(workflow_id, role, party_id), address or wanted))
    return list(seen.values())


def party_on(engine: Engine, workflow_id: str, role: str) -> Party | None:
    """The party of an open case as its letters name it; None for a case closed or unknown."""
    with Session(engine) as session:
        case = session.get(CaseRow, workflow_id)
        if case is None or case.outcome is not None:
            return None
        party_id = session.scalar(
            select(LetterRow.to_id).where(LetterRow.workflow_id == workflow_id, LetterRow.to_role == role)
            .order_by(LetterRow.id).limit(1)
        )  # fmt: skip
    return Party(workflow_id, role, party_id or role)


def bind_identity(engine: Engine, party: Party, issuer: str, subject: str, by: str) -> bool:
    """Bind the account to the party (False if it was bound already), in the case's audit."""
    with Session(engine) as session, session.begin():
        if _binding(session, party, issuer, subject) is not None:
            return False
        now = _audit_binding(session, party, by, f"{party.role}'s account at {issuer} bound to the case")
        session.add(PartyIdentityRow(issuer=issuer, subject=subject, workflow_id=party.workflow_id,
                                     party=party.role, party_id=party.id, bound_at=now, bound_by=by))  # fmt: skip
    return True


def unbind_identity(engine: Engine, party: Party, issuer: str, subject: str, by: str) -> bool:
    """Take the binding away (False if there was none), in the case's audit."""
    with Session(engine) as session, session.begin():
        found = _binding(session, party, issuer, subject)
        if found is None:
            return False
        session.delete(found)
        _audit_binding(session, party, by, f"{party.role}'s account at {issuer} no longer bound")
    return True


def _audit_binding(session: Session, party: Party, by: str, what: str) -> datetime:
    now = datetime.now(UTC)
    case = session.get(CaseRow, party.workflow_id)
    if case is not None:
        store_audit(
            session, case, by, what, [], "front door: signing in with an identity provider, issue 27", now
        )
    return now


def _binding(session: Session, party: Party, issuer: str, subject: str) -> PartyIdentityRow | None:
    return session.scalars(
        select(PartyIdentityRow).where(
            PartyIdentityRow.issuer == issuer, PartyIdentityRow.subject == subject,
            PartyIdentityRow.workflow_id == party.workflow_id, PartyIdentityRow.party == party.role)
    ).first()  # fmt: skip


def parties_of_account(engine: Engine, issuer: str, subject: str) -> list[tuple[Party, str]]:
    """The parties this account is bound to on open cases, with each case's reference, the
    newest binding first."""
    with Session(engine) as session:
        rows = session.execute(
            select(PartyIdentityRow, CaseRow.case_ref)
            .join(CaseRow, CaseRow.workflow_id == PartyIdentityRow.workflow_id)
            .where(PartyIdentityRow.issuer == issuer, PartyIdentityRow.subject == subject,
                   CaseRow.outcome.is_(None))
            .order_by(PartyIdentityRow.id.desc())
        ).all()  # fmt: skip
    return [(Party(r.workflow_id, r.party, r.party_id), ref) for r, ref in rows]


def links_for(engine: Engine, parties: list[Party], ttl: timedelta = DEFAULT_TTL) -> list[str]:
    """New links, one per party, in one transaction; expired links are cleared as new come."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.execute(delete(SignInLinkRow).where(SignInLinkRow.expires_at < now - timedelta(days=1)))
        return [new_link(session, party, ttl, now=now) for party in parties]


def note_use(engine: Engine, party: Party, what: str, now: datetime | None = None) -> None:
    """A sign-in or a submission through the door, with the time since the last letter to
    that party (the measure "from letter to submission")."""
    now = now or datetime.now(UTC)
    with Session(engine) as session, session.begin():
        last = session.scalar(
            select(func.max(LetterRow.created_at)).where(
                LetterRow.workflow_id == party.workflow_id, LetterRow.to_role == party.role
            )
        )
        since = int((now - aware(last)).total_seconds()) if last is not None else None
        session.add(FrontDoorUseRow(workflow_id=party.workflow_id, party=party.role, what=what, at=now,
                                    since_letter_seconds=since))  # fmt: skip


@dataclass(frozen=True)
class Use:
    """The door's use, for `reviews report` and scripts/complainant_measures.py."""

    cases_signed_in: int
    complainants_signed_in: int
    organisations_signed_in: int
    submissions: int
    submissions_by_message: dict[str, int]
    median_hours_letter_to_submission: float | None


def use(engine: Engine, cases: set[str] | None = None) -> Use:
    """Over every case, or over `cases` (the report's period)."""
    with Session(engine) as session:
        rows = [
            r for r in session.scalars(select(FrontDoorUseRow)) if cases is None or r.workflow_id in cases
        ]
    signed = {(r.workflow_id, r.party) for r in rows if r.what == "signed_in"}
    sent = [r for r in rows if r.what != "signed_in"]
    by_message: dict[str, int] = {}
    for r in sent:
        by_message[r.what] = by_message.get(r.what, 0) + 1
    waits = sorted(r.since_letter_seconds for r in sent if r.since_letter_seconds is not None)
    median = None
    if waits:
        middle = len(waits) // 2
        seconds = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
        median = round(seconds / 3600, 1)
    return Use(
        cases_signed_in=len({w for w, _ in signed}),
        complainants_signed_in=sum(1 for _, p in signed if p == "service_user"),
        organisations_signed_in=sum(1 for _, p in signed if p == "organisation"),
        submissions=len(sent),
        submissions_by_message=dict(sorted(by_message.items())),
        median_hours_letter_to_submission=median,
    )
