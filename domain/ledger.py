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


def _r(paragraph: str, statement: str, *kinds: Kind, marked: str = "policy") -> Requirement:
    return Requirement(paragraph, statement, frozenset(kinds), marked)  # type: ignore[arg-type]


_ALL = [
    _r("7", "Positive feedback saved to the case record promptly after it is received", PF),
    _r("8", "Manager task 'positive feedback received' set with the main contents, linked", PF),
    _r("9", "Manager reviews, comments to the caseworker copied to the Directors and CEO", PF),
    _r("12", "A service complaint really about a decision is treated as a decision complaint", SC),
    _r("13", "Service complaint considered by or passed to the case owner's manager", SC),
    _r("14", "The manager attempts to resolve the service complaint", SC),
    _r("18", "An upheld service complaint is offered an appropriate remedy", SC),
    _r("19", "Learning points and good practice shared with the line manager and organisation", SC, DC),
    _r("35", "Out-of-time request with no reasonable explanation declined, reasons recorded", DC),
    _r("36", "Out-of-time request with a reasonable explanation considered", DC),
    _r("53", "OAT informs the case owner (and their manager if supervised) of the outcome", DC),
    _r("55", "Learning points (or good practice) from the review recorded (Annex A)", DC),
    _r("56", "Learning recorded on the review case and fed back to the case owner's manager", DC),
    _r("58", "An upheld decision's analysis considers and explains the remedy proposed", DC),
    _r("59", "Remedy follows the Principles for Remedy: impact, proportionality, restoration", DC),
    _r(
        "63",
        "Parties told of a proposed new detailed investigation with a summary; agreed under "
        "the Delegation Scheme",
        DC,
        marked="policy and legal",
    ),
    _r("64", "Comments considered; new case opened and sent to shared services as a priority", DC),
    _r("65", "New detailed investigation treated as a priority and its risk reconsidered", DC),
    _r("68", "A proposed quash is raised with the Legal Team with details and reasons", DC),
    _r("69", "The decision to quash is made only by the Ombudsman or a Deputy", DC),
    _r("73", "A new detailed investigation is approved by the Ombudsman or a Deputy", DC),
    _r("74", "The closing letter says the internal complaints process has ended", DC),
    _r("76", "A joint PHSO/LGSCO decision is directed to the Joint Working Team", DC),
]

REGISTRY: dict[str, Requirement] = {r.paragraph: r for r in _ALL}
REQUIREMENTS: dict[str, str] = {r.paragraph: r.statement for r in _ALL}


def requirements_for(kind: Kind) -> list[Requirement]:
    return [r for r in _ALL if kind in r.applies_to]
