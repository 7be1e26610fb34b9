"""The staff directory (domain/staff.py): who works here, their team and manager, and how
a letter names them (design.md: people, not ids)."""

from pathlib import Path

from domain.enums import Role
from domain.staff import DEFAULT_STAFF, Person, Staff

DIRECTORY = """
staff:
  - {id: cw-1, name: Ann Ray, role: caseworker, manager: om-1, team: casework-north}
  - {id: om-1, name: Bo Lee, role: operations_manager, manager: ad-1, team: casework-north}
  - {id: ad-1, name: Cy Moss, role: assistant_director, manager: ad-1, team: casework}
  - {id: oat-1, name: Di Ode, role: oat_caseworker}
"""


def test_the_directory_is_read_from_a_file_or_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "staff.yaml"
    file.write_text(DIRECTORY)
    staff = Staff.load(file)
    assert sorted(staff.people) == ["ad-1", "cw-1", "oat-1", "om-1"]
    monkeypatch.setenv("REVIEWS_STAFF", str(file))
    assert sorted(Staff.load().people) == sorted(staff.people)
    monkeypatch.delenv("REVIEWS_STAFF")
    assert Staff.load().people == Staff.load(DEFAULT_STAFF).people and Staff.load().get("cw-alice")
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert Staff.load(empty).people == {}


def test_teams_managers_and_reports(tmp_path: Path) -> None:
    file = tmp_path / "staff.yaml"
    file.write_text(DIRECTORY)
    staff = Staff.load(file)
    assert staff.get("cw-1") == Person(
        id="cw-1", name="Ann Ray", role=Role.CASEWORKER, manager="om-1", team="casework-north"
    )
    assert staff.get("nobody") is None
    assert staff.team_of("om-1") == "casework-north" and staff.team_of("nobody") is None
    assert staff.reports_of("ad-1") == {"om-1", "cw-1"}  # every rung below, never themselves
    assert staff.reports_of("om-1") == {"cw-1"} and staff.reports_of("cw-1") == set()
    # Who leads a team: anyone with a report; the top of the ladder is their own manager.
    assert [p for p in ("cw-1", "om-1", "ad-1", "nobody") if staff.leads(p)] == ["om-1", "ad-1"]
    assert not Staff([Person(id="omb", name="O", role=Role.OMBUDSMAN, manager="omb")]).leads("omb")
    assert [p.id for p in staff.people.values() if Staff.is_manager(p)] == ["om-1", "ad-1"]
    assert staff.get("cw-1").actor.role is Role.CASEWORKER  # type: ignore[union-attr]


def test_a_letter_names_a_person_by_name_title_and_team() -> None:
    # A role with no title of its own: its name in words.
    assert Person(id="x", name="Ed Fox", role=Role.BACK_OFFICE).in_words() == "Ed Fox, Back office"
    assert Person(
        id="om-1", name="Bo Lee", role=Role.OPERATIONS_MANAGER, team="casework-north"
    ).in_words() == ("Bo Lee, Operations Manager, casework north team")
    assert (
        Person(id="oat-1", name="Di Ode", role=Role.OAT_CASEWORKER).in_words()
        == "Di Ode, Caseworker, Ombudsman's Assurance Team"
    )
    # A title that names its team already is not followed by the team again.
    assert (
        Person(id="oat-1", name="Di Ode", role=Role.OAT_CASEWORKER, team="oat").in_words()
        == "Di Ode, Caseworker, Ombudsman's Assurance Team"
    )
