"""Who works here: id, name, role, manager and team (for signing in locally, "my team",
and the team rule of api/visibility)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from domain.authority import rank
from domain.enums import Role
from domain.letters import TITLES
from domain.models import Actor

DEFAULT_STAFF = Path(__file__).with_name("staff.yaml")


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    role: Role
    manager: str = ""
    team: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, role=self.role)

    def in_words(self) -> str:
        """As a letter names a person: name, title and team, never an id."""
        title = TITLES.get(self.role, self.role.value.replace("_", " ").capitalize())
        # "Caseworker, Ombudsman's Assurance Team", not "…Assurance Team, oat team".
        team = f", {self.team.replace('-', ' ')} team" if self.team and not title.endswith("Team") else ""
        if title.lower() in self.name.lower():  # "The Ombudsman", not "The Ombudsman, Ombudsman"
            return self.name
        return f"{self.name}, {title}{team}"


class Staff:
    def __init__(self, people: list[Person]) -> None:
        self.people = {p.id: p for p in people}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Staff:
        """The directory at `path`, REVIEWS_STAFF, or the one `reviews dev` ships."""
        file = Path(path or os.environ.get("REVIEWS_STAFF") or DEFAULT_STAFF)
        data = yaml.safe_load(file.read_text()) or {}
        return cls([Person.model_validate(p) for p in data.get("staff", [])])

    def get(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def team_of(self, person_id: str) -> str | None:
        person = self.people.get(person_id)
        return person.team if person else None

    def leads(self, person_id: str) -> bool:
        """Whether anyone reports to this person (the Ombudsman's own `manager` is themself)."""
        return any(p.manager == person_id and p.id != person_id for p in self.people.values())

    def reports_of(self, manager_id: str) -> set[str]:
        """Everyone below a manager, however many rungs down."""
        found: set[str] = set()
        frontier = {manager_id}
        while frontier:
            below = {p.id for p in self.people.values() if p.manager in frontier and p.id not in found}
            below.discard(manager_id)
            found |= below
            frontier = below
        return found

    @staticmethod
    def is_manager(person: Person) -> bool:
        return (rank(person.role) or 0) >= 1
