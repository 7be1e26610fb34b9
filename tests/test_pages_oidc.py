"""Signing in to the people's pages with an identity provider (design.md, "Actors and authority"): OpenID Connect,
authorization code with PKCE (S256), against a small provider run here; the role comes
from a claim, and a token without a known role is refused."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

from activities.settings import Settings
from api.app import create_app
from api.settings import ApiSettings
from api.ui.oidc import OidcSettings
from store.db import migrate
from tests.idp import Provider, idp  # noqa: F401

__all__ = ["idp"]


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
