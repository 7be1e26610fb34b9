"""Nobody waits in silence: whom an overdue step is chased at and escalated to, rung by
rung, and when (design.md, "Time"; issue 10, 7)."""

from datetime import date

from domain.calendar import Period, WorkingCalendar
from domain.enums import Role
from domain.escalation import (
    Rung,
    TeamContacts,
    escalation_ladder,
    escalation_target,
    next_chase_on,
    reminder_to,
    team_of,
)
from domain.policy import load_policy

TEAMS = {
    "oat": TeamContacts("oat", "oat-manager"),
    "legal": TeamContacts("legal-team", "head-of-legal"),
    "joint_working_team": TeamContacts("joint-working-team", "jwt-manager"),
}
SENIOR = {
    Role.ASSISTANT_DIRECTOR: "ad",
    Role.DIRECTOR: "dir",
    Role.DEPUTY_OMBUDSMAN: "dep",
    Role.OMBUDSMAN: "omb",
}


def ladder(role: str, person: str | None = None, excluded: tuple[str, ...] = ()) -> list[Rung]:
    return escalation_ladder(role, person, manager="om-bob", teams=TEAMS, senior=SENIOR, excluded=excluded)


def test_teams_of_roles() -> None:
    assert team_of("oat_caseworker") == "oat"
    assert team_of("legal_team") == "legal"
    assert team_of("joint_working_team") == "joint_working_team"
    assert team_of("shared_services") == "shared_services"
    assert team_of("caseworker") is None


def test_a_team_step_is_reminded_at_the_team_mailbox() -> None:
    assert reminder_to("oat_caseworker", None, TEAMS) == Rung("oat", "oat")
    assert reminder_to("legal_team", None, TEAMS) == Rung("legal-team", "legal")
    assert reminder_to("oat_caseworker", "oat-7", TEAMS) == Rung("oat-7", "oat_caseworker")
    assert reminder_to("caseworker", "cw-alice", TEAMS) == Rung("cw-alice", "caseworker")
    assert reminder_to("director", None, TEAMS) == Rung("director", "director")
    assert reminder_to("shared_services", None, TEAMS) == Rung("shared_services", "shared_services")


def test_a_team_step_is_escalated_to_the_team_manager_then_up() -> None:
    assert ladder("oat_caseworker") == [
        Rung("oat-manager", "oat_manager"),
        Rung("ad", "assistant_director"),
        Rung("dir", "director"),
        Rung("dep", "deputy_ombudsman"),
        Rung("omb", "ombudsman"),
    ]
    assert ladder("legal_team")[0] == Rung("head-of-legal", "legal_manager")


def test_a_case_owner_step_goes_to_the_case_manager_then_up() -> None:
    assert ladder("caseworker", "cw-alice") == [
        Rung("om-bob", "operations_manager"),
        Rung("ad", "assistant_director"),
        Rung("dir", "director"),
        Rung("dep", "deputy_ombudsman"),
        Rung("omb", "ombudsman"),
    ]


def test_the_managers_own_step_starts_above_them() -> None:
    assert ladder("operations_manager", "om-bob")[0] == Rung("ad", "assistant_director")
    assert ladder("caseworker", "om-bob")[0] == Rung("ad", "assistant_director")


def test_an_approval_owed_by_a_director_goes_above_a_director() -> None:
    assert ladder("director") == [Rung("dep", "deputy_ombudsman"), Rung("omb", "ombudsman")]
    assert ladder("ombudsman") == [Rung("omb", "ombudsman")]


def test_nobody_the_complaint_is_about_is_escalated_to() -> None:
    assert Rung("ad", "assistant_director") not in ladder("caseworker", "cw-alice", ("ad",))
    assert ladder("caseworker", "cw-alice", ("om-bob",))[0] == Rung("ad", "assistant_director")
    assert ladder("ombudsman", None, ("omb",)) == [Rung("omb", "ombudsman")]


def test_each_escalation_climbs_one_rung_and_stays_at_the_top() -> None:
    rungs = ladder("caseworker", "cw-alice")
    assert [escalation_target(rungs, n).id for n in range(7)] == [
        "om-bob",
        "ad",
        "dir",
        "dep",
        "omb",
        "omb",
        "omb",
    ]


def test_chased_at_due_then_every_escalate_after() -> None:
    five = Period(amount=5, unit="working_days")
    due = date(2026, 3, 2)  # a Monday
    assert next_chase_on(due, reminded=False, escalations=0, escalate_after=five) == due
    assert next_chase_on(due, reminded=True, escalations=0, escalate_after=five) == date(2026, 3, 9)
    assert next_chase_on(due, reminded=True, escalations=1, escalate_after=five) == date(2026, 3, 16)
    assert next_chase_on(due, reminded=True, escalations=2, escalate_after=five) == date(2026, 3, 23)
    easter = WorkingCalendar(frozenset({date(2026, 4, 3), date(2026, 4, 6)}))
    assert next_chase_on(
        date(2026, 3, 30), reminded=True, escalations=0, escalate_after=five, calendar=easter
    ) == date(2026, 4, 8)


def test_the_default_policy_names_every_team_and_the_senior_ladder() -> None:
    policy = load_policy()
    assert {name: (t.mailbox, t.manager) for name, t in policy.teams.items()} == {
        "oat": ("oat", "oat-manager"),
        "legal": ("legal-team", "head-of-legal"),
        "shared_services": ("shared-services", "shared-services-manager"),
        "joint_working_team": ("joint-working-team", "joint-working-team-manager"),
        "organisational_learning": ("organisational-learning", "head-of-quality"),
    }
    assert policy.oat_advice_if_no_reply is None
    assert set(policy.senior_managers) == {
        Role.ASSISTANT_DIRECTOR,
        Role.DIRECTOR,
        Role.DEPUTY_OMBUDSMAN,
        Role.OMBUDSMAN,
    }
