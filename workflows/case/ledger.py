"""The compliance ledger of a case (design.md): every (Policy/Legal requirement)
paragraph it reaches, met or not, with the audited event that met it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import ledger as ledger_rules
    from domain.models import SYSTEM, LedgerEntry

S = TypeVar("S", bound="CaseState")

if TYPE_CHECKING:
    from domain.models import Actor
    from domain.state import CaseState


class Ledger(Generic[S]):
    """Mixed into CaseCore: reaching, meeting and settling requirements."""

    state: S

    if TYPE_CHECKING:  # the host's (CaseCore), declared for the type checker only

        def now(self) -> Any: ...

    def record(
        self, actor: Actor | str, action: str, paragraphs: list[str] | None = None, detail: str = ""
    ) -> None: ...

    def reach(self, paragraph: str, evidence: str = "", *, met: bool = True) -> None:
        """The case has reached a (Policy/Legal requirement) paragraph; met now or not.
        Meeting a requirement is itself an audited event, and the ledger points at it."""
        entry = self.state.ledger.get(paragraph)
        if entry is None:
            entry = LedgerEntry(paragraph=paragraph, requirement=ledger_rules.REQUIREMENTS[paragraph])
            self.state.ledger[paragraph] = entry
        entry.applies = True
        if entry.satisfied_at is not None:
            return
        self.record(
            SYSTEM, f"requirement {'met' if met else 'not met'}: para {paragraph}", [paragraph], evidence
        )
        if met:
            entry.satisfied_at = self.now()
        entry.evidence = evidence
        entry.state = "met" if met else "unmet"
        entry.event = len(self.state.history) - 1

    def settle_ledger(self) -> None:
        """At closing: what was reached and not met is unmet; the rest of this kind's
        requirements did not apply on the path the case took."""
        outcome = self.state.outcome.value if self.state.outcome else ""
        for requirement in ledger_rules.requirements_for(self.state.kind):
            if requirement.paragraph not in self.state.ledger:
                self.state.ledger[requirement.paragraph] = LedgerEntry(
                    paragraph=requirement.paragraph,
                    requirement=requirement.statement,
                    applies=False,
                    state="not_applicable",
                    evidence=f"not on this case's path (closed {outcome})",
                )
        for entry in self.state.ledger.values():
            if entry.applies and entry.satisfied_at is None:
                entry.state = "unmet"

    def ledger_unmet(self) -> list[str]:
        return sorted(
            (p for p, e in self.state.ledger.items() if e.applies and e.satisfied_at is None), key=int
        )
