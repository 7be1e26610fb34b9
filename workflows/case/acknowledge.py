"""Every submission is acknowledged the same working day (issue 13, design.md "What the
complainant gets"): a letter listing what arrived (each document's name, size and a short
fingerprint of its SHA-256, and any document named that did not arrive), who holds the
case and what happens next by when. Signals queue what to acknowledge; the case's wait
loop sends it (a signal handler sends nothing itself)."""

from __future__ import annotations

from datetime import datetime, timedelta
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


def hold_ends(case: CaseCore[Any], party: str) -> datetime | None:
    """While a party's batch is open, what it sends waits for it (guidance v6: several
    uploads a few minutes apart get one letter, not one each; issue 23): until
    `acknowledgement_batch_minutes` after its last acknowledgement; None if not held."""
    last = case.state.last_acknowledged.get(party)
    if last is None or not case.guidance.batches_acknowledgements:
        return None
    until = last + timedelta(minutes=case.rules.acknowledgement_batch_minutes)
    return until if until > case.now() else None


def held_until(case: CaseCore[Any]) -> datetime | None:
    """When the first batch held now closes (the case wakes then to send it)."""
    ends = [e for party in {i.party for i in case.state.to_acknowledge} if (e := hold_ends(case, party))]
    return min(ends) if ends else None


async def send_acknowledgements(case: CaseCore[Any], *, closing: bool = False) -> bool:
    """Send what is queued, one letter per party for all it sent; True if one was sent. A
    party's batch still open keeps its items for later, unless the case is closing."""
    state = case.state
    ready = [i for i in state.to_acknowledge if closing or hold_ends(case, i.party) is None]
    if not ready:
        return False
    state.to_acknowledge = [i for i in state.to_acknowledge if i not in ready]
    for party in dict.fromkeys(item.party for item in ready):
        await _acknowledge(case, [item for item in ready if item.party == party], party)
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
        # A date already past is never given as "due by" (issue 25): the letter says the
        # step is late and that we are chasing it instead.
        "next_by": step.due.isoformat() if step and step.due and step.due >= case.today() else None,
        "next_late": bool(step and step.due and step.due < case.today()),
        # What this party still owes us, and by when (design.md: an acknowledgement sent
        # while a step is owed by the complainant says so).
        "owed": step.action if step and step.actor_role == party else None,
        "owed_by": step.due.isoformat() if step and step.due and step.actor_role == party else None,
        "about_service": state.kind.value == "service_complaint",
    }
    to = case.organisation() if party == "organisation" else case.service_user()
    sent = await case.letter("acknowledgement", to, context=context)
    state.last_acknowledged[party] = case.now()
    missing = [d.name for item in items for d in item.documents if not d.received]
    case.record(
        SYSTEM,
        "acknowledged: " + "; ".join(item.what for item in items),
        [],
        f"{sent.key} to {to.id}" + (f"; not received: {', '.join(missing)}" if missing else ""),
    )
