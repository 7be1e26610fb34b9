"""Who may see a case: one rule for the API, the pages, letters, evidence and the codec
(design.md, "The trust boundary", Visibility).

Staff see a case when it is their team's (the owner's team, by the staff directory),
when they hold a relation to it (owner, manager, handler, the person named to handle a
new investigation, a task's assignee), when its step waits on them or on their role, when
they manage its owner, or when their role sees every case. A party's token never gets the
staff view: it sees its own case through `/me/...` only, and there only its own letters
and documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.auth import Identity
from domain.enums import Role
from domain.staff import Staff
from store.models import CaseRow

# Roles whose work crosses teams: OAT, Legal, directors, deputies, the Ombudsman and the
# back office see every case (design.md).
SEES_EVERY_CASE = frozenset(
    {
        Role.OAT_CASEWORKER,
        Role.LEGAL_TEAM,
        Role.ASSISTANT_DIRECTOR,
        Role.DIRECTOR,
        Role.DEPUTY_OMBUDSMAN,
        Role.OMBUDSMAN,
        Role.BACK_OFFICE,
    }
)

# What each party's own view shows of the letters: those sent to it (the complainant's
# advocate is sent copies of the complainant's letters only).
LETTERS_FOR = {Role.SERVICE_USER: {"service_user", "advocate"}, Role.ORGANISATION: {"organisation"}}


@dataclass(frozen=True)
class CaseFacts:
    """What the rule needs to know of a case, from its status or its row in the store."""

    workflow_id: str
    owner: str | None = None
    manager: str | None = None
    awaiting_id: str | None = None
    awaiting_role: str | None = None
    related: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of_status(cls, workflow_id: str, status: Any) -> CaseFacts:
        step = status.awaiting
        related = {getattr(status.handler, "id", None), status.ndi_case_owner}
        related |= {task.assignee for task in status.tasks}
        return cls(
            workflow_id=workflow_id,
            owner=status.owner,
            manager=status.manager,
            awaiting_id=step.actor_id if step else None,
            awaiting_role=step.actor_role if step else None,
            related=frozenset(p for p in related if p),
        )

    @classmethod
    def of_row(
        cls, workflow_id: str, owner: str | None, manager: str | None, status: dict[str, Any]
    ) -> CaseFacts:
        step = status.get("awaiting") or {}
        handler = status.get("handler") or {}
        related = {handler.get("id"), status.get("ndi_case_owner")}
        related |= {t.get("assignee") for t in status.get("tasks") or []}
        return cls(
            workflow_id=workflow_id,
            owner=owner,
            manager=manager,
            awaiting_id=step.get("actor_id"),
            awaiting_role=step.get("actor_role"),
            related=frozenset(p for p in related if p),
        )


def sees_every_case(who: Identity) -> bool:
    return not who.bound and who.actor.role in SEES_EVERY_CASE


def may_see(who: Identity, case: CaseFacts, staff: Staff, team: str | None = None) -> bool:
    """Whether `who` may have the staff view of `case` (a party's token never may). `team`:
    the viewer's team when the identity provider says it (else the directory's); the
    owner's team is always the directory's."""
    if who.bound:
        return False
    if sees_every_case(who):
        return True
    me = who.actor.id
    if me in {case.owner, case.manager, case.awaiting_id} or me in case.related:
        return True
    if case.awaiting_id is None and case.awaiting_role == who.actor.role.value:
        return True
    owner = staff.get(case.owner or "")
    if owner is not None and owner.manager == me:
        return True
    person = staff.get(me)
    mine = team or (person.team if person is not None and person.role is who.actor.role else None)
    return bool(mine) and owner is not None and mine == owner.team


def letters_for(who: Identity) -> set[str] | None:
    """The recipients whose letters `who` may read on a case it may see (None: all)."""
    return LETTERS_FOR.get(who.actor.role) if who.bound else None


def facts_in_store(engine: Engine, workflow_ids: Iterable[str]) -> list[CaseFacts]:
    """The rule's facts for cases as the store holds them (letters and evidence are read
    from the store, so a case Temporal no longer retains is still judged the same way)."""
    ids = list(workflow_ids)
    if not ids:
        return []
    with Session(engine) as session:
        rows = session.scalars(select(CaseRow).where(CaseRow.workflow_id.in_(ids))).all()
        return [CaseFacts.of_row(r.workflow_id, r.owner, r.manager, r.status or {}) for r in rows]
