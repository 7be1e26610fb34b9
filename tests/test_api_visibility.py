"""Who may see what (design.md, "The trust boundary", Visibility; issue 22): every read
route x every kind of identity x its own case, another team's and another case, with the
exact answer each must get — and the pages give the same answer as the API.

Case A is cw-alice's (team casework-north, managed by om-bob); case B is cw-zed's (team
casework-south). Both parties of A have sent a document; A's complainant asked for
reasonable adjustments that say something about their health. The staff directory is the
one `reviews dev` ships (domain/staff.yaml)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.auth import Identity
from api.visibility import CaseFacts, may_see
from domain.models import Actor
from domain.staff import Staff
from tests.conftest import decision_case, today
from tests.test_api import BACK_OFFICE, Api, api_on


@pytest.fixture
async def api(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Api]:
    async with api_on(env, tmp_path) as found:
        yield found


HEALTH = "has severe depression after a bereavement"
STAFF_PEOPLE = {
    "owner": ("cw-alice", "caseworker"),
    "manager": ("om-bob", "operations_manager"),
    "team colleague": ("cw-ben", "caseworker"),
    "other team's caseworker": ("cw-zed", "caseworker"),
    "other team's manager": ("om-cat", "operations_manager"),
    "oat": ("oat-olu", "oat_caseworker"),
    "legal": ("legal-1", "legal_team"),
    "assistant director": ("ad-ann", "assistant_director"),
    "deputy": ("dep-deb", "deputy_ombudsman"),
}
SEES_A = {"owner", "manager", "team colleague", "oat", "legal", "assistant director", "deputy", "back office"}
CODEC = {"oat", "legal", "assistant director", "deputy", "back office"}


def headers(who: str, a: str, b: str) -> dict[str, str]:
    if who in STAFF_PEOPLE:
        return Api.token(*STAFF_PEOPLE[who])
    if who == "back office":
        return BACK_OFFICE
    party = {
        "A's service user": ("su-1", "service_user", a),
        "A's organisation": ("org-1", "organisation", a),
        "B's service user": ("su-9", "service_user", b),
        "cw-alice's id as B's service user": ("cw-alice", "service_user", b),
    }[who]
    return Api.token(party[0], party[1], case=party[2])


WHO = [*STAFF_PEOPLE, "back office", "A's service user", "A's organisation", "B's service user",
       "cw-alice's id as B's service user"]  # fmt: skip


async def two_cases(api: Api, env: WorkflowEnvironment) -> dict[str, Any]:
    on = await today(env)
    body = {
        "kind": "decision_complaint",
        **decision_case(decided_on=on),
        "complainant": {"name": "Sam Patel", "email": "sam@example.org"},
        "organisation": {"name": "Riverside Trust", "email": "complaints@riverside.example"},
        "reasonable_adjustments": [{"kind": "other", "detail": HEALTH}],
    }
    a = (await api.http.post("/cases", json=body, headers=BACK_OFFICE)).json()["workflow_id"]
    other = {"kind": "decision_complaint", **decision_case(owner="cw-zed", manager="om-cat", decided_on=on)}
    b = (await api.http.post("/cases", json=other, headers=BACK_OFFICE)).json()["workflow_id"]
    owner = Api.token("cw-alice", "caseworker")
    resolved = await api.http.post(
        f"/cases/{a}/messages/case_owner_resolution", json={"resolved": False}, headers=owner
    )
    assert resolved.status_code == 200, resolved.text
    su, org = headers("A's service user", a, b), headers("A's organisation", a, b)
    mine = await api.http.post(f"/cases/{a}/evidence", files={"file": ("gp.txt", b"GP letter\n")}, headers=su)
    theirs = await api.http.post(
        f"/cases/{a}/evidence", files={"file": ("log.txt", b"call log\n")}, headers=org
    )
    assert mine.status_code == theirs.status_code == 201, (mine.text, theirs.text)
    for _ in range(200):  # both acknowledgements sent
        status = (await api.http.get(f"/cases/{a}", headers=owner)).json()
        if {"service_user", "organisation"} <= {
            x["to_role"] for x in status["letters"] if x["kind"] == "acknowledgement"
        }:
            break
        await asyncio.sleep(0.05)
    return {"a": a, "b": b, "su_doc": mine.json()["sha256"], "org_doc": theirs.json()["sha256"]}


def expect(who: str, *, staff: int, a_party: int | None = None, org: int | None = None) -> int:
    """The answer for `who`: staff who see A get `staff`, others 404; A's service user
    `a_party`, A's organisation `org` (default: as A's service user); any other 404."""
    if who in STAFF_PEOPLE or who == "back office":
        return staff if who in SEES_A else 404
    if who == "A's service user":
        return a_party if a_party is not None else 404
    if who == "A's organisation":
        return org if org is not None else (a_party if a_party is not None else 404)
    return 404


@pytest.mark.parametrize("who", WHO)
async def test_every_read_route_answers_exactly_as_the_visibility_rule_says(
    api: Api, env: WorkflowEnvironment, who: str
) -> None:
    c = await two_cases(api, env)
    a, b = c["a"], c["b"]
    h = headers(who, a, b)

    async def get(path: str) -> httpx.Response:
        return await api.http.get(path, headers=h)

    assert (await get(f"/cases/{a}")).status_code == expect(who, staff=200)
    letters = await get(f"/cases/{a}/letters")
    assert letters.status_code == expect(who, staff=200, a_party=200)
    if letters.status_code == 200:
        to = {x["to_role"] for x in letters.json()}
        if who == "A's service user":
            assert to and to <= {"service_user", "advocate"}
        elif who == "A's organisation":
            assert to == {"organisation"}  # the acknowledgement of its own document
        else:
            assert {"service_user", "organisation"} <= to
        assert (await get(f"/cases/{a}/letters/0")).status_code == 200
    assert (await get(f"/evidence/{c['su_doc']}")).status_code == expect(who, staff=200, a_party=200, org=404)
    assert (await get(f"/evidence/{c['org_doc']}")).status_code == expect(
        who, staff=200, a_party=404, org=200
    )
    # Case B is cw-zed's: their team, and those who see every case, see it.
    b_seen = 200 if who in {"other team's caseworker", "other team's manager", *CODEC} else 404
    assert (await get(f"/cases/{b}")).status_code == b_seen

    me = await get("/me/case")
    if who in ("A's service user", "A's organisation"):
        view = me.json()
        names = {d["name"] for d in view["documents"]}
        assert names == ({"gp.txt"} if who == "A's service user" else {"log.txt"})
        assert HEALTH not in me.text and "sam@example.org" not in me.text
    else:
        assert me.status_code == (403 if who in STAFF_PEOPLE or who == "back office" else 200)

    codec = await api.http.post("/codec/decode", json={"payloads": []}, headers=h)
    assert codec.status_code == (200 if who in CODEC else 403)

    if who in STAFF_PEOPLE:  # the pages: the same answer as the API, for A and for B
        person = STAFF_PEOPLE[who][0]
        async with httpx.AsyncClient(transport=api.http._transport, base_url="http://api") as browser:
            login = await browser.get("/ui/login")
            csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
            signed = await browser.post("/ui/login", data={"person": person, "csrf": csrf})
            assert signed.status_code == 303
            assert (await browser.get(f"/ui/cases/{a}")).status_code == expect(who, staff=200)
            assert (await browser.get(f"/ui/cases/{b}")).status_code == b_seen
            assert (await browser.get(f"/ui/cases/{a}/letters/0")).status_code == expect(who, staff=200)


async def test_the_organisation_never_reads_the_complainants_adjustments_or_contact(
    api: Api, env: WorkflowEnvironment
) -> None:
    """Issue 22, reproduced: the organisation's token read the internal case, the
    complainant's adjustments and evidence, and /me/case listed the complainant's
    documents as its own."""
    c = await two_cases(api, env)
    org = headers("A's organisation", c["a"], c["b"])
    assert (await api.http.get(f"/cases/{c['a']}", headers=org)).status_code == 404
    assert (await api.http.get(f"/evidence/{c['su_doc']}", headers=org)).status_code == 404
    for n, letter in enumerate((await api.http.get(f"/cases/{c['a']}/letters", headers=org)).json()):
        text = (await api.http.get(f"/cases/{c['a']}/letters/{n}", headers=org)).text
        assert letter["to_role"] == "organisation"
        assert HEALTH not in text and "sam@example.org" not in text and "Sam Patel" not in text


def test_the_rule_on_its_own() -> None:
    """The same function decides the list of cases, which the test server cannot list."""
    staff = Staff.load()
    case = CaseFacts("decision-complaint-X", owner="cw-alice", manager="om-bob")

    def sees(person: str, role: str, bound: str | None = None) -> bool:
        return may_see(Identity(actor=Actor(id=person, role=role), case=bound), case, staff)

    assert sees("cw-ben", "caseworker") and not sees("cw-zed", "caseworker")
    assert sees("om-bob", "operations_manager") and not sees("om-cat", "operations_manager")
    assert sees("oat-anyone", "oat_caseworker") and sees("crm", "back_office")
    assert not sees(
        "cw-ben", "operations_manager"
    )  # the directory says cw-ben is a caseworker: not the same person
    assert not sees("cw-alice", "service_user", "decision-complaint-X")  # never the staff view
    # Signed in with the identity provider, the person's team is the provider's claim.
    newcomer = Identity(actor=Actor(id="idp-7", role="caseworker"))
    assert may_see(newcomer, case, staff, team="casework-north")
    assert not may_see(newcomer, case, staff, team="casework-south") and not may_see(newcomer, case, staff)
    waiting = CaseFacts("decision-complaint-X", owner="cw-alice", manager="om-bob", awaiting_id="cw-zed")
    assert may_see(Identity(actor=Actor(id="cw-zed", role="caseworker")), waiting, staff)
    team_step = CaseFacts(
        "decision-complaint-X", owner="cw-alice", manager="om-bob", awaiting_role="joint_working_team"
    )
    assert may_see(Identity(actor=Actor(id="jwt-1", role="joint_working_team")), team_step, staff)
    assert not may_see(Identity(actor=Actor(id="jwt-1", role="joint_working_team")), case, staff)


async def test_staff_see_every_document_and_whose_it_is(api: Api, env: WorkflowEnvironment) -> None:
    c = await two_cases(api, env)
    status = (await api.http.get(f"/cases/{c['a']}", headers=Api.token("cw-alice", "caseworker"))).json()
    assert {(d["name"], d["party"]) for d in status["documents"]} == {
        ("gp.txt", "service_user"),
        ("log.txt", "organisation"),
    }
