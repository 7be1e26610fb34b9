"""The back office binds a party of a case to their account at the parties' identity
provider (issue 27: "an identity provider can be used instead … with the party bound to
the case by the back office"). Whoever then signs in there as that account sees that
party's own case at `/me/case`, as a sign-in link would show it, and nothing else.

Only the back office binds: it is what checked the person is the complainant (or speaks
for the organisation). The provider is the one this API is set up with
(`REVIEWS_PARTY_OIDC_METADATA_URL`), so a binding can never name another provider's
account. Each binding and unbinding is in the case's audit trail."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Caller, Store
from api.problems import COMMON, Problem, documented
from domain.enums import Role
from store import front_door

router = APIRouter(tags=["parties"], responses=documented(*COMMON, 403, 404, 409))

PartyRole = Literal["service_user", "organisation"]
# The subject as OpenID Connect sends it: at most 255 ASCII characters, no spaces.
SUBJECT_PATTERN = r"^[\x21-\x7e]{1,255}$"


class Account(BaseModel):
    """The account at the parties' identity provider: its `sub` claim."""

    model_config = ConfigDict(extra="forbid")
    subject: str = Field(
        pattern=SUBJECT_PATTERN, description="The account's `sub` claim, as the provider gives it."
    )


class Bound(BaseModel):
    workflow_id: str
    party: PartyRole
    issuer: str
    subject: str
    bound: bool = Field(description="False if the account was bound to this party already (nothing changed).")


async def issuer_of(request: Request) -> str:
    client = request.app.state.party_oidc_client
    if client is None:
        raise Problem(
            409, "no identity provider for parties is set up here (REVIEWS_PARTY_OIDC_METADATA_URL)"
        )
    try:
        metadata = await client.load_server_metadata()
    except Exception as err:  # the provider cannot be reached now: the caller may retry
        raise Problem(503, f"the parties' identity provider cannot be reached: {err}") from None
    return str(metadata["issuer"])


async def binding_target(
    workflow_id: str, role: PartyRole, request: Request, caller: Caller, store: Store
) -> tuple[front_door.Party, str]:
    """The party of an open case, and the provider set up here; only for the back office."""
    if caller.bound or caller.actor.role is not Role.BACK_OFFICE:
        raise Problem(403, "only the back office binds a party to an account (issue 27)")
    issuer = await issuer_of(request)
    party = await asyncio.to_thread(front_door.party_on, store, workflow_id, role)
    if party is None:
        raise Problem(404, f"no open case {workflow_id}")
    return party, issuer


Target = Annotated[tuple[front_door.Party, str], Depends(binding_target)]


@router.put("/cases/{workflow_id:case}/parties/{role}/account", response_model=Bound)
async def bind(workflow_id: str, role: PartyRole, account: Account, target: Target, caller: Caller,
               store: Store) -> Bound:  # fmt: skip
    """Bind the party to the account; binding it again changes nothing."""
    party, issuer = target
    new = await asyncio.to_thread(front_door.bind_identity, store, party, issuer, account.subject,
                                  str(caller.actor))  # fmt: skip
    return Bound(workflow_id=workflow_id, party=role, issuer=issuer, subject=account.subject, bound=new)


@router.delete("/cases/{workflow_id:case}/parties/{role}/account/{subject}", response_model=Bound)
async def unbind(workflow_id: str, role: PartyRole, subject: Annotated[str, Path(pattern=SUBJECT_PATTERN)],
                 target: Target, caller: Caller, store: Store) -> Bound:  # fmt: skip
    """The account no longer signs in to this party's case (a session already started ends
    with its two hours)."""
    party, issuer = target
    gone = await asyncio.to_thread(
        front_door.unbind_identity, store, party, issuer, subject, str(caller.actor)
    )
    if not gone:
        raise Problem(404, f"that account is not bound to the {role} of {workflow_id}")
    return Bound(workflow_id=workflow_id, party=role, issuer=issuer, subject=subject, bound=False)
