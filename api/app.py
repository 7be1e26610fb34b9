"""The ASGI app: `create_app()` for `reviews api` and `reviews dev`, and for tests with a
client of their own."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from api import problems
from api.auth import Verifier
from api.evidence import EvidenceStore
from api.headers import CodecCors, SecurityHeaders
from api.limits import Limits
from api.routes import cases, codec, documents, health, me, parties, records
from api.settings import ApiSettings
from api.ui import allocation, assets, front_door, front_door_account, pages
from api.ui.oidc import PARTY_ENV, OidcSettings, provider
from domain.policy import load_policy
from domain.staff import Staff
from starter.client import ReviewsClient, connect
from starter.codec import codec_from_env
from store.db import make_engine, migrate

API_DOCS = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>reviews: back-office API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><main id="swagger-ui"></main>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/ui/static/docs.js"></script>
</body></html>"""


def create_app(
    settings: ApiSettings | None = None,
    client: Client | None = None,
    codec_server: PayloadCodec | None | bool = True,
    codec_open: bool = False,
    staff_file: str | Path | None = None,
    web_ui_url: str | None = None,
    secure_cookies: bool = False,
    local_sign_in: bool = False,
    sign_in_from_anywhere: bool = False,
    allowed_hosts: tuple[str, ...] | list[str] | None = None,
    oidc_settings: OidcSettings | None = None,
    party_oidc_settings: OidcSettings | None = None,
) -> FastAPI:
    """`client`: a connected Temporal client (else one is made from the settings at start);
    `codec_server`: the codec the /codec routes use (True: from the environment);
    `codec_open`: serve /codec without a token (only `reviews dev`, on loopback)."""
    config = settings or ApiSettings.from_env()
    config.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(config.store.database_url)
        if app.state.reviews is None:
            try:
                temporal = await connect(
                    config.temporal_address, config.namespace, database_url=config.store.database_url
                )
                app.state.reviews = ReviewsClient(
                    temporal, config.task_queue, store_url=config.store.database_url
                )
            except RuntimeError:
                app.state.reviews = None  # /ready says so; routes answer 503
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="reviews: back-office API",
        version="1",
        description="Open and feed review and feedback cases; every request carries a bearer token.",
        lifespan=lifespan,
        docs_url=None,  # served below from swagger-ui-dist, never a CDN
        redoc_url=None,
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS)

    app.state.settings = config
    # How the public reaches us, as every public letter says it (the policy's office).
    app.state.office = load_policy(config.store.policy_file).office
    app.state.verifier = Verifier(config.secret, config.audience, config.jwks_url)
    app.state.reviews = (
        ReviewsClient(client, config.task_queue, store_url=config.store.database_url)
        if client is not None
        else None
    )
    app.state.engine = make_engine(config.store.database_url)
    app.state.evidence = EvidenceStore(
        config.evidence_dir, config.evidence_max_bytes, scan=config.evidence_scan
    )
    app.state.codec = (
        codec_from_env(config.store.database_url) if codec_server is True else (codec_server or None)
    )
    app.state.codec_open = codec_open
    app.add_middleware(CodecCors, origins=list(config.ui_origins))
    problems.install(app)
    # Routes under /cases/{id}/... before /cases/{id} itself (ids may hold a slash).
    for router in (health.router, records.router, documents.router, parties.router, cases.router, codec.router,
                   me.router):  # fmt: skip
        app.include_router(router)
    # The people's pages: a signed, HttpOnly, SameSite session cookie (issue 12).
    app.state.staff = Staff.load(staff_file)
    oidc = oidc_settings if oidc_settings is not None else OidcSettings.from_env()
    app.state.oidc_settings = oidc
    app.state.oidc_client = provider(oidc) if oidc else None
    # The parties' own provider, if any (issue 27): GOV.UK One Login, say, beside the links.
    party_oidc = party_oidc_settings or OidcSettings.from_env(PARTY_ENV)
    app.state.party_oidc_settings = party_oidc
    app.state.party_oidc_client = provider(party_oidc, "party_idp", "openid email") if party_oidc else None
    app.state.web_ui_url = web_ui_url
    app.state.local_sign_in = local_sign_in  # the staff list, from this machine only
    app.state.sign_in_from_anywhere = sign_in_from_anywhere  # `--insecure-staff-list-sign-in`
    app.add_middleware(
        SessionMiddleware,
        # Its own secret: whoever holds the token secret cannot forge a session (issue 23).
        secret_key=config.session_secret or secrets.token_urlsafe(32),
        session_cookie="reviews_session",
        same_site="lax",
        https_only=secure_cookies,
        max_age=pages.SESSION_HOURS * 3600,
    )
    app.mount(
        "/ui/static", StaticFiles(directory=str(Path(pages.__file__).with_name("static"))), name="ui-static"
    )
    assets.mount(app)
    app.include_router(pages.router)
    app.include_router(allocation.router)
    app.include_router(front_door.router)
    app.include_router(front_door_account.router)
    pages.install(app)
    front_door.install(app)
    # Outermost: the host asked for, who is asking and how much they send, before anything
    # reads the body; every answer carries the security headers.
    app.add_middleware(
        Limits,
        verifier=app.state.verifier,
        evidence_max_bytes=config.evidence_max_bytes,
        engine=app.state.engine,
    )
    hosts = list(allowed_hosts or config.allowed_hosts)
    if hosts:  # a foreign Host (DNS rebinding) is answered 400, never a case
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    app.add_middleware(SecurityHeaders)
    return app
