"""Who is asking: a bearer JWT names the actor {id, role} (design.md, "Back-office HTTP
API"). The actor is never taken from the request body. A service user's or
organisation's token is bound to one case (`case` claim)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from pydantic import BaseModel, ValidationError

from domain.enums import Role
from domain.models import Actor

# Roles whose tokens are bound to one case; they see only that case.
BOUND_ROLES = frozenset({Role.SERVICE_USER, Role.ORGANISATION})
STAFF_ROLES = frozenset(r for r in Role if r not in BOUND_ROLES and r is not Role.SYSTEM)
# A stolen token is worth a working day at most (issue 23: `exp` 10^30 was accepted).
MAX_LIFETIME = timedelta(hours=12)
LEEWAY = timedelta(minutes=1)


class Identity(BaseModel):
    actor: Actor
    case: str | None = None

    @property
    def bound(self) -> bool:
        return self.actor.role in BOUND_ROLES

    def may_see(self, case_id: str) -> bool:
        return not self.bound or self.case == case_id


class BadToken(Exception):
    """No token, or one that is not valid: 401."""


def mint(
    secret: str,
    actor: Actor,
    *,
    case: str | None = None,
    audience: str = "reviews",
    lifetime: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """A local HS256 token, for trying the API (`reviews token`)."""
    if actor.role in BOUND_ROLES and not case:
        raise ValueError(f"a {actor.role.value} token is bound to one case: give --case WORKFLOW_ID")
    if lifetime > MAX_LIFETIME:
        raise ValueError(f"a token lasts at most {MAX_LIFETIME.total_seconds() / 3600:g} hours")
    issued = now or datetime.now(UTC)
    claims = {
        "sub": actor.id,
        "role": actor.role.value,
        "aud": audience,
        "iat": issued,
        "exp": issued + lifetime,
    }
    if case:
        claims["case"] = case
    return jwt.encode(claims, secret, algorithm="HS256")


class Verifier:
    """HS256 with the local secret, or RS256/ES256 keys from an identity provider's JWKS."""

    def __init__(self, secret: str | None, audience: str, jwks_url: str | None = None) -> None:
        self.secret = secret
        self.audience = audience
        self.jwks = jwt.PyJWKClient(jwks_url) if jwks_url else None

    def verify(self, header: str | None) -> Identity:
        if not header or not header.lower().startswith("bearer "):
            raise BadToken("a bearer token is required (Authorization: Bearer ...)")
        token = header.split(" ", 1)[1].strip()
        try:
            if self.jwks is not None:
                key = self.jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=["RS256", "ES256"],
                    audience=self.audience,
                    options={"require": ["exp", "sub"]},
                )
            elif self.secret:
                claims = jwt.decode(
                    token,
                    self.secret,
                    algorithms=["HS256"],
                    audience=self.audience,
                    options={"require": ["exp", "sub"]},
                )
            else:
                raise BadToken("no REVIEWS_API_SECRET or REVIEWS_API_JWKS_URL is configured")
        except jwt.ExpiredSignatureError:
            raise BadToken("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise BadToken(f"the token is not for this API (audience {self.audience})") from None
        except jwt.PyJWTError:
            # Not PyJWT's words: they tell a forger what to change.
            raise BadToken("the token is not valid") from None
        expires = claims.get("exp")
        if (
            not isinstance(expires, int | float)
            or expires > (datetime.now(UTC) + MAX_LIFETIME + LEEWAY).timestamp()
        ):
            raise BadToken(f"the token lasts too long: at most {MAX_LIFETIME.total_seconds() / 3600:g} hours")
        try:
            identity = Identity(
                actor=Actor(id=claims["sub"], role=claims.get("role")), case=claims.get("case")
            )
        except ValidationError:
            raise BadToken("the token's role is not one of the system's roles") from None
        if identity.bound and not identity.case:
            raise BadToken(f"a {identity.actor.role.value} token must name its case")
        if identity.actor.role is Role.SYSTEM:
            raise BadToken("the system role is not for tokens")
        return identity
