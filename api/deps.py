"""What each route needs: who is asking, the Temporal client, the store, the evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import Engine

from api.auth import Identity
from api.evidence import EvidenceStore
from api.problems import Problem
from api.settings import ApiSettings
from api.visibility import CaseFacts, facts_in_store, may_see
from domain.staff import Staff
from starter.client import ReviewsClient


def identity(request: Request) -> Identity:
    verifier = request.app.state.verifier
    found: Identity = verifier.verify(request.headers.get("authorization"))
    return found


def reviews(request: Request) -> ReviewsClient:
    client: ReviewsClient | None = request.app.state.reviews
    if client is None:
        raise Problem(503, "Temporal is not reachable yet")
    return client


def engine(request: Request) -> Engine:
    found: Engine = request.app.state.engine
    return found


def evidence(request: Request) -> EvidenceStore:
    found: EvidenceStore = request.app.state.evidence
    return found


def settings(request: Request) -> ApiSettings:
    found: ApiSettings = request.app.state.settings
    return found


def staff(request: Request) -> Staff:
    found: Staff = request.app.state.staff
    return found


# A row's number in a path: the store's integer columns hold no more (a larger one crashed
# SQLite's driver and PostgreSQL alike, found by schemathesis).
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Caller = Annotated[Identity, Depends(identity)]
Reviews = Annotated[ReviewsClient, Depends(reviews)]
Store = Annotated[Engine, Depends(engine)]
Documents = Annotated[EvidenceStore, Depends(evidence)]
Config = Annotated[ApiSettings, Depends(settings)]
Directory = Annotated[Staff, Depends(staff)]


def require_staff(caller: Identity, what: str) -> None:
    """Back-office systems and staff; a complainant's or organisation's token may not."""
    if caller.bound:
        raise Problem(403, f"a {caller.actor.role.value} token may not {what}")


def require_case(caller: Identity, case_id: str) -> None:
    """A bound token sees only its own case; any other is, to it, not there (404)."""
    if not caller.may_see(case_id):
        raise Problem(404, f"no case {case_id} for this token")


def require_visible(caller: Identity, case: CaseFacts, directory: Staff) -> None:
    """The staff view of a case, for whoever the visibility rule lets see it; to anyone
    else, and to every party's token, there is no such case (404: design.md)."""
    if not may_see(caller, case, directory):
        raise Problem(404, f"no case {case.workflow_id} for this token")


def require_readable(caller: Identity, workflow_id: str, engine: Engine, directory: Staff) -> None:
    """Letters and the like: a party reads its own case's (its own letters only, filtered
    by the route); staff by the visibility rule, judged on the store's record of the case."""
    if caller.bound:
        require_case(caller, workflow_id)
        return
    found = facts_in_store(engine, [workflow_id])
    require_visible(caller, found[0] if found else CaseFacts(workflow_id), directory)
