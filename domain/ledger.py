"""The compliance ledger: every paragraph of the guidance marked "(Policy requirement)"
or "(Legal requirement)", with a one-line statement and the kinds of case it can apply to.

Each case lists every requirement of its kind: met (when, and by which audited event),
unmet (reached but not satisfied), or not applicable on the path the case took, so a
reader can check any case against the guidance (design.md, "What status shows").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.enums import Kind

DC, SC, PF = Kind.DECISION_COMPLAINT, Kind.SERVICE_COMPLAINT, Kind.POSITIVE_FEEDBACK


@dataclass(frozen=True)
class Requirement:
    paragraph: str
    statement: str
    applies_to: frozenset[Kind]
    marked: Literal["policy", "legal", "policy and legal"] = "policy"


_ALL = [
    Requirement(
        "7", "Positive feedback saved to the case record promptly after it is received", frozenset({PF})
    ),
    Requirement(
        "8", "Manager task 'positive feedback received' set with the main contents, linked", frozenset({PF})
    ),
    Requirement(
        "9", "Manager reviews, comments to the caseworker copied to the Directors and CEO", frozenset({PF})
    ),
    Requirement(
        "12",
        "A service complaint really about a decision is treated as a decision complaint",
        frozenset({SC}),
    ),
    Requirement(
        "13", "Service complaint considered by or passed to the case owner's manager", frozenset({SC})
    ),
    Requirement("14", "The manager attempts to resolve the service complaint", frozenset({SC})),
    Requirement("18", "An upheld service complaint is offered an appropriate remedy", frozenset({SC})),
    Requirement(
        "19",
        "Learning points and good practice shared with the line manager and organisation",
        frozenset({SC, DC}),
    ),
    Requirement(
        "35", "Out-of-time request with no reasonable explanation declined, reasons recorded", frozenset({DC})
    ),
    Requirement("36", "Out-of-time request with a reasonable explanation considered", frozenset({DC})),
    Requirement(
        "53", "OAT informs the case owner (and their manager if supervised) of the outcome", frozenset({DC})
    ),
    Requirement(
        "55", "Learning points (or good practice) from the review recorded (Annex A)", frozenset({DC})
    ),
    Requirement(
        "56", "Learning recorded on the review case and fed back to the case owner's manager", frozenset({DC})
    ),
    Requirement(
        "58", "An upheld decision's analysis considers and explains the remedy proposed", frozenset({DC})
    ),
    Requirement(
        "59",
        "Remedy follows the Principles for Remedy: impact, proportionality, restoration",
        frozenset({DC}),
    ),
    Requirement(
        "63",
        "Parties told of a proposed new detailed investigation with a summary; agreed under "
        "the Delegation Scheme",
        frozenset({DC}),
        marked="policy and legal",
    ),
    Requirement(
        "64",
        "Comments considered; new case opened and sent to shared services as a priority",
        frozenset({DC}),
    ),
    Requirement(
        "65", "New detailed investigation treated as a priority and its risk reconsidered", frozenset({DC})
    ),
    Requirement(
        "68", "A proposed quash is raised with the Legal Team with details and reasons", frozenset({DC})
    ),
    Requirement("69", "The decision to quash is made only by the Ombudsman or a Deputy", frozenset({DC})),
    Requirement(
        "73", "A new detailed investigation is approved by the Ombudsman or a Deputy", frozenset({DC})
    ),
    Requirement("74", "The closing letter says the internal complaints process has ended", frozenset({DC})),
    Requirement("76", "A joint PHSO/LGSCO decision is directed to the Joint Working Team", frozenset({DC})),
]

REGISTRY: dict[str, Requirement] = {r.paragraph: r for r in _ALL}
REQUIREMENTS: dict[str, str] = {r.paragraph: r.statement for r in _ALL}


def requirements_for(kind: Kind) -> list[Requirement]:
    return [r for r in _ALL if kind in r.applies_to]
