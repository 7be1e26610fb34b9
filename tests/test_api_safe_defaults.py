"""Safe as shipped (issue 23, items 2 and 8): each test is one thing the security review
reproduced against `reviews dev` or the compose settings."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import itsdangerous
import jwt
import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from domain.enums import Role
from domain.models import Actor
from starter.cli import app as cli
from starter.cli import harmless
from starter.codec import new_key
from store.db import migrate
from tests.conftest import settings_in

SECRET = "safe-defaults-secret-" + "x" * 32
SESSION = "session-secret-" + "y" * 32


def app_in(tmp_path: Path, **options: object) -> httpx.AsyncClient:
    settings = ApiSettings(store=settings_in(tmp_path), secret=SECRET, session_secret=SESSION)
    migrate(settings.store.database_url)
    app = create_app(settings, codec_server=False, **options)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


def remote(tmp_path: Path, **options: object) -> httpx.AsyncClient:
    settings = ApiSettings(store=settings_in(tmp_path), secret=SECRET, session_secret=SESSION)
    app = create_app(settings, codec_server=False, **options)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")


def csrf_of(page: httpx.Response) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


async def test_nobody_signs_in_from_the_staff_list_unless_it_is_their_own_machine(tmp_path: Path) -> None:
    """Reproduced: as compose ran the API, POST /ui/login person=omb signed in as the Ombudsman."""
    async with app_in(tmp_path) as http:  # the API as a deployment runs it: no local sign-in
        login = await http.get("/ui/login")
        assert (
            login.status_code == 403 and "identity provider" in login.text and 'value="omb"' not in login.text
        )
        assert (await http.post("/ui/login", data={"person": "omb"})).status_code == 403
    async with remote(tmp_path, local_sign_in=True) as http:  # the list, but asked from elsewhere
        assert (await http.get("/ui/login")).status_code == 403
    async with app_in(tmp_path, local_sign_in=True) as http:  # `reviews dev`, on loopback
        login = await http.get("/ui/login")
        assert login.status_code == 200 and 'id="person-omb"' in login.text


async def test_a_session_signed_out_of_is_over_even_if_its_cookie_is_replayed(tmp_path: Path) -> None:
    async with app_in(tmp_path, local_sign_in=True) as http:
        signed = await http.post(
            "/ui/login", data={"person": "cw-alice", "csrf": csrf_of(await http.get("/ui/login"))}
        )
        assert signed.status_code == 303
        kept = http.cookies.get("reviews_session")
        tasks = await http.get("/ui/tasks")
        out = await http.post("/ui/logout", data={"csrf": csrf_of(tasks)})
        assert out.status_code == 303
        http.cookies.set("reviews_session", kept or "")
        replayed = await http.get("/ui/tasks")
        assert replayed.status_code == 303 and replayed.headers["location"] == "/ui/login"


async def test_the_session_is_not_signed_with_the_token_secret(tmp_path: Path) -> None:
    """Reproduced: whoever held REVIEWS_API_SECRET could forge a session cookie."""
    forged = itsdangerous.TimestampSigner(SECRET).sign(
        base64.b64encode(json.dumps({"person": "omb", "sid": "x", "csrf": "x"}).encode())
    )
    async with app_in(tmp_path, local_sign_in=True) as http:
        http.cookies.set("reviews_session", forged.decode())
        assert (await http.get("/ui/tasks")).status_code == 303  # not signed in


async def test_every_answer_carries_the_security_headers_and_cors_is_only_for_the_codec(
    tmp_path: Path,
) -> None:
    async with app_in(tmp_path, local_sign_in=True) as http:
        for path in ("/health", "/ui/login", "/cases/x"):
            answer = await http.get(path)
            csp = answer.headers["content-security-policy"]
            assert (
                "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
            )
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "no-referrer"
        preflight = {"Origin": "http://localhost:8233", "Access-Control-Request-Method": "POST"}
        cases = await http.options("/cases", headers=preflight)
        assert "access-control-allow-origin" not in cases.headers
        codec = await http.options("/codec/decode", headers=preflight)
        assert codec.headers["access-control-allow-origin"] == "http://localhost:8233"


async def test_a_foreign_host_is_refused(tmp_path: Path) -> None:
    """Reproduced: with no Host check, DNS rebinding read a case through a foreign Host."""
    async with app_in(tmp_path, allowed_hosts=["127.0.0.1", "localhost"]) as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/health", headers={"Host": "rebind.evil.example"})).status_code == 400


def test_secrets_anyone_could_guess_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        create_app(ApiSettings(store=settings_in(tmp_path), secret="a"), codec_server=False)
    with pytest.raises(ValueError, match="REVIEWS_SESSION_SECRET"):
        create_app(
            ApiSettings(store=settings_in(tmp_path), secret=SECRET, session_secret="short"),
            codec_server=False,
        )


async def test_tokens_last_at_most_12_hours(tmp_path: Path) -> None:
    actor = Actor(id="cw-alice", role=Role.CASEWORKER)
    with pytest.raises(ValueError, match="at most 12 hours"):
        mint(SECRET, actor, lifetime=timedelta(hours=800000))
    forever = jwt.encode(
        {"sub": "cw-alice", "role": "caseworker", "aud": "reviews", "exp": 10**30}, SECRET, algorithm="HS256"
    )
    day = jwt.encode({"sub": "cw-alice", "role": "caseworker", "aud": "reviews",
                      "exp": datetime.now(UTC) + timedelta(hours=24)}, SECRET, algorithm="HS256")  # fmt: skip
    async with app_in(tmp_path) as http:
        for token in (forever, day):
            answer = await http.get("/tasks", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401 and "at most 12 hours" in answer.json()["detail"]
        tampered = mint(SECRET, actor)[:-3] + "abc"
        bad = await http.get("/tasks", headers={"Authorization": f"Bearer {tampered}"})
        assert (
            bad.status_code == 401 and bad.json()["detail"] == "the token is not valid"
        )  # not PyJWT's words
    runner = CliRunner()
    for hours in ("800000", "1e8"):
        done = runner.invoke(cli, ["token", "--as", "cw-alice:caseworker", "--hours", hours],
                             env={"REVIEWS_API_SECRET": SECRET})  # fmt: skip
        assert done.exit_code == 2 and "Traceback" not in done.output, done.output


def test_the_api_refuses_to_listen_beyond_loopback_with_the_staff_list_sign_in(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        cli, ["api", "--host", "0.0.0.0", "--data-dir", str(tmp_path)], env={"REVIEWS_API_SECRET": SECRET}
    )
    assert done.exit_code == 2 and "REVIEWS_OIDC_METADATA_URL" in done.output


async def test_queries_and_duplicate_keys_are_the_callers_errors_not_500s(
    tmp_path: Path, env: WorkflowEnvironment
) -> None:
    staff = {"Authorization": "Bearer " + mint(SECRET, Actor(id="omb", role=Role.OMBUDSMAN))}
    async with app_in(tmp_path, client=env.client) as http:
        odd = await http.get("/cases", params={"stage": "x\\"}, headers=staff)
        assert odd.status_code == 422 and "stage" in odd.json()["detail"]
        dup = await http.post("/cases", content=b'{"kind": "decision_complaint", "kind": "service_complaint"}',
                              headers=staff | {"Content-Type": "application/json"})  # fmt: skip
        assert dup.status_code == 400 and "kind more than once" in dup.json()["detail"]


async def test_a_tampered_ciphertext_is_a_422(tmp_path: Path) -> None:
    from starter.codec import ENCODING, KEY_ID, EncryptionCodec, parse_keys

    codec = EncryptionCodec(parse_keys(new_key("k1")))
    settings = ApiSettings(store=settings_in(tmp_path), secret=SECRET, session_secret=SESSION)
    app = create_app(settings, codec_server=codec)
    staff = {"Authorization": "Bearer " + mint(SECRET, Actor(id="omb", role=Role.OMBUDSMAN))}
    payload = {"metadata": {"encoding": base64.b64encode(ENCODING).decode(),
                            KEY_ID: base64.b64encode(b"k1").decode()},
               "data": base64.b64encode(b"n" * 40).decode()}  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as http:
        answer = await http.post("/codec/decode", json={"payloads": [payload]}, headers=staff)
    assert answer.status_code == 422


def test_the_cli_prints_a_complainants_text_without_its_escape_sequences() -> None:
    shown = harmless({"history": [{"detail": "hello \x1b[2J\x1b]0;pwned\x07 [bold red]x[/bold red]"}]})
    text = shown["history"][0]["detail"]
    assert "\x1b" not in text and "\x07" not in text and "\\[bold red]" in text


def test_the_data_folder_and_its_secrets_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reproduced: the data folder (store, evidence, letters, secrets) was world-readable."""
    import stat

    from api.settings import ensure_secret

    monkeypatch.delenv("REVIEWS_API_SECRET", raising=False)
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    secret = ensure_secret(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "api-secret").stat().st_mode) == 0o600
    assert len(secret) >= 32 and ensure_secret(folder) == secret  # made once, then read back
