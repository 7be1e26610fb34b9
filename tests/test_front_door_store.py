"""The front door's records (issue 27; design.md, "Letters"), on SQLite and PostgreSQL:
a sign-in link works once and only until it runs out, the store keeps only its hash, two
uses racing cannot both win, a new link is offered only for an open case that writes to
that address, and the measures count what parties did through the door."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store import front_door
from store.db import make_engine, migrate
from store.front_door import Party
from store.models import CaseRow, LetterRow, SignInLinkRow
from tests.test_store import postgres_schema_url

SAM = Party("decision_complaint-D-1", "service_user", "service_user:D-1")
TRUST = Party("decision_complaint-D-1", "organisation", "organisation:D-1")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'door.db'}" if request.param == "sqlite" else postgres_schema_url()
    migrate(url)
    return make_engine(url)


def a_link(engine: Engine, party: Party = SAM, minutes: int = 30, now: datetime | None = None) -> str:
    with Session(engine) as session, session.begin():
        return front_door.new_link(session, party, timedelta(minutes=minutes), now=now)


def test_a_link_works_once(engine: Engine) -> None:
    token = a_link(engine)
    assert front_door.use_link(engine, token) == SAM
    assert front_door.use_link(engine, token) is None  # single-use


def test_a_link_runs_out(engine: Engine) -> None:
    made = datetime.now(UTC) - timedelta(minutes=31)
    token = a_link(engine, now=made)
    assert front_door.use_link(engine, token) is None
    fresh = a_link(engine, now=datetime.now(UTC) - timedelta(minutes=29))
    assert front_door.use_link(engine, fresh) == SAM  # still inside its 30 minutes


def test_the_store_keeps_only_the_links_hash(engine: Engine) -> None:
    token = a_link(engine)
    with Session(engine) as session:
        kept = [row.token_hash for row in session.scalars(select(SignInLinkRow))]
    assert token not in kept and len(kept) == 1 and len(kept[0]) == 64
    assert front_door.use_link(engine, kept[0]) is None  # the hash itself signs nobody in


def test_an_unknown_or_huge_token_signs_nobody_in(engine: Engine) -> None:
    a_link(engine)
    assert front_door.use_link(engine, "not-a-token") is None
    assert front_door.use_link(engine, "x" * 10_000) is None
    assert front_door.use_link(engine, "") is None


async def test_two_uses_at_once_start_one_session(engine: Engine) -> None:
    token = a_link(engine)
    results = await asyncio.gather(*(asyncio.to_thread(front_door.use_link, engine, token) for _ in range(6)))
    assert [r for r in results if r is not None] == [SAM]


def test_links_are_for_a_party_only(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="party of the case"):
        front_door.new_link(session, Party("w", "caseworker", "cw-alice"))


def a_case(
    engine: Engine, wid: str, email: str, role: str = "service_user", outcome: str | None = None
) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add(CaseRow(workflow_id=wid, kind="decision_complaint", case_ref=wid[-3:], stage="awaiting_grounds",
                            owner="cw-alice", manager="om-bob", opened_at=now, status={}, updated_at=now,
                            outcome=outcome))  # fmt: skip
        session.add(LetterRow(workflow_id=wid, key="k1", case_ref=wid[-3:], kind="grounds_request", to_role=role,
                              to_id=f"{role}:{wid}", to_email=email, subject="s", body="b", paragraphs=[],
                              created_at=now))  # fmt: skip


def test_a_new_link_is_offered_for_open_cases_that_write_to_the_address(engine: Engine) -> None:
    a_case(engine, "case-A01", "Sam@Example.org")
    a_case(engine, "case-B02", "sam@example.org", role="organisation")
    a_case(engine, "case-C03", "sam@example.org", outcome="withdrawn")  # closed: no link
    a_case(engine, "case-D04", "someone.else@example.org")
    found = front_door.parties_with_email(engine, " SAM@example.ORG ")
    assert sorted((p.workflow_id, p.role) for p, _ in found) == [
        ("case-A01", "service_user"),
        ("case-B02", "organisation"),
    ]
    assert front_door.parties_with_email(engine, "nobody@example.org") == []
    tokens = front_door.links_for(engine, [p for p, _ in found])
    assert {front_door.use_link(engine, t).workflow_id for t in tokens} == {"case-A01", "case-B02"}  # type: ignore[union-attr]


def test_the_measures_count_sign_ins_and_time_from_letter_to_submission(engine: Engine) -> None:
    a_case(engine, SAM.workflow_id, "sam@example.org")
    with Session(engine) as session:
        written = session.scalars(select(LetterRow.created_at)).one()
    written = written if written.tzinfo else written.replace(tzinfo=UTC)
    front_door.note_use(engine, SAM, "signed_in", now=written + timedelta(hours=1))
    front_door.note_use(engine, SAM, "signed_in", now=written + timedelta(hours=2))  # the same person again
    front_door.note_use(engine, SAM, "grounds_submitted", now=written + timedelta(hours=3))
    front_door.note_use(engine, SAM, "evidence_submitted", now=written + timedelta(hours=5))
    front_door.note_use(engine, TRUST, "signed_in", now=written + timedelta(hours=1))
    use = front_door.use(engine)
    assert (use.cases_signed_in, use.complainants_signed_in, use.organisations_signed_in) == (1, 1, 1)
    assert use.submissions == 2
    assert use.submissions_by_message == {"evidence_submitted": 1, "grounds_submitted": 1}
    assert use.median_hours_letter_to_submission == 4.0  # 3 h and 5 h after the letter


def test_an_account_bound_by_the_back_office_opens_only_its_open_cases(engine: Engine) -> None:
    issuer, other_issuer = "https://oidc.account.gov.uk/", "https://elsewhere.example/"
    a_case(engine, "decision_complaint-A-1", "sam@example.org")
    a_case(engine, "decision_complaint-A-2", "sam@example.org")
    a_case(engine, "decision_complaint-A-3", "sam@example.org", outcome="withdrawn")
    sam = front_door.party_on(engine, "decision_complaint-A-1", "service_user")
    assert sam == Party("decision_complaint-A-1", "service_user", "service_user:decision_complaint-A-1")
    assert front_door.party_on(engine, "decision_complaint-A-3", "service_user") is None  # closed
    assert front_door.party_on(engine, "decision_complaint-none", "service_user") is None  # unknown
    assert front_door.bind_identity(engine, sam, issuer, "urn:sam", "bo (back_office)") is True
    assert front_door.bind_identity(engine, sam, issuer, "urn:sam", "bo (back_office)") is False  # once
    later = front_door.party_on(engine, "decision_complaint-A-2", "service_user")
    assert later is not None
    front_door.bind_identity(engine, later, issuer, "urn:sam", "bo (back_office)")
    found = front_door.parties_of_account(engine, issuer, "urn:sam")
    assert [p.workflow_id for p, _ in found] == [
        "decision_complaint-A-2",
        "decision_complaint-A-1",
    ]  # newest first
    assert front_door.parties_of_account(engine, other_issuer, "urn:sam") == []  # another provider's account
    assert front_door.parties_of_account(engine, issuer, "urn:someone") == []
    with Session(engine) as session, session.begin():  # a case that closes is no longer offered
        case = session.get(CaseRow, "decision_complaint-A-2")
        assert case is not None
        case.outcome = "withdrawn"
    assert [p.workflow_id for p, _ in front_door.parties_of_account(engine, issuer, "urn:sam")] == [
        "decision_complaint-A-1"
    ]
    assert front_door.unbind_identity(engine, sam, issuer, "urn:sam", "bo (back_office)") is True
    assert front_door.unbind_identity(engine, sam, issuer, "urn:sam", "bo (back_office)") is False
    assert front_door.parties_of_account(engine, issuer, "urn:sam") == []
