"""Work allocation on the queue (issue 26), on SQLite and on PostgreSQL, and the drafts
behind its forms' post/redirect/get: a team's step is
taken by one person, given by their manager, given back; a follow-up date is its holder's
and never moves the step's due date; saved filters hold only the queue's filters. Each
refusal says why in words, and the case's audit trail says who took what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.authority import NotNow, Refused
from domain.staff import Staff
from store import allocation
from store.db import make_engine, migrate
from store.models import AuditRow, CaseRow, TaskRow
from tests.test_store import postgres_schema_url

STAFF = Staff.load()
OLU, PAT, MO, ALICE = (STAFF.people[p] for p in ("oat-olu", "oat-pat", "oat-manager", "cw-alice"))
TODAY = date(2026, 12, 2)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'queue.db'}" if request.param == "sqlite" else postgres_schema_url()
    migrate(url)
    return make_engine(url)


def a_step(engine: Engine, actor_role: str = "oat_caseworker", actor_id: str | None = None) -> int:
    """An open step of a case: a team's (a role only) unless it names a person."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        wid = f"decision_complaint/Q-{now.timestamp()}"
        session.add(CaseRow(workflow_id=wid, kind="decision_complaint", case_ref="Q-1", stage="oat_review",
                            owner="cw-alice", manager="om-bob", opened_at=now, status={}, updated_at=now))  # fmt: skip
        row = TaskRow(workflow_id=wid, case_ref="Q-1", action="oat_outcome", actor_role=actor_role,
                      actor_id=actor_id, due=TODAY + timedelta(days=10), opened_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def step(engine: Engine, task_id: int) -> TaskRow:
    with Session(engine) as session:
        found = session.get(TaskRow, task_id)
        assert found is not None
        return found


def audit(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditRow.action).order_by(AuditRow.seq)))


def test_a_team_step_is_taken_once_and_the_trail_says_by_whom(engine: Engine) -> None:
    task = a_step(engine)
    said = allocation.take(engine, STAFF, task, OLU)
    assert said.startswith("You have taken this step on case Q-1: oat_outcome. Nobody else")
    assert step(engine, task).claimed_by == "oat-olu"
    with pytest.raises(
        NotNow, match="Olu Ade, Caseworker, Ombudsman's Assurance Team has already taken this step"
    ):
        allocation.take(engine, STAFF, task, PAT)
    assert step(engine, task).claimed_by == "oat-olu"  # a refusal changes nothing
    # Someone outside the role the step waits on may not take it.
    with pytest.raises(Refused, match="waits on the oat caseworker role, not Alice Ward"):
        allocation.take(engine, STAFF, a_step(engine), ALICE)
    assert audit(engine) == ["Olu Ade, Caseworker, Ombudsman's Assurance Team took the step: oat_outcome"]


def test_a_manager_gives_a_team_step_to_their_team_only_and_takes_it_back(engine: Engine) -> None:
    task = a_step(engine)
    allocation.take(engine, STAFF, task, OLU)
    # Their manager may move it from Olu to Pat, and give it back to the team.
    allocation.follow_up(engine, task, OLU, TODAY, "Olu's own reminder", TODAY)
    assert allocation.take(engine, STAFF, task, MO, for_id="oat-pat") == (
        "You have given this step on case Q-1 to Pat Moore, Caseworker, Ombudsman's Assurance Team: oat_outcome"
    )
    row = step(engine, task)
    assert (row.claimed_by, row.follow_up_on, row.follow_up_note) == ("oat-pat", None, None)
    assert audit(engine)[-1] == (
        "Mo Reid, Caseworker, Ombudsman's Assurance Team gave the step to Pat Moore, Caseworker, "
        "Ombudsman's Assurance Team: oat_outcome"
    )
    with pytest.raises(
        Refused, match="only Pat Moore, Caseworker, Ombudsman's Assurance Team or their manager"
    ):
        allocation.give_back(engine, STAFF, task, OLU)
    allocation.give_back(engine, STAFF, task, MO)
    assert step(engine, task).claimed_by is None
    # Nobody gives a step to someone outside their own team, nor to someone unknown.
    with pytest.raises(Refused, match="is not in your team"):
        allocation.take(engine, STAFF, task, OLU, for_id="oat-pat")
    with pytest.raises(Refused, match="nobody 'ghost'"):
        allocation.take(engine, STAFF, task, MO, for_id="ghost")
    with pytest.raises(NotNow, match="nobody has taken this step"):
        allocation.give_back(engine, STAFF, task, MO)


def test_a_step_that_names_a_person_is_moved_by_reassign_not_taken(engine: Engine) -> None:
    task = a_step(engine, actor_role="caseworker", actor_id="cw-alice")
    with pytest.raises(Refused, match="this step is Alice Ward, Caseworker, casework north team's"):
        allocation.take(engine, STAFF, task, STAFF.people["cw-ben"])


def test_a_closed_step_cannot_be_taken(engine: Engine) -> None:
    task = a_step(engine)
    with Session(engine) as session, session.begin():
        row = session.get(TaskRow, task)
        assert row is not None
        row.closed_at = datetime.now(UTC)
    with pytest.raises(NotNow, match="no longer open"):
        allocation.take(engine, STAFF, task, OLU)


def test_a_follow_up_date_is_the_holders_and_never_moves_the_due_date(engine: Engine) -> None:
    task = a_step(engine)
    due = step(engine, task).due
    with pytest.raises(Refused, match="take it first"):
        allocation.follow_up(engine, task, OLU, TODAY + timedelta(days=3), "", TODAY)
    allocation.take(engine, STAFF, task, OLU)
    assert allocation.follow_up(
        engine, task, OLU, TODAY + timedelta(days=3), " ring the council ", TODAY
    ) == ("Follow-up date set.")
    row = step(engine, task)
    assert (row.follow_up_on, row.follow_up_note, row.due) == (
        TODAY + timedelta(days=3),
        "ring the council",
        due,
    )
    # A date in the past, or more than a year ahead, or a note too long or with a control
    # character, is refused and leaves what was set.
    for on, note, why in (
        (TODAY - timedelta(days=1), "", "from today to a year from today"),
        (TODAY + timedelta(days=367), "", "from today to a year from today"),
        (TODAY, "x" * 501, "at most 500 characters"),
        (TODAY, "bell\x07", "control characters"),
    ):
        with pytest.raises(Refused, match=why):
            allocation.follow_up(engine, task, OLU, on, note, TODAY)
    assert step(engine, task).follow_up_on == TODAY + timedelta(days=3)
    with pytest.raises(Refused, match="only the person who holds this step"):
        allocation.follow_up(engine, task, PAT, TODAY, "", TODAY)
    assert allocation.follow_up(engine, task, OLU, None, "ignored", TODAY) == "Follow-up date cleared."
    assert (step(engine, task).follow_up_on, step(engine, task).follow_up_note) == (None, None)


def test_saved_filters_keep_only_the_queues_filters_and_are_each_persons_own(engine: Engine) -> None:
    said = allocation.save_view(
        engine, "oat-olu", "tasks", "High risk late", "risk=high&overdue=1&page=7&x=<b>"
    )
    assert said == "Saved “High risk late”."
    mine = allocation.saved_views(engine, "oat-olu", "tasks")
    assert [(v.name, v.query) for v in mine] == [("High risk late", "overdue=1&risk=high")]
    assert allocation.saved_views(engine, "oat-pat", "tasks") == []
    # The same name again replaces it; nothing to keep, or no name, is refused.
    allocation.save_view(engine, "oat-olu", "tasks", "High risk late", "risk=high")
    assert [v.query for v in allocation.saved_views(engine, "oat-olu", "tasks")] == ["risk=high"]
    for name, query, why in (
        ("", "risk=high", "give the saved filter a name"),
        ("Only a page", "page=2", "choose at least one filter"),
        ("n" * 101, "risk=high", "at most 100 characters"),
    ):
        with pytest.raises(Refused, match=why):
            allocation.save_view(engine, "oat-olu", "tasks", name, query)
    with pytest.raises(Refused, match="My tasks or My team"):
        allocation.save_view(engine, "oat-olu", "cases", "x", "risk=high")
    for n in range(allocation.VIEWS_MAX - 1):
        allocation.save_view(engine, "oat-olu", "tasks", f"view {n:02}", "risk=low")
    with pytest.raises(Refused, match="delete one first"):
        allocation.save_view(engine, "oat-olu", "tasks", "one too many", "risk=low")
    # Another person cannot delete it.
    first = allocation.saved_views(engine, "oat-olu", "tasks")[0]
    assert allocation.forget_view(engine, "oat-pat", first.id) == "That saved filter was already gone."
    assert allocation.forget_view(engine, "oat-olu", first.id) == "Saved filter deleted."
    assert len(allocation.saved_views(engine, "oat-olu", "tasks")) == allocation.VIEWS_MAX - 1


def test_a_form_sent_back_is_kept_for_its_person_and_case_only(engine: Engine) -> None:
    """Post/redirect/get: the form with its errors waits in the store for the redirect,
    and nobody else (nor another case's page) can read it."""
    from store import drafts

    token = drafts.keep(engine, "cw-alice", "case-1", "pause_clock", {"told": "x" * 20_000})
    assert drafts.kept(engine, token, "cw-alice", "case-1") == ("pause_clock", {"told": "x" * 20_000})
    assert drafts.kept(engine, token, "cw-ben", "case-1") is None
    assert drafts.kept(engine, token, "cw-alice", "case-2") is None
    assert drafts.kept(engine, token + "x", "cw-alice", "case-1") is None
    assert drafts.kept(engine, "y" * 65, "cw-alice", "case-1") is None
