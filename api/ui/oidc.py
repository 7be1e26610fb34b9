"""Signing in with the organisation's identity provider (issue 12): OpenID Connect, the
authorization code flow with PKCE (S256), by Authlib. The person's id, name, role, team
and manager come from the ID token's claims (which claim holds the role is configurable).
Locally, with no provider configured, people choose who they are from the staff list."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # Authlib 1.x warns on import that its httpx module will move; nothing for our users
    # to act on, and it printed on every `reviews` command. It sets its own "always"
    # filter as it loads, so the warning is silenced at the display instead (catch_warnings
    # restores the display after).
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.showwarning = lambda *args, **kwargs: None
    from authlib.integrations.starlette_client import OAuth, OAuthError
    from authlib.oauth2.rfc7523 import PrivateKeyJWT
from pydantic import ValidationError

from domain.staff import Person

__all__ = ["OAuthError", "OidcSettings", "person_from", "provider"]


@dataclass(frozen=True)
class OidcSettings:
    metadata_url: str
    client_id: str
    client_secret: str | None = None
    role_claim: str = "role"
    team_claim: str = "team"
    manager_claim: str = "manager"
    label: str = "GOV.UK One Login"  # what the parties' sign-in button names
    # GOV.UK One Login authenticates its clients by `private_key_jwt` (RFC 7523), not a
    # secret: the PEM file of the key registered with it. And it takes a vector of trust.
    private_key_file: str | None = None
    vtr: str | None = None  # e.g. ["Cl.Cm"]: how sure the sign-in must be

    @classmethod
    def from_env(cls, names: dict[str, str] | None = None) -> OidcSettings | None:
        """Staff's provider (`REVIEWS_OIDC_*`), or with PARTY_ENV the parties' own."""
        names = names or STAFF_ENV
        url = os.environ.get(names["metadata_url"])
        if not url:
            return None
        found = {field: os.environ[name] for field, name in names.items() if os.environ.get(name)}
        return cls(**{"client_id": "reviews"} | found)


# The environment's names for each provider's settings (README, "Configuration").
STAFF_ENV = {
    "metadata_url": "REVIEWS_OIDC_METADATA_URL",
    "client_id": "REVIEWS_OIDC_CLIENT_ID",
    "client_secret": "REVIEWS_OIDC_CLIENT_SECRET",
    "role_claim": "REVIEWS_OIDC_ROLE_CLAIM",
}
PARTY_ENV = {
    "metadata_url": "REVIEWS_PARTY_OIDC_METADATA_URL",
    "client_id": "REVIEWS_PARTY_OIDC_CLIENT_ID",
    "client_secret": "REVIEWS_PARTY_OIDC_CLIENT_SECRET",
    "label": "REVIEWS_PARTY_OIDC_NAME",
    "private_key_file": "REVIEWS_PARTY_OIDC_PRIVATE_KEY_FILE",
    "vtr": "REVIEWS_PARTY_OIDC_VTR",
}


def provider(settings: OidcSettings, name: str = "idp", scope: str = "openid profile") -> Any:
    """A client of the provider. Staff ask for their profile (name, role, team); parties
    only for who they are (`openid email`): their case comes from the back office's binding."""
    oauth = OAuth()
    kwargs: dict[str, Any] = {"scope": scope, "code_challenge_method": "S256"}
    secret: str | None = settings.client_secret
    methods = []
    if settings.private_key_file:
        secret = Path(settings.private_key_file).read_text()
        kwargs["token_endpoint_auth_method"] = "private_key_jwt"
        methods.append(PrivateKeyJWT())  # its audience: the token endpoint it is sent to
    oauth.register(
        name,
        server_metadata_url=settings.metadata_url,
        client_id=settings.client_id,
        client_secret=secret,
        client_kwargs=kwargs,
        client_auth_methods=methods or None,
        authorize_params={"vtr": settings.vtr} if settings.vtr else None,
    )
    return oauth.create_client(name)


def person_from(claims: dict[str, Any], settings: OidcSettings) -> Person:
    """Who signed in, from the ID token; a token without a known role is refused."""
    try:
        return Person(
            id=str(claims.get("preferred_username") or claims["sub"]),
            name=str(claims.get("name") or claims.get("preferred_username") or claims["sub"]),
            role=claims.get(settings.role_claim),
            team=str(claims.get(settings.team_claim) or ""),
            manager=str(claims.get(settings.manager_claim) or ""),
        )
    except (KeyError, ValidationError):
        raise ValueError(
            f"the identity provider gave no known role in the `{settings.role_claim}` claim"
        ) from None
