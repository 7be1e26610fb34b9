"""Work allocation on the queue (issue 26): taking a team's step, giving it to a member of
your team, a follow-up date, and saved filters.

Allocation is not authority. Who may act on a case, and by when, stays the workflow's
(design.md, "Actors and authority"; the `reassign` update moves a step that names a
person). A team's step names only a role (OAT's review waits on "oat"): anyone in that
role may act on it, and taking it says "I have this" so two people do not work it twice.
The store keeps who took it and the case's audit trail says so; a new step is a new row,
untaken."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from domain.authority import NotNow, Refused
from domain.bounds import clean_text
from domain.staff import Person, Staff
from store.models import CaseRow, SavedViewRow, TaskRow
from store.tasks import store_audit

FOLLOW_UP_NOTE_MAX = 500
VIEW_NAME_MAX = 100
VIEWS_MAX = 20  # saved filters per person and page
VIEW_KEYS = ("kind", "stage", "risk", "overdue", "follow_up")  # what a saved filter may hold
PAGES = ("tasks", "team")


def _text(value: str, what: str, size: int) -> str:
    """Free text from a form: trimmed, bounded, no control characters (design.md, "Rules
    of the house"); refused in words, never an exception from deep down."""
    try:
        text = str(clean_text(value.strip()))
    except ValueError as err:
        raise Refused(f"{what} {err}") from None
    if len(text) > size:
        raise Refused(f"{what} is at most {size} characters")
    return text


def _open_row(session: Session, task_id: int) -> tuple[TaskRow, CaseRow | None]:
    row = session.get(TaskRow, task_id)
    if row is None or row.closed_at is not None:
        raise NotNow("this step is no longer open: the case has moved on")
    return row, session.get(CaseRow, row.workflow_id)


def _name(staff: Staff, person_id: str) -> str:
    found = staff.get(person_id)
    return found.in_words() if found else person_id


def _self_or_team(staff: Staff, by: Person, other: str) -> bool:
    """`other` is `by`, or someone in `by`'s team at any rung below: whom `by` may give a
    step to, and whose taken step `by` may move."""
    return by.id == other or other in staff.reports_of(by.id)


def take(engine: Engine, staff: Staff, task_id: int, by: Person, for_id: str = "") -> str:
    """`by` takes a team's step for themselves, or (a manager) gives it to `for_id`, one of
    their team in the role the step waits on. Answers what happened, in words."""
    taker = staff.get(for_id) if for_id else by
    if taker is None:
        raise Refused(f"there is nobody {for_id!r} in the staff directory")
    if not _self_or_team(staff, by, taker.id):
        raise Refused(f"{taker.in_words()} is not in your team: only their manager can give them a step")
    with Session(engine) as session, session.begin():
        row, case = _open_row(session, task_id)
        if row.actor_id:
            raise Refused(
                f"this step is {_name(staff, row.actor_id)}'s, not a team's: "
                "to move it, use “Give to someone else” on the case"
            )
        if taker.role.value != row.actor_role:
            raise Refused(
                f"this step waits on the {row.actor_role.replace('_', ' ')} role, not {taker.in_words()}"
            )
        if row.claimed_by and row.claimed_by != taker.id:
            holder = _name(staff, row.claimed_by)
            if not _self_or_team(staff, by, row.claimed_by):
                raise NotNow(f"{holder} has already taken this step")
        now = datetime.now(UTC)
        if row.claimed_by != taker.id:  # a follow-up date is its holder's own reminder
            row.follow_up_on, row.follow_up_note = None, None
        row.claimed_by, row.claimed_at = taker.id, now
        said = (
            f"{taker.in_words()} took the step: {row.action}"
            if taker.id == by.id
            else f"{by.in_words()} gave the step to {taker.in_words()}: {row.action}"
        )
        if case is not None:
            store_audit(session, case, str(by.actor), said, [], "work allocation, issue 26", now)
        if taker.id == by.id:  # to the person who took it, in their own words
            return (
                f"You have taken this step on case {row.case_ref}: {row.action}. "
                "Nobody else in your team will see it in their tasks until you give it back"
            )
        return f"You have given this step on case {row.case_ref} to {taker.in_words()}: {row.action}"


def give_back(engine: Engine, staff: Staff, task_id: int, by: Person) -> str:
    """The person who took a step, or their manager, gives it back to the team."""
    with Session(engine) as session, session.begin():
        row, case = _open_row(session, task_id)
        if not row.claimed_by:
            raise NotNow("nobody has taken this step")
        if not _self_or_team(staff, by, row.claimed_by):
            raise Refused(f"only {_name(staff, row.claimed_by)} or their manager can give this step back")
        said = f"{by.in_words()} gave the step back to the team: {row.action}"
        now = datetime.now(UTC)
        row.claimed_by, row.claimed_at = None, None
        row.follow_up_on, row.follow_up_note = None, None
        if case is not None:
            store_audit(session, case, str(by.actor), said, [], "work allocation, issue 26", now)
        return said


def follow_up(engine: Engine, task_id: int, by: Person, on: date | None, note: str, today: date) -> str:
    """The step's holder sets (or clears, with no date) the day they mean to come back to
    it, with a short note for themselves. It never moves the step's due date."""
    note = _text(note, "a follow-up note", FOLLOW_UP_NOTE_MAX)
    if on is not None and not today <= on <= today.replace(year=today.year + 1):
        raise Refused("a follow-up date is from today to a year from today")
    with Session(engine) as session, session.begin():
        row, _ = _open_row(session, task_id)
        if by.id not in (row.actor_id, row.claimed_by):
            raise Refused("only the person who holds this step can set its follow-up date: take it first")
        row.follow_up_on, row.follow_up_note = on, (note or None) if on else None
    return "Follow-up date cleared." if on is None else "Follow-up date set."


def view_query(query: str) -> str:
    """A saved filter holds only the queue's own filters, in one order: never a page number
    or anything else from the address bar."""
    kept = {k: v for k, v in parse_qsl(query) if k in VIEW_KEYS and v and len(v) <= 100}
    return urlencode(sorted(kept.items()))


def save_view(engine: Engine, person_id: str, page: str, name: str, query: str) -> str:
    name = _text(name, "a saved filter's name", VIEW_NAME_MAX)
    if not name:
        raise Refused("give the saved filter a name")
    if page not in PAGES:
        raise Refused("filters are saved for My tasks or My team")
    kept = view_query(query)
    if not kept:
        raise Refused("choose at least one filter, then save it")
    with Session(engine) as session, session.begin():
        mine = select(SavedViewRow).where(SavedViewRow.person == person_id, SavedViewRow.page == page)
        same = session.scalars(mine.where(SavedViewRow.name == name)).first()
        if same is None:
            count = session.scalar(select(func.count()).select_from(mine.subquery())) or 0
            if count >= VIEWS_MAX:
                raise Refused(f"you can keep {VIEWS_MAX} saved filters here: delete one first")
            same = SavedViewRow(person=person_id, page=page, name=name)
            session.add(same)
        same.query, same.saved_at = kept, datetime.now(UTC)
    return f"Saved “{name}”."


def saved_views(engine: Engine, person_id: str, page: str) -> list[SavedViewRow]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(SavedViewRow)
                .where(SavedViewRow.person == person_id, SavedViewRow.page == page)
                .order_by(SavedViewRow.name)
            )
        )


def forget_view(engine: Engine, person_id: str, view_id: int) -> str:
    with Session(engine) as session, session.begin():
        gone = session.execute(
            delete(SavedViewRow).where(SavedViewRow.id == view_id, SavedViewRow.person == person_id)
        )
    return "Saved filter deleted." if getattr(gone, "rowcount", 0) else "That saved filter was already gone."
