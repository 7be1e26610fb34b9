"""The back-office HTTP API (design.md, "Back-office HTTP API"; paras 20-22, 30-31, 72) on a real Temporal test server with a worker: a
case from POST /cases to closing through the API alone, problems for every kind of
refusal, idempotent opening, evidence limits, tokens and who may see what."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from domain.enums import Role
from domain.models import Actor
from store.db import migrate
from tests.conftest import decision_case, settings_in, skip, terminate_when_quiet, today
from worker import build_worker

SECRET = "test-secret-" + "x" * 32
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Api:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @staticmethod
    def token(who: str, role: str, case: str | None = None, **kw: Any) -> dict[str, str]:
        return {"Authorization": "Bearer " + mint(SECRET, Actor(id=who, role=Role(role)), case=case, **kw)}


BACK_OFFICE = Api.token("crm", "back_office")
OWNER = Api.token("cw-alice", "caseworker")
MANAGER = Api.token("om-bob", "operations_manager")


@pytest.fixture
async def api(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Api]:
    async with api_on(env, tmp_path) as found:
        yield found


@asynccontextmanager
async def api_on(env: WorkflowEnvironment, tmp_path: Path, **extra: Any) -> AsyncIterator[Api]:
    """The app, a worker and an HTTP client on a task queue of the test's own (`extra`:
    more of the API's settings)."""
    queue = f"api-{uuid.uuid4().hex[:6]}"
    store = settings_in(tmp_path)
    settings = ApiSettings(
        store=store, secret=SECRET, task_queue=queue, evidence_max_bytes=64 * 1024, **extra
    )
    migrate(store.database_url)
    app = create_app(settings, client=env.client, codec_server=False, local_sign_in=True)
    app.state.clock = env.get_current_time  # today is the test server's (api/dates.py)
    transport = httpx.ASGITransport(app=app)
    worker = build_worker(env.client, CaseActivities(store), queue)
    async with worker, httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        yield Api(http)
        # A case left open with no worker would stop the shared server skipping time.
        for wid in app.state.reviews.opened:
            await terminate_when_quiet(env, wid)


async def open_case(api: Api, env: WorkflowEnvironment, **extra: Any) -> str:
    body = {"kind": "decision_complaint", **decision_case(decided_on=await today(env))} | extra
    answer = await api.http.post("/cases", json=body, headers=BACK_OFFICE)
    assert answer.status_code == 201, answer.text
    wid: str = answer.json()["workflow_id"]
    return wid


async def test_a_case_from_opening_to_closing_through_the_api_alone(
    api: Api, env: WorkflowEnvironment
) -> None:
    wid = await open_case(api, env, complainant={"name": "Ann", "email": "ann@example.org"})
    status = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()
    assert status["stage"] == "case_owner_resolution"
    receipt = await api.http.post(
        f"/cases/{wid}/messages/case_owner_resolution", json={"resolved": False}, headers=OWNER
    )
    assert receipt.status_code == 200 and receipt.json()["stage"] == "awaiting_grounds"

    su = Api.token("su-ann", "service_user", case=wid)
    uploaded = await api.http.post(f"/cases/{wid}/evidence", files={"file": ("letter.pdf", PDF)}, headers=su)
    assert uploaded.status_code == 201, uploaded.text
    document = uploaded.json()
    assert document["media_type"] == "application/pdf" and document["size"] == len(PDF)
    sent = await api.http.post(
        f"/cases/{wid}/messages/grounds_submitted",
        json={"why_wrong": "you missed my letter", "wanted": "a review", "evidence": [document]},
        headers=su,
    )
    assert sent.status_code == 202 and sent.json()["message"] == "grounds_submitted"
    for _ in range(100):
        status = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()
        if status["stage"] == "challenge_assessment":
            break
    assert status["stage"] == "challenge_assessment"
    assert any(
        h["action"] == "document received" and document["sha256"] in h["detail"] for h in status["history"]
    )
    done = await api.http.post(
        f"/cases/{wid}/messages/challenge_assessment",
        json={"actionable": False, "analysis": "no reason given"},
        headers=OWNER,
    )
    assert done.status_code == 200 and done.json()["outcome"] == "not_actionable"

    letters = (await api.http.get(f"/cases/{wid}/letters", headers=su)).json()
    assert [x["kind"] for x in letters] == ["acknowledgement", "grounds_request", "closing"] or [
        x["kind"] for x in letters
    ][-1] == "closing"
    assert all(x["to_role"] == "service_user" for x in letters)
    last = await api.http.get(f"/cases/{wid}/letters/{len(letters) - 1}", headers=su)
    assert (
        last.headers["content-type"].startswith("message/rfc822")
        and b"X-Reviews-Letter: closing" in last.content
    )
    mine = await api.http.get(f"/evidence/{document['sha256']}", headers=su)
    assert mine.status_code == 200 and mine.content == PDF
    closed = await api.http.post(
        f"/cases/{wid}/messages/case_owner_review", json={"finding": "no_genuine_doubt"}, headers=OWNER
    )
    assert closed.status_code == 409 and "the case is closed (not_actionable)" in closed.json()["detail"]


async def test_refusals_are_problems_with_the_right_status(api: Api, env: WorkflowEnvironment) -> None:
    wid = await open_case(api, env)
    url = f"/cases/{wid}/messages"

    async def send(name: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        answer = await api.http.post(f"{url}/{name}", json=body, headers=headers)
        assert (
            answer.headers["content-type"].startswith("application/problem+json") or answer.status_code < 300
        )
        return answer

    wrong_person = await send("case_owner_resolution", {"resolved": False}, MANAGER)
    assert (
        wrong_person.status_code == 403 and "only the case owner (cw-alice)" in wrong_person.json()["detail"]
    )
    wrong_stage = await send("challenge_assessment", {"actionable": True}, OWNER)
    assert (
        wrong_stage.status_code == 409 and "belongs to challenge_assessment" in wrong_stage.json()["detail"]
    )
    bad_field = await send("case_owner_resolution", {"resolved": "perhaps"}, OWNER)
    assert bad_field.status_code == 422, bad_field.text
    not_taken = await send("manager_resolution", {"resolved": True, "action": "apology"}, MANAGER)
    assert not_taken.status_code == 409 and "case_owner_resolution" in not_taken.json()["allowed"]
    actor_in_body = await send(
        "case_owner_resolution",
        {"resolved": False, "actor": {"id": "cw-alice", "role": "caseworker"}},
        MANAGER,
    )
    assert actor_in_body.status_code == 422
    malformed = await api.http.post(
        f"{url}/case_owner_resolution",
        content=b"{not json",
        headers=OWNER | {"content-type": "application/json"},
    )
    assert malformed.status_code == 400 and malformed.json()["status"] == 400
    unknown = await api.http.get("/cases/decision-complaint-nope", headers=OWNER)
    assert unknown.status_code == 404
    field_errors = await api.http.post(
        "/cases", json={"kind": "decision_complaint", "case": {"ref": "C-x"}}, headers=BACK_OFFICE
    )
    assert field_errors.status_code == 422 and "decided_on" in field_errors.json()["detail"]


async def test_tokens(api: Api, env: WorkflowEnvironment) -> None:
    wid = await open_case(api, env)
    path = f"/cases/{wid}"
    assert (await api.http.get(path)).status_code == 401
    assert (await api.http.get(path, headers={"Authorization": "Bearer nonsense"})).status_code == 401
    expired = Api.token(
        "cw-alice", "caseworker", now=datetime.now(UTC) - timedelta(days=1), lifetime=timedelta(hours=1)
    )
    answer = await api.http.get(path, headers=expired)
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]
    elsewhere = Api.token("cw-alice", "caseworker", audience="another-api")
    assert (await api.http.get(path, headers=elsewhere)).status_code == 401
    forged = jwt.encode(
        {"sub": "om", "role": "director", "aud": "reviews", "exp": datetime.now(UTC) + timedelta(hours=1)},
        "wrong-secret-" + "y" * 32,
    )
    assert (await api.http.get(path, headers={"Authorization": f"Bearer {forged}"})).status_code == 401
    other_case = Api.token("su-x", "service_user", case="decision-complaint-other")
    assert (await api.http.get(path, headers=other_case)).status_code == 404
    this_case = Api.token("su-1", "service_user", case=wid)
    assert (await api.http.get(path, headers=this_case)).status_code == 404  # the staff view
    assert (await api.http.get("/me/case", headers=this_case)).status_code == 200  # its own
    assert (
        await api.http.post(
            "/cases", json={"kind": "decision_complaint", **decision_case()}, headers=this_case
        )
    ).status_code == 403
    assert (await api.http.get("/cases", headers=this_case)).status_code == 403
    with pytest.raises(ValueError, match="bound to one case"):
        mint(SECRET, Actor(id="su", role=Role.SERVICE_USER))


async def test_opening_is_idempotent(api: Api, env: WorkflowEnvironment) -> None:
    body = {"kind": "decision_complaint", **decision_case(decided_on=await today(env))}
    key = {"Idempotency-Key": "crm-msg-4711"}
    first = await api.http.post("/cases", json=body, headers=BACK_OFFICE | key)
    again = await api.http.post("/cases", json=body, headers=BACK_OFFICE | key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert (
        first.json()["workflow_id"]
        == again.json()["workflow_id"]
        == first.headers["location"].removeprefix("/cases/")
    )
    plain = {"kind": "decision_complaint", **decision_case(decided_on=await today(env))}
    one = await api.http.post("/cases", json=plain, headers=BACK_OFFICE)
    two = await api.http.post("/cases", json=plain, headers=BACK_OFFICE)
    assert (one.status_code, two.status_code) == (201, 200) and one.json()["workflow_id"] == two.json()[
        "workflow_id"
    ]
    # The time-skipping server has no visibility: listing answers a problem, never a 500.
    listed = await api.http.get("/cases", headers=OWNER)
    assert listed.status_code in (200, 502) and listed.headers["content-type"].endswith("json")


async def test_evidence_limits(api: Api, env: WorkflowEnvironment) -> None:
    wid = await open_case(api, env)
    url = f"/cases/{wid}/evidence"
    big = await api.http.post(url, files={"file": ("big.pdf", b"%PDF-" + b"0" * 70_000)}, headers=BACK_OFFICE)
    assert big.status_code == 413
    exe = await api.http.post(
        url, files={"file": ("letter.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)}, headers=BACK_OFFICE
    )
    assert exe.status_code == 415
    whose = {"party": "service_user"}  # the back office says whose a document is
    sneaky = await api.http.post(
        url, files={"file": ("../../etc/passwd", b"root:x:0:0\n")}, data=whose, headers=BACK_OFFICE
    )
    assert (
        sneaky.status_code == 201
        and sneaky.json()["name"] == "passwd"
        and sneaky.json()["media_type"] == "text/plain"
    )
    again = await api.http.post(
        url, files={"file": ("copy.txt", b"root:x:0:0\n")}, data=whose, headers=BACK_OFFICE
    )
    assert again.json()["sha256"] == sneaky.json()["sha256"]
    store = api.http._transport.app.state.evidence  # type: ignore[attr-defined]
    assert [p.name for p in store.root.rglob("*") if p.is_file() and "." not in p.name] == [
        sneaky.json()["sha256"]
    ]
    outsider = Api.token("su-x", "service_user", case="decision-complaint-other")
    assert (await api.http.get(f"/evidence/{sneaky.json()['sha256']}", headers=outsider)).status_code == 404
    assert (await api.http.get("/evidence/not-a-hash", headers=OWNER)).status_code == 404


async def test_health_and_ready(api: Api) -> None:
    assert (await api.http.get("/health")).json() == {"status": "ok"}
    assert (await api.http.get("/ready")).json() == {"status": "ok"}
    schema = (await api.http.get("/openapi.json")).json()
    assert {"/cases", "/tasks", "/health", "/ready"} <= set(schema["paths"])


def test_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWS_API_AUDIENCE", "ombudsman-api")
    monkeypatch.setenv("REVIEWS_EVIDENCE_MAX_BYTES", "1000")
    monkeypatch.delenv("REVIEWS_API_SECRET", raising=False)
    settings = ApiSettings.from_env(tmp_path)
    assert (settings.audience, settings.evidence_max_bytes, settings.secret) == ("ombudsman-api", 1000, None)
    assert replace(settings, secret="s").secret == "s"


# --------------------------------------------------------------- who may do what

IDENTITIES = {
    "owner": ("cw-alice", "caseworker"),
    "manager": ("om-bob", "operations_manager"),
    "other caseworker": ("cw-zed", "caseworker"),
    "oat": ("oat-1", "oat_caseworker"),
    "legal": ("legal-1", "legal_team"),
    "deputy": ("dep-1", "deputy_ombudsman"),
    "back office": ("crm", "back_office"),
    "service user of this case": ("su-1", "service_user"),
    "organisation of this case": ("org-1", "organisation"),
    "service user of another case": ("su-9", "service_user"),
}
BAD_TOKENS = ("no token", "expired token", "wrong audience")
STAFF = {"owner", "manager", "other caseworker", "oat", "legal", "deputy", "back office"}
THIS_CASE = {"service user of this case", "organisation of this case"}


def headers_for(who: str, case: str) -> dict[str, str]:
    if who == "no token":
        return {}
    if who == "expired token":
        return Api.token("cw-alice", "caseworker", now=datetime.now(UTC) - timedelta(days=2))
    if who == "wrong audience":
        return Api.token("cw-alice", "caseworker", audience="elsewhere")
    person, role = IDENTITIES[who]
    bound = case if who in THIS_CASE else "decision-complaint-someone-else" if "another" in who else None
    return Api.token(person, role, case=bound)


def expected(who: str, staff: int, this_case: int, other_case: int = 404) -> int:
    if who in BAD_TOKENS:
        return 401
    if who in STAFF:
        return staff
    return this_case if who in THIS_CASE else other_case


@pytest.mark.parametrize("who", [*IDENTITIES, *BAD_TOKENS])
async def test_authorization_matrix(api: Api, env: WorkflowEnvironment, who: str) -> None:
    """Every route x every role and relation (issue 11): what each may see and do."""
    wid = await open_case(api, env)
    doc = await api.http.post(
        f"/cases/{wid}/evidence",
        files={"file": ("a.txt", b"evidence\n")},
        data={"party": "service_user"},
        headers=BACK_OFFICE,
    )
    sha = doc.json()["sha256"]
    h = headers_for(who, wid)

    async def status_of(method: str, path: str, **kw: Any) -> int:
        return (await api.http.request(method, path, headers=h, **kw)).status_code

    # The staff view is never a party's: its own view is /me/case (design.md). Another
    # team's caseworker does not see the case at all (tests/test_api_visibility.py).
    seen = 404 if who == "other caseworker" else 200
    assert await status_of("GET", f"/cases/{wid}") == expected(who, seen, 404)
    assert await status_of("GET", f"/cases/{wid}/letters") == expected(who, seen, 200)
    # The complainant's document: never the organisation's to read.
    own = 404 if who == "organisation of this case" else 200
    assert await status_of("GET", f"/evidence/{sha}") == expected(who, seen, own)
    upload = await status_of("POST", f"/cases/{wid}/evidence", files={"file": ("b.txt", b"more\n")})
    # A document is a submission (30-31): from a party, the case owner entering it (saying
    # how it came: here they do not, 422), or the back office saying whose it is (here it
    # does not: 422); other staff may not (403).
    sender = {"owner": 422, "back office": 422}.get(who, 403)
    assert upload == expected(who, sender, 201)
    assert await status_of("GET", "/tasks") == expected(who, 200, 200, 200)
    body = {"kind": "decision_complaint", **decision_case(decided_on=await today(env))}
    opened = 422 if who in ("owner", "manager") else 201  # never the caller's own case to own or manage
    assert await status_of("POST", "/cases", json=body) == expected(who, opened, 403, 403)
    listing = await status_of("GET", "/cases")
    assert listing == expected(who, 502, 403, 403)  # 502: the test server has no visibility
    # The case owner's step: only the case owner (27: OAT only when advised within_oat).
    step = await status_of("POST", f"/cases/{wid}/messages/case_owner_resolution", json={"resolved": False})
    assert step == (200 if who == "owner" else expected(who, 403, 403))
    # Declining access (22): the case's manager or someone senior.
    decline = await status_of(
        "POST", f"/cases/{wid}/messages/decline_unacceptable_behaviour", json={"reason": "abusive calls"}
    )
    assert decline == (200 if who in ("manager", "deputy") else expected(who, 403, 403))


def test_tokens_from_an_identity_provider_are_checked_against_its_jwks() -> None:
    """REVIEWS_API_JWKS_URL: RS256 tokens signed by an identity provider's key."""
    import http.server
    import json
    import threading

    from cryptography.hazmat.primitives.asymmetric import rsa

    from api.auth import BadToken, Verifier

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "idp-1", "use": "sig"}

    class Keys(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
            body = json.dumps({"keys": [public]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        verifier = Verifier(None, "reviews", f"http://127.0.0.1:{server.server_port}/jwks.json")
        claims = {
            "sub": "ad-ann",
            "role": "assistant_director",
            "aud": "reviews",
            "exp": datetime.now(UTC) + timedelta(hours=1),
        }
        signed = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "idp-1"})
        identity = verifier.verify(f"Bearer {signed}")
        assert (identity.actor.id, identity.actor.role, identity.case) == (
            "ad-ann",
            Role.ASSISTANT_DIRECTOR,
            None,
        )
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = jwt.encode(claims, other, algorithm="RS256", headers={"kid": "idp-1"})
        with pytest.raises(BadToken, match="not valid"):
            verifier.verify(f"Bearer {forged}")
        local = jwt.encode(claims, "a-shared-secret-" + "q" * 32, algorithm="HS256")
        with pytest.raises(BadToken):
            verifier.verify(f"Bearer {local}")
    finally:
        server.shutdown()


async def test_the_complainant_sees_their_case_in_plain_english(api: Api, env: WorkflowEnvironment) -> None:
    wid = await open_case(api, env)
    await api.http.post(
        f"/cases/{wid}/messages/case_owner_resolution",
        json={"resolved": False, "note": "internal: complainant is difficult"},
        headers=OWNER,
    )
    su = Api.token("su-1", "service_user", case=wid)
    await api.http.post(
        f"/cases/{wid}/messages/grounds_submitted",
        json={"why_wrong": "w", "evidence": ["photo.jpg"]},
        headers=su,
    )
    mine = (await api.http.get("/me/case", headers=su)).json()
    assert mine["held_by"] == "Alice Ward, Caseworker, casework north team"  # name and title (issue 27)
    titles = [x["title"] for x in mine["letters"]]
    assert titles[:2] == ["We received what you sent", "Please tell us why you think our decision is wrong"]
    text = json.dumps(mine)
    assert "internal" not in text and "para" not in text and "_" not in mine["where"]
    for _ in range(50):
        mine = (await api.http.get("/me/case", headers=su)).json()
        if mine["documents"]:
            break
    assert mine["documents"] == [{"name": "photo.jpg", "received": False}]
    page = await api.http.get("/me/case", headers=su | {"Accept": "text/html"})
    assert page.status_code == 200 and "it did not reach us. Please send it again" in page.text
    assert (await api.http.get("/me/case", headers=OWNER)).status_code == 403


async def test_a_document_sent_on_its_own_is_recorded_and_acknowledged(
    api: Api, env: WorkflowEnvironment
) -> None:
    wid = await open_case(api, env, complainant={"name": "Ann", "email": "ann@example.org"})
    su = Api.token("su-1", "service_user", case=wid)
    uploaded = await api.http.post(f"/cases/{wid}/evidence", files={"file": ("scan.pdf", PDF)}, headers=su)
    assert uploaded.status_code == 201
    # The complaint was acknowledged a moment ago: the document waits for the batch to
    # close (guidance v6, acknowledgement_batch_minutes), then has its own letter.
    await skip(env, timedelta(minutes=11))
    for _ in range(100):
        history = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()["history"]
        if any(h["action"] == "acknowledged: documents you sent" for h in history):
            break
        await asyncio.sleep(0.05)
    actions = [h["action"] for h in history]
    assert "document received" in actions and "acknowledged: documents you sent" in actions
    letters = (await api.http.get(f"/cases/{wid}/letters", headers=su)).json()
    assert [x["kind"] for x in letters].count("acknowledgement") == 2  # the complaint, then the document


async def test_an_update_sent_again_with_the_same_idempotency_key_is_applied_once(
    api: Api, env: WorkflowEnvironment
) -> None:
    """Issue 14: a back office that timed out sends again with the same key; the case
    applies the message once and both answers are the same receipt."""
    wid = await open_case(api, env)
    path = f"/cases/{wid}/messages/case_owner_resolution"
    keyed = {**OWNER, "Idempotency-Key": "crm-4711"}
    first = await api.http.post(path, json={"resolved": False}, headers=keyed)
    again = await api.http.post(path, json={"resolved": False}, headers=keyed)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert first.json() == again.json()
    unkeyed = await api.http.post(path, json={"resolved": False}, headers=OWNER)
    assert unkeyed.status_code == 409, unkeyed.text  # without the key it is a second message
    history = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()["history"]
    assert [h["action"] for h in history].count("case owner could not resolve the complaint") == 1


async def test_whoever_opens_a_case_is_never_its_owner_or_manager(api: Api, env: WorkflowEnvironment) -> None:
    """design.md, "The trust boundary": a back office naming itself owner and manager, then
    resolving the case itself, is refused at the door."""
    decided_on = await today(env)
    for relation in ("owner", "manager"):
        body = {"kind": "decision_complaint", **decision_case(decided_on=decided_on, **{relation: "crm"})}
        answer = await api.http.post("/cases", json=body, headers=BACK_OFFICE)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [{"field": f"case.{relation}", "message": "never the caller"}]
    forged = {
        "kind": "decision_complaint",
        **decision_case(decided_on=decided_on),
        "resume": {"stage": "closed"},
    }
    answer = await api.http.post("/cases", json=forged, headers=BACK_OFFICE)
    assert answer.status_code == 422 and "given state" in answer.text


async def test_the_post_queue_is_printed_and_marked_posted_through_the_api(
    api: Api, env: WorkflowEnvironment
) -> None:
    """Issue 25: a complainant with only a postal address; `GET /letters/to-post`, its PDF,
    then `mark_posted`. The queue holds addresses: staff only."""
    wid = await open_case(
        api, env, complainant={"name": "Pat Jones", "address": "2 Mill Lane\nLeeds LS1 1AA"}
    )
    mine: list[dict[str, Any]] = []
    for _ in range(100):
        queue = await api.http.get("/letters/to-post", headers=OWNER)
        assert queue.status_code == 200, queue.text
        mine = [x for x in queue.json() if x["workflow_id"] == wid]
        if mine:
            break
        await asyncio.sleep(0.05)
    (waiting,) = mine
    assert waiting["kind"] == "acknowledgement" and waiting["to_name"] == "Pat Jones"
    su = Api.token("su-1", "service_user", case=wid)
    assert (await api.http.get("/letters/to-post", headers=su)).status_code == 403
    assert (await api.http.get(waiting["pdf"], headers=su)).status_code == 403
    printed = await api.http.get(waiting["pdf"], headers=OWNER)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    posted_on = await today(env)
    answer = await api.http.post(
        f"/cases/{wid}/messages/mark_posted",
        json={"letter": waiting["letter"], "posted_on": posted_on},
        headers=OWNER,
    )
    assert answer.status_code == 200, answer.text
    letters = (await api.http.get(f"/cases/{wid}/letters", headers=OWNER)).json()
    assert letters[waiting["letter"]]["delivery"] == "posted"
    assert letters[waiting["letter"]]["posted_on"] == posted_on
    assert [
        x for x in (await api.http.get("/letters/to-post", headers=OWNER)).json() if x["workflow_id"] == wid
    ] == []
    forged = await api.http.post(
        f"/cases/{wid}/messages/letter_undeliverable",
        json={"key": "001-acknowledgement", "delivery": "bounced", "reason": "forged"},
        headers=OWNER,
    )
    assert forged.status_code in (404, 422), forged.text  # the dispatcher's signal is no caller's
