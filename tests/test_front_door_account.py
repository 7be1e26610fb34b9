"""The front door with an account instead of a link (issue 27: "an identity provider can
be used instead … with the party bound to the case by the back office"): the back office
binds a party to an account at the parties' provider (run here: OpenID Connect, code with
PKCE); signing in there opens that party's own case, a choice of cases for an account
bound to several, and a plain "we cannot find your case" for one bound to none. Only the
back office binds, only that provider's accounts, and every binding is audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from activities.settings import Settings
from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from api.ui.oidc import OidcSettings
from domain.models import Actor
from domain.policy import load_policy
from starter.client import ReviewsClient
from store.db import make_engine, migrate
from store.models import AuditRow
from tests.conftest import decision_case, today
from tests.idp import Provider, idp  # noqa: F401
from tests.live import LiveApi
from tests.test_front_door import plain_and_accessible
from tests.test_pages import browser_page

__all__ = ["idp"]


@pytest.fixture(scope="module")
def live(
    server: WorkflowEnvironment, idp: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    party_provider = OidcSettings(
        metadata_url=f"{idp.url}/.well-known/openid-configuration", client_id="front-door", client_secret="s4"
    )
    api = LiveApi(server.client.service_client.config.target_host, tmp_path_factory.mktemp("account"),
                  party_oidc=party_provider)  # fmt: skip
    api.start()
    yield api
    api.close()


def token(live: LiveApi, who: str, role: str, case: str | None = None) -> dict[str, str]:
    return {
        "authorization": f"Bearer {mint(live.settings.secret or '', Actor(id=who, role=role), case=case)}"
    }


async def a_case(server: WorkflowEnvironment, live: LiveApi, **extra: Any) -> tuple[str, str]:
    reviews = ReviewsClient(server.client, live.settings.task_queue)
    ref = f"C-ACC-{uuid.uuid4().hex[:4]}"
    case = decision_case(ref, decided_on=await today(server)) | extra
    wid = await reviews.open("decision_complaint", case)
    await reviews.send(
        wid, "case_owner_resolution", {"id": "cw-alice", "role": "caseworker"}, {"resolved": False}
    )
    return wid, ref


def bind(
    live: LiveApi, wid: str, role: str, subject: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.put(f"{live.url}/cases/{wid}/parties/{role}/account", json={"subject": subject},
                     headers=headers or token(live, "bo-crm", "back_office"))  # fmt: skip


def sign_in(browser: httpx.Client, idp: Provider, subject: str) -> httpx.Response:
    """Through the provider, as a person's browser goes: our page, theirs, and back."""
    idp.claims = {"sub": subject, "email": f"{subject}@example.org", "email_verified": True}
    to_idp = browser.get("/me/account/sign-in")
    assert to_idp.status_code == 302 and to_idp.headers["location"].startswith(f"{idp.url}/authorize")
    back = httpx.get(to_idp.headers["location"])
    callback = urlparse(back.headers["location"])
    return browser.get(f"{callback.path}?{callback.query}")


async def test_a_complainant_bound_by_the_back_office_signs_in_with_their_account(
    server: WorkflowEnvironment, live: LiveApi, idp: Provider
) -> None:
    first, first_ref = await a_case(server, live)
    second, second_ref = await a_case(server, live)
    subject = f"urn:fdc:gov.uk:2022:{uuid.uuid4().hex}"
    made = bind(live, first, "service_user", subject)
    assert made.status_code == 200 and made.json()["bound"] is True and made.json()["issuer"] == idp.url
    assert bind(live, first, "service_user", subject).json()["bound"] is False  # again: nothing changes
    with httpx.Client(base_url=live.url) as browser:
        assert "Sign in with GOV.UK One Login" in browser.get("/me/sign-in").text
        arrived = sign_in(browser, idp, subject)
        assert arrived.status_code == 303 and arrived.headers["location"] == "/me/case"
        mine = browser.get("/me/case", headers={"accept": "text/html"})
        assert mine.status_code == 200 and first_ref in mine.text and second_ref not in mine.text
        # Bound to two open cases: they choose; a case not among theirs is not offered, nor taken.
        bind(live, second, "service_user", subject)
        assert sign_in(browser, idp, subject).headers["location"] == "/me/account/choose"
        choosing = browser.get("/me/account/choose")
        assert first_ref in choosing.text and second_ref in choosing.text
        csrf = choosing.text.split('name="csrf" value="')[1].split('"')[0]
        other, _ = await a_case(server, live)
        forged = browser.post("/me/account/choose", data={"csrf": csrf, "case": other})
        assert forged.status_code == 422 and "Choose which case you want to see" in forged.text
        assert browser.get("/me/case", headers={"accept": "text/html"}).headers["location"] == "/me/sign-in"
        chosen = browser.post("/me/account/choose", data={"csrf": csrf, "case": second})
        assert chosen.headers["location"] == "/me/case"
        assert second_ref in browser.get("/me/case", headers={"accept": "text/html"}).text
    # Unbound from the first, the account goes straight to the second.
    gone = httpx.delete(f"{live.url}/cases/{first}/parties/service_user/account/{subject}",
                        headers=token(live, "bo-crm", "back_office"))  # fmt: skip
    assert gone.status_code == 200
    with httpx.Client(base_url=live.url) as browser:
        assert sign_in(browser, idp, subject).headers["location"] == "/me/case"
        assert second_ref in browser.get("/me/case", headers={"accept": "text/html"}).text
    # Each binding and unbinding is in the case's audit trail, with who did it.
    with Session(make_engine(live.settings.store.database_url)) as session:
        said = [
            (r.actor, r.action)
            for r in session.scalars(select(AuditRow).where(AuditRow.workflow_id == first))
        ]
    assert ("bo-crm (back_office)", f"service_user's account at {idp.url} bound to the case") in said
    assert ("bo-crm (back_office)", f"service_user's account at {idp.url} no longer bound") in said


async def test_an_account_bound_to_no_case_sees_none_and_only_the_back_office_binds(
    server: WorkflowEnvironment, live: LiveApi, idp: Provider
) -> None:  # design.md, "The trust boundary"
    wid, _ = await a_case(server, live, reasonable_adjustments=[{"kind": "large_print"}])
    with httpx.Client(base_url=live.url) as browser:
        nothing = sign_in(browser, idp, "someone-else")
        assert nothing.status_code == 404 and "We cannot find your case" in nothing.text
        assert f"phone us on {load_policy().office.phone} and give your case reference" in nothing.text
        assert browser.get("/me/case", headers={"accept": "text/html"}).headers["location"] == "/me/sign-in"
        assert browser.get("/me/account/choose").status_code == 401  # nothing to choose from
    assert bind(live, wid, "service_user", "x", token(live, "cw-alice", "caseworker")).status_code == 403
    assert bind(live, wid, "service_user", "x", token(live, "su-1", "service_user", wid)).status_code == 403
    assert bind(live, wid, "service_user", "x", token(live, "org-1", "organisation", wid)).status_code == 403
    assert bind(live, wid, "ombudsman", "x").status_code == 422  # parties only
    assert bind(live, wid, "service_user", "has a space").status_code == 422
    assert bind(live, wid, "service_user", "s" * 256).status_code == 422
    assert bind(live, wid, "service_user", "").status_code == 422
    assert bind(live, f"{wid}-not-there", "service_user", "x").status_code == 404
    smuggled = httpx.put(f"{live.url}/cases/{wid}/parties/service_user/account",
                         json={"subject": "x", "issuer": "https://elsewhere.example"},
                         headers=token(live, "bo-crm", "back_office"))  # fmt: skip
    assert smuggled.status_code == 422  # the provider is ours alone: no other issuer is taken
    not_bound = httpx.delete(f"{live.url}/cases/{wid}/parties/service_user/account/nobody",
                             headers=token(live, "bo-crm", "back_office"))  # fmt: skip
    assert not_bound.status_code == 404
    # The organisation's account opens the organisation's side of the case, not the complainant's.
    bind(live, wid, "organisation", "org-account")
    with httpx.Client(base_url=live.url) as browser:
        assert sign_in(browser, idp, "org-account").headers["location"] == "/me/case"
        page = browser.get("/me/case", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Large print" not in page.text  # the complainant's adjustments
    bind(live, wid, "service_user", "su-account")
    with httpx.Client(base_url=live.url) as browser:
        sign_in(browser, idp, "su-account")
        assert "Large print" in browser.get("/me/case", headers={"accept": "text/html"}).text  # theirs


@pytest.mark.parametrize("width", [390, 1280])
async def test_the_account_pages_read_plainly(
    server: WorkflowEnvironment, live: LiveApi, idp: Provider, width: int
) -> None:
    subject = f"person-{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        wid, _ = await a_case(server, live)
        bind(live, wid, "service_user", subject)
    async with browser_page(width, 900) as page:
        await page.goto(f"{live.url}/me/sign-in")
        await plain_and_accessible(page, "account-sign-in", width)
        idp.claims = {"sub": subject}
        await page.get_by_role("button", name="Sign in with GOV.UK One Login").click()
        await page.wait_for_url("**/me/account/choose")
        await plain_and_accessible(page, "account-choose", width)
        await page.get_by_role("button", name="Continue").click()
        await page.locator(".govuk-error-summary").get_by_role("link", name="Choose which case").wait_for()
        await plain_and_accessible(page, "account-choose-error", width)
        await page.locator("#case").check()
        await page.get_by_role("button", name="Continue").click()
        await page.wait_for_url("**/me/case")
        idp.claims = {"sub": "nobody-at-all"}
        await page.goto(f"{live.url}/me/account/sign-in")
        await page.get_by_role("heading", name="We cannot find your case").wait_for()
        await plain_and_accessible(page, "account-none", width)


async def test_without_a_provider_for_parties_there_is_no_account_sign_in(tmp_path: Path) -> None:
    store = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'r.db'}", smtp_url=None,
                     policy_file=None)  # fmt: skip
    migrate(store.database_url)
    app = create_app(ApiSettings(store=store, secret="s-" + "k" * 40), codec_server=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reviews") as ours:
        assert "Sign in with" not in (await ours.get("/me/sign-in")).text
        assert (await ours.get("/me/account/sign-in")).status_code == 404
        bo = {"authorization": f"Bearer {mint('s-' + 'k' * 40, Actor(id='bo', role='back_office'))}"}
        refused = await ours.put("/cases/C-1/parties/service_user/account", json={"subject": "x"}, headers=bo)
        assert refused.status_code == 409 and "REVIEWS_PARTY_OIDC_METADATA_URL" in refused.text


async def test_the_parties_provider_is_read_from_the_environment(
    idp: Provider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # README, "Configuration"
    monkeypatch.setenv("REVIEWS_PARTY_OIDC_METADATA_URL", f"{idp.url}/.well-known/openid-configuration")
    monkeypatch.setenv("REVIEWS_PARTY_OIDC_CLIENT_ID", "front-door-env")
    monkeypatch.setenv("REVIEWS_PARTY_OIDC_NAME", "Northshire Login")
    store = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'r.db'}", smtp_url=None,
                     policy_file=None)  # fmt: skip
    migrate(store.database_url)
    app = create_app(ApiSettings(store=store, secret="s-" + "k" * 40), codec_server=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reviews") as ours:
        assert "Sign in with Northshire Login" in (await ours.get("/me/sign-in")).text
        to_idp = await ours.get("/me/account/sign-in")
        assert "client_id=front-door-env" in to_idp.headers["location"]
        assert "scope=openid+email" in to_idp.headers["location"]  # who they are, nothing more


async def test_like_gov_uk_one_login_the_client_proves_itself_with_its_key(
    server: WorkflowEnvironment, idp: Provider, tmp_path: Path
) -> None:  # private_key_jwt (RFC 7523) and a vector of trust, as One Login asks of its clients
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    ours = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "front-door-key.pem"
    pem.write_bytes(ours.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))  # fmt: skip
    idp.client_keys["one-login-client"] = ours.public_key()
    settings = OidcSettings(metadata_url=f"{idp.url}/.well-known/openid-configuration",
                            client_id="one-login-client", private_key_file=str(pem), vtr='["Cl.Cm"]')  # fmt: skip
    (tmp_path / "live").mkdir()
    live = LiveApi(server.client.service_client.config.target_host, tmp_path / "live", party_oidc=settings)
    live.start()
    try:
        wid, ref = await a_case(server, live)
        bind(live, wid, "service_user", "urn:fdc:gov.uk:2022:sam")
        proved = len(idp.proved)
        with httpx.Client(base_url=live.url) as browser:
            assert sign_in(browser, idp, "urn:fdc:gov.uk:2022:sam").headers["location"] == "/me/case"
            assert ref in browser.get("/me/case", headers={"accept": "text/html"}).text
        assert len(idp.proved) == proved + 1 and idp.asked[-1]["vtr"] == '["Cl.Cm"]'
        # A key the provider does not know for us: it refuses, and nobody is signed in.
        idp.client_keys["one-login-client"] = rsa.generate_private_key(65537, 2048).public_key()
        with httpx.Client(base_url=live.url) as browser:
            refused = sign_in(browser, idp, "urn:fdc:gov.uk:2022:sam")
            assert refused.status_code == 401 and "Signing in did not work" in refused.text
            assert (
                browser.get("/me/case", headers={"accept": "text/html"}).headers["location"] == "/me/sign-in"
            )
    finally:
        idp.client_keys.pop("one-login-client", None)
        live.close()
