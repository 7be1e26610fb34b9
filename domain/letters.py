"""What a letter says and who gets it: the sentences the guidance requires (53, 66, 74)
and dates as the public reads them (London dates in words)."""

from __future__ import annotations

from datetime import date, datetime

from domain.calendar import LONDON, london_date
from domain.enums import OUTCOMES_WHERE_COMPLAINT_CONTINUES, Kind, Outcome, Risk, Role
from domain.models import Actor

TITLES = {
    Role.CASEWORKER: "Caseworker",
    Role.OAT_CASEWORKER: "Caseworker, Ombudsman's Assurance Team",
    Role.LEGAL_TEAM: "Legal Team",
    Role.JOINT_WORKING_TEAM: "Joint Working Team",
    Role.OPERATIONS_MANAGER: "Operations Manager",
    Role.ASSISTANT_DIRECTOR: "Assistant Director",
    Role.DIRECTOR: "Director",
    Role.DEPUTY_OMBUDSMAN: "Deputy Ombudsman",
    Role.OMBUDSMAN: "Ombudsman",
}


def named(actor: Actor) -> str:
    """Who approved, as a letter names them (72): their id and their title."""
    title = TITLES.get(actor.role, actor.role.value.replace("_", " "))
    return f"{actor.id}, {title}"


def date_in_words(when: date | datetime | str) -> str:
    """A London date written in words: "2 December 2026". A time is first turned into
    its London date, so a letter sent at 00:30 BST on 1 July says 1 July."""
    if isinstance(when, str):
        text = when.strip()
        when = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if isinstance(when, datetime):
        when = london_date(when)
    return f"{when.day} {when:%B %Y}"


def time_in_words(when: datetime) -> str:
    """A London date and time in words, for staff letters: "2 December 2026 at 2:05pm"."""
    local = when.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{date_in_words(when)} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def ends_internal_process(outcome: Outcome, kind: Kind) -> bool:
    """Para 74: a letter that ends a review or a review request says the internal
    complaints process has ended — not when the complaint goes on, to the Joint Working
    Team (76) or as a reclassified complaint (12, 48)."""
    return kind is Kind.DECISION_COMPLAINT and outcome not in OUTCOMES_WHERE_COMPLAINT_CONTINUES


def supervised(copy_oat: bool, risk: str | None) -> bool:
    """Para 53: the case owner's manager is copied on OAT's decision when the case was
    supervised: OAT advised further oversight, or the risk is medium or high."""
    return copy_oat or risk in (Risk.MEDIUM.value, Risk.HIGH.value)


QUASH_PARTIES = ("service_user", "advocate", "organisation")


def quash_parties(has_advocate: bool) -> list[str]:
    """Para 66: a quash is made clear to every affected party: the complainant, their
    advocate if they have one, and the organisation complained about."""
    return [party for party in QUASH_PARTIES if party != "advocate" or has_advocate]
