"""Nobody waits in silence (design.md, "Time"): whom an overdue step is chased at, whom
it is escalated to, rung by rung, and when.

A step owed by a team (OAT, the Legal Team, shared services, the Joint Working Team) is
chased at the team's mailbox and escalated to the team's manager, never to the case
owner's manager, who has no say over the team. Anyone else's step goes to the case's
manager. Above either, escalation climbs the senior managers every `escalate_after`
while the step stays overdue; nobody a service complaint is about is ever escalated to
(11, 13, 15).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import NamedTuple

from domain.authority import LADDER, rank
from domain.calendar import PACKAGE_CALENDAR, Period, WorkingCalendar
from domain.enums import ROLE_VALUES, Role

# The role a team's step is awaited from, and the team that owes it.
TEAM_OF_ROLE: dict[str, str] = {
    Role.OAT_CASEWORKER.value: "oat",
    Role.LEGAL_TEAM.value: "legal",
    Role.JOINT_WORKING_TEAM.value: "joint_working_team",
    "shared_services": "shared_services",
}


class Rung(NamedTuple):
    """Someone an overdue step is sent to: a person's or mailbox's id, and their role."""

    id: str
    role: str


class TeamContacts(NamedTuple):
    mailbox: str
    manager: str


def team_of(role: str) -> str | None:
    return TEAM_OF_ROLE.get(role)


def reminder_to(role: str, person: str | None, teams: Mapping[str, TeamContacts]) -> Rung:
    """An overdue step is first reminded to whoever owes it: the person named, or for a
    team's step the team's mailbox."""
    if person is not None:
        return Rung(person, role)
    team = team_of(role)
    if team is not None and team in teams:
        return Rung(teams[team].mailbox, team)
    return Rung(role, role)


def approver_to_chase(
    role: str, *, manager: str, proposed_by: str | None, senior: Mapping[Role, str]
) -> Rung:
    """Whom an overdue approval is chased at (guidance v8; design.md, "Time"): a person,
    never a role's name. The case's manager for an operations manager's approval (the next
    rung up if the manager proposed it: four eyes, 72); else the senior manager the policy
    names for the role, or the first one above it."""
    if role == Role.OPERATIONS_MANAGER.value and manager != proposed_by:
        return Rung(manager, role)
    managers = LADDER.index(Role.OPERATIONS_MANAGER)
    owes = rank(Role(role)) if role in ROLE_VALUES else None
    floor = managers if owes is None else owes
    for position, senior_role in enumerate(LADDER):
        if senior_role in senior and (position > floor or position == floor > managers):
            return Rung(senior[senior_role], senior_role.value)
    return Rung("ombudsman", Role.OMBUDSMAN.value)  # the policy names nobody at or above the role


def escalation_ladder(
    role: str,
    person: str | None,
    *,
    manager: str,
    teams: Mapping[str, TeamContacts],
    senior: Mapping[Role, str],
    excluded: Collection[str] = (),
) -> list[Rung]:
    """Everyone an overdue step is escalated to, in order: the team's manager for a
    team's step, else the case's manager (unless they owe it), then the senior managers
    above, skipping anyone the complaint is about."""
    rungs: list[Rung] = []
    managers = LADDER.index(Role.OPERATIONS_MANAGER)
    team = team_of(role)
    if team is not None and team in teams:
        rungs.append(Rung(teams[team].manager, f"{team}_manager"))
        floor = managers
    else:
        owes = rank(Role(role)) if role in ROLE_VALUES else None
        if person != manager and (owes is None or owes < managers):
            rungs.append(Rung(manager, Role.OPERATIONS_MANAGER.value))
            floor = managers
        else:
            floor = managers if owes is None else max(owes, managers)
    for position, senior_role in enumerate(LADDER):
        if position > floor and senior_role in senior:
            rungs.append(Rung(senior[senior_role], senior_role.value))
    kept = [rung for rung in rungs if rung.id not in excluded]
    return kept or [Rung(senior.get(Role.OMBUDSMAN, "ombudsman"), Role.OMBUDSMAN.value)]


def escalation_target(ladder: list[Rung], escalations_so_far: int) -> Rung:
    """The next rung: one higher for each escalation, staying at the top once there."""
    return ladder[min(escalations_so_far, len(ladder) - 1)]


def next_chase_on(
    due: date,
    *,
    reminded: bool,
    escalations: int,
    escalate_after: Period,
    calendar: WorkingCalendar = PACKAGE_CALENDAR,
) -> date:
    """The day (at its end) an overdue step is next chased: the reminder at the due date,
    then an escalation every `escalate_after` after it while it stays overdue."""
    if not reminded:
        return due
    chase_on = due
    for _ in range(escalations + 1):
        chase_on = escalate_after.after(chase_on, calendar)
    return chase_on
