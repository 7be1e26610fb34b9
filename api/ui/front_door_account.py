"""Signing in to the front door with an account instead of a link (issue 27): OpenID
Connect with the parties' own provider (GOV.UK One Login, say; authorization code with
PKCE, by Authlib, as for staff). The account says who someone is, never which case is
theirs: that is the back office's binding (api/routes/parties.py). An account bound to
one open case goes straight to it; one bound to several chooses which; one bound to none
is told so, and offered the e-mailed link instead."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.ui.front_door import begin, door
from api.ui.oidc import OAuthError
from api.ui.pages import UiError, checked_form, start_session
from store import front_door
from store.front_door import Party

router = APIRouter(prefix="/me/account", include_in_schema=False)
CHOOSING = timedelta(minutes=10)  # to pick a case, once signed in: then sign in again


def the_provider(request: Request) -> Any:
    client = request.app.state.party_oidc_client
    if client is None:
        raise UiError(404, "Signing in with an account is not set up here. Use the link in our email to you.")
    return client


@router.get("/sign-in")
async def sign_in_with_an_account(request: Request) -> Response:
    provider = the_provider(request)
    return await provider.authorize_redirect(request, str(request.url_for("party_oidc_callback")))  # type: ignore[no-any-return]


@router.get("/callback", name="party_oidc_callback")
async def signed_in_with_an_account(request: Request) -> Response:
    provider = the_provider(request)
    try:
        token = await provider.authorize_access_token(request)
    except OAuthError:
        request.session.clear()
        return door(request, "me_account.html", 401, failed=True)
    # Authlib has checked the ID token: signed by the provider, for us, its issuer the
    # provider's own, this sign-in's nonce.
    claims = token.get("userinfo") or {}
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    found = await asyncio.to_thread(front_door.parties_of_account, request.app.state.engine, issuer, subject)
    if len(found) == 1:
        return await begin(request, found[0][0])
    start_session(request)
    if not found:
        return door(request, "me_account.html", 404)
    request.session["choices"] = [asdict(party) | {"case_ref": ref} for party, ref in found]
    request.session["choices_until"] = (datetime.now(UTC) + CHOOSING).isoformat()
    return RedirectResponse("/me/account/choose", status_code=303)


def choices(request: Request) -> list[dict[str, str]]:
    found = request.session.get("choices")
    until = request.session.get("choices_until")
    if not isinstance(found, list) or not until or datetime.fromisoformat(str(until)) < datetime.now(UTC):
        raise UiError(401, "Sign in again to choose a case.")
    return found


@router.get("/choose")
async def choose_page(request: Request) -> Response:
    return door(request, "me_account.html", cases=choices(request))


@router.post("/choose")
async def choose(request: Request) -> Response:
    found = choices(request)
    form = await checked_form(request)
    picked = next((c for c in found if c["workflow_id"] == form.get("case")), None)
    if picked is None:  # nothing chosen, or a case this account is not bound to
        return door(request, "me_account.html", 422, cases=found, error="Choose which case you want to see")
    return await begin(request, Party(picked["workflow_id"], picked["role"], picked["id"]))
