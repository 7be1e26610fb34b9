"""An OpenID Connect provider run here, for the tests of signing in with one (staff: issue
12; parties: issue 27): authorization code with PKCE (S256), RS256 ID tokens, one user
whose claims a test sets."""

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
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

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
        # A client registered with a public key must prove itself with a signed assertion
        # (`private_key_jwt`, as GOV.UK One Login asks); what each sign-in asked and proved.
        self.client_keys: dict[str, Any] = {}
        self.asked: list[dict[str, str]] = []
        self.proved: list[str] = []
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
            self.asked.append(dict(q))
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
        async def token(
            code: str = Form(...), code_verifier: str = Form(...), client_assertion: str | None = Form(None)
        ) -> JSONResponse:
            grant = self.codes.pop(code, None)
            key = self.client_keys.get(grant["client"]) if grant else None
            if key is not None:  # RFC 7523: signed by the client's key, for this endpoint, once
                try:
                    proof = jwt.decode(client_assertion or "", key, algorithms=["RS256"],
                                       audience=f"{self.url}/token")  # fmt: skip
                except jwt.PyJWTError:
                    return JSONResponse({"error": "invalid_client"}, status_code=401)
                if proof["iss"] != grant["client"] or proof["sub"] != grant["client"] or not proof.get("jti"):  # type: ignore[index]
                    return JSONResponse({"error": "invalid_client"}, status_code=401)
                self.proved.append(proof["jti"])
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
