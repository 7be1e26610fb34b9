"""Every submission is acknowledged the same working day (issue 13, design.md "What the
complainant gets"): a letter listing what arrived (each document's name, size and a short
fingerprint of its SHA-256, and any document named that did not arrive), who holds the
case and what happens next by when. Signals queue what to acknowledge; the case's wait
loop sends it (a signal handler sends nothing itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.models import SYSTEM, Evidence, Submission

if TYPE_CHECKING:
    from workflows.case.core import CaseCore


def received(
    case: CaseCore[Any], what: str, documents: list[Evidence] | None = None, party: str = "service_user"
) -> None:
    """Queue an acknowledgement (if the case's guidance version acknowledges at all)."""
    if not case.guidance.acknowledges_submissions:
        return
    case.state.to_acknowledge.append(
        Submission(what=what, documents=list(documents or []), at=case.now(), party=party)
    )


async def send_acknowledgements(case: CaseCore[Any]) -> bool:
    """Send what is queued, one letter for all; True if one was sent."""
    state = case.state
    if not state.to_acknowledge:
        return False
    items, state.to_acknowledge = state.to_acknowledge, []
    for party in dict.fromkeys(item.party for item in items):
        await _acknowledge(case, [item for item in items if item.party == party], party)
    return True


async def _acknowledge(case: CaseCore[Any], items: list[Submission], party: str) -> None:
    state = case.state
    step = state.awaiting
    context = {
        "items": [
            {
                "what": item.what,
                "documents": [
                    {
                        "name": d.name,
                        "size": d.size,
                        "fingerprint": (d.sha256 or "")[:12],
                        "received": d.received,
                    }
                    for d in item.documents
                ],
            }
            for item in items
        ],
        "held_by": state.owner,
        "next": step.action if step else None,
        "next_by": step.due.isoformat() if step and step.due else None,
    }
    to = case.organisation() if party == "organisation" else case.service_user()
    sent = await case.letter("acknowledgement", to, context=context)
    missing = [d.name for item in items for d in item.documents if not d.received]
    case.record(
        SYSTEM,
        "acknowledged: " + "; ".join(item.what for item in items),
        [],
        f"{sent.key} to {to.id}" + (f"; not received: {', '.join(missing)}" if missing else ""),
    )
