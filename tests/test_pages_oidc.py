"""Signing in to the people's pages with an identity provider (design.md, "Actors and authority"): OpenID Connect,
authorization code with PKCE (S256), against a small provider run here; the role comes
from a claim, and a token without a known role is refused."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from activities.settings import Settings
from api.app import create_app
from api.settings import ApiSettings
from api.ui.oidc import OidcSettings
from store.db import migrate

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """An identity provider with one user whose claims a test sets."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.claims: dict[str, Any] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.app = self.build()
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    def build(self) -> FastAPI:
        app = FastAPI()
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())) | {
            "kid": "k1",
            "use": "sig",
            "alg": "RS256",
        }

        @app.get("/.well-known/openid-configuration")
        async def metadata() -> dict[str, Any]:
            return {
                "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            }  # fmt: skip

        @app.get("/jwks")
        async def keys() -> dict[str, Any]:
            return {"keys": [public]}

        @app.get("/authorize")
        async def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            assert q["code_challenge_method"] == "S256" and q["response_type"] == "code"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "challenge": q["code_challenge"],
                "nonce": q.get("nonce", ""),
                "client": q["client_id"],
            }
            return RedirectResponse(
                f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", status_code=302
            )

        @app.post("/token")
        async def token(code: str = Form(...), code_verifier: str = Form(...)) -> JSONResponse:
            grant = self.codes.pop(code, None)
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if grant is None or digest != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            now = datetime.now(UTC)
            claims = {"iss": self.url, "aud": grant["client"], "iat": now, "exp": now + timedelta(minutes=5),
                      "nonce": grant["nonce"]} | self.claims  # fmt: skip
            id_token = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})
            return JSONResponse(
                {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
            )

        return app


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    provider = Provider()
    provider.thread.start()
    for _ in range(100):
        try:
            httpx.get(f"{provider.url}/jwks", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield provider
    provider.server.should_exit = True


async def sign_in_through(idp: Provider, tmp_path: Path) -> httpx.Response:
    store = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'r.db'}", smtp_url=None, policy_file=None
    )
    migrate(store.database_url)
    oidc = OidcSettings(
        metadata_url=f"{idp.url}/.well-known/openid-configuration", client_id="reviews", client_secret="s3"
    )
    app = create_app(
        ApiSettings(store=store, secret="ui-" + "k" * 40), codec_server=False, oidc_settings=oidc
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reviews") as ours:
        to_idp = await ours.get("/ui/login")
        assert to_idp.status_code == 302 and to_idp.headers["location"].startswith(f"{idp.url}/authorize")
        assert parse_qs(urlparse(to_idp.headers["location"]).query)["code_challenge_method"] == ["S256"]
        async with httpx.AsyncClient() as browser:
            back = await browser.get(to_idp.headers["location"])
        assert back.status_code == 302
        callback = urlparse(back.headers["location"])
        signed = await ours.get(f"{callback.path}?{callback.query}")
        if signed.status_code != 303:
            return signed
        return await ours.get("/ui/tasks")


async def test_a_person_signs_in_with_the_identity_provider(idp: Provider, tmp_path: Path) -> None:
    idp.claims = {
        "sub": "u-123",
        "preferred_username": "om-bob",
        "name": "Bob Ellis",
        "role": "operations_manager",
        "team": "casework-north",
    }
    tasks = await sign_in_through(idp, tmp_path)
    assert tasks.status_code == 200
    assert "Bob Ellis, Operations manager" in tasks.text and "My team" in tasks.text


async def test_a_token_without_a_known_role_is_refused(idp: Provider, tmp_path: Path) -> None:
    idp.claims = {"sub": "u-9", "name": "Someone", "role": "visitor"}
    refused = await sign_in_through(idp, tmp_path)
    assert refused.status_code == 401
    assert "no known role in the `role` claim" in refused.text
