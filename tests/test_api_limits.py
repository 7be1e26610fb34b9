"""Nothing a caller sends can wedge a case (issue 23, items 1, 3, 4 and 5): refused at the
edge with a 4xx problem naming the field, before a case ever holds it — and no body is
read before the caller is known or past its limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.conftest import decision_case, today
from tests.test_api import BACK_OFFICE, OWNER, Api, api_on


@pytest.fixture
async def api(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Api]:
    async with api_on(env, tmp_path) as found:
        yield found


class Counted:
    """A streamed body that counts how much of it the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.pulled = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            self.pulled += self.chunk
            yield b" " * self.chunk


async def opened(api: Api, env: WorkflowEnvironment, **extra: Any) -> httpx.Response:
    body = {"kind": "decision_complaint", **decision_case(decided_on=await today(env))} | extra
    return await api.http.post("/cases", json=body, headers=BACK_OFFICE)


def field_of(answer: httpx.Response) -> list[str]:
    return [e["field"] for e in answer.json().get("errors") or []]


async def test_nobody_unknown_gets_their_body_read(api: Api) -> None:
    """Reproduced: a 200 MB chunked upload with no token was spooled before the 401."""
    body = Counted(50 * 1024 * 1024)
    answer = await api.http.post(
        "/cases/decision-complaint-X/evidence",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"
    assert body.pulled <= 64 * 1024
    forged = await api.http.post("/cases", content=b"{}", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401


async def test_a_json_body_over_1_mb_is_refused_before_it_is_read(api: Api, env: WorkflowEnvironment) -> None:
    """Reproduced: one 3 MB message got 422 "Blob data size exceeds limit" from Temporal."""
    wid = (await opened(api, env)).json()["workflow_id"]
    big = json.dumps({"why_wrong": "x" * (3 * 1024 * 1024)})
    declared = await api.http.post(f"/cases/{wid}/messages/grounds_submitted", content=big,
                                   headers=BACK_OFFICE | {"Content-Type": "application/json"})  # fmt: skip
    assert declared.status_code == 413
    streamed = Counted(8 * 1024 * 1024)
    chunked = await api.http.post(f"/cases/{wid}/messages/grounds_submitted", content=streamed,
                                  headers=BACK_OFFICE | {"Content-Type": "application/json"})  # fmt: skip
    assert chunked.status_code == 413 and streamed.pulled <= 1024 * 1024 + 64 * 1024
    status = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()
    assert status["stage"] == "case_owner_resolution"  # the case never saw either


async def test_text_past_its_bound_is_refused_naming_the_field(api: Api, env: WorkflowEnvironment) -> None:
    wid = (await opened(api, env)).json()["workflow_id"]
    url = f"/cases/{wid}/messages/grounds_submitted"
    too_long = await api.http.post(url, json={"why_wrong": "x" * 20_001}, headers=BACK_OFFICE)
    assert too_long.status_code == 422 and "why_wrong" in too_long.json()["detail"]
    nul = await api.http.post(url, json={"why_wrong": "a\u0000b"}, headers=BACK_OFFICE)
    assert nul.status_code == 422 and "control characters" in nul.json()["detail"]


async def test_what_the_store_or_a_mail_server_could_not_keep_is_refused_at_opening(
    api: Api, env: WorkflowEnvironment
) -> None:
    """Reproduced: 9999-12-31 and a CR/LF or a second address in an e-mail were accepted,
    then failed for ever; a ref holding /decision-complaint took another case's id."""
    on = date.fromisoformat(await today(env))
    cases = {
        "case.decided_on": decision_case(decided_on="9999-12-31"),
        "case.ref": decision_case("C-1/decision-complaint", decided_on=on.isoformat()),
    }
    for field, body in cases.items():
        answer = await api.http.post(
            "/cases", json={"kind": "decision_complaint", **body}, headers=BACK_OFFICE
        )
        assert answer.status_code == 422 and field in answer.json()["detail"], answer.text
    tomorrow = await opened(
        api, env, case=decision_case(decided_on=(on + timedelta(days=1)).isoformat())["case"]
    )
    assert tomorrow.status_code == 422 and field_of(tomorrow) == ["case.decided_on"]
    assert "in the future" in tomorrow.json()["detail"]
    for email in ("sam@example.org, attacker@evil.example", "sam@example.org\r\nBcc: x@evil.example"):
        answer = await opened(api, env, complainant={"name": "Sam", "email": email})
        assert answer.status_code == 422 and "complainant.email" in answer.json()["detail"], answer.text


async def test_a_date_of_arrival_is_never_in_the_future(api: Api, env: WorkflowEnvironment) -> None:
    wid = (await opened(api, env)).json()["workflow_id"]
    ahead = (date.fromisoformat(await today(env)) + timedelta(days=3)).isoformat()
    answer = await api.http.post(
        f"/cases/{wid}/messages/grounds_submitted",
        json={"why_wrong": "x", "received_on": ahead},
        headers=BACK_OFFICE,
    )
    assert answer.status_code == 422 and field_of(answer) == ["received_on"]


async def test_a_document_is_only_what_was_stored_for_this_case(api: Api, env: WorkflowEnvironment) -> None:
    """Reproduced: a sha256 never uploaded, `size` 10^30 and text/html were recorded as
    "document received", and the complainant told it had arrived."""
    wid = (await opened(api, env)).json()["workflow_id"]
    other = (await opened(api, env)).json()["workflow_id"]
    url = f"/cases/{wid}/messages/evidence_submitted"
    never = {"sha256": "0" * 64, "name": "x.pdf", "size": 999_999, "media_type": "text/html"}
    answer = await api.http.post(
        url, json={"party": "service_user", "documents": [never]}, headers=BACK_OFFICE
    )
    assert answer.status_code == 422 and field_of(answer) == ["documents.0.sha256"]
    elsewhere = await api.http.post(f"/cases/{other}/evidence", files={"file": ("a.txt", b"for the other case\n")},
                                    data={"party": "service_user"}, headers=BACK_OFFICE)  # fmt: skip
    sha = elsewhere.json()["sha256"]
    borrowed = await api.http.post(
        url, json={"party": "service_user", "documents": [{"sha256": sha}]}, headers=BACK_OFFICE
    )
    assert borrowed.status_code == 422  # stored, but for another case
    mine = await api.http.post(f"/cases/{wid}/evidence", files={"file": ("gp.txt", b"GP letter\n")},
                               data={"party": "service_user"}, headers=BACK_OFFICE)  # fmt: skip
    forged = mine.json() | {"size": 999_999, "media_type": "text/html"}
    sent = await api.http.post(
        url, json={"party": "service_user", "documents": [forged]}, headers=BACK_OFFICE
    )
    assert sent.status_code == 202, sent.text
    for _ in range(100):
        status = (await api.http.get(f"/cases/{wid}", headers=OWNER)).json()
        recorded = [d for d in status["documents"] if d["sha256"] == mine.json()["sha256"]]
        if len(recorded) == 2:
            break
        await asyncio.sleep(0.05)
    assert [(d["size"], d["media_type"]) for d in recorded] == [(10, "text/plain")] * 2


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
        ("pic.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10),
    ],
)
async def test_a_document_is_judged_by_more_than_its_first_bytes(
    api: Api, env: WorkflowEnvironment, name: str, content: bytes
) -> None:
    wid = (await opened(api, env)).json()["workflow_id"]
    answer = await api.http.post(f"/cases/{wid}/evidence", files={"file": (name, content)},
                                 data={"party": "service_user"}, headers=BACK_OFFICE)  # fmt: skip
    assert answer.status_code == 415, answer.text


async def test_a_zip_bomb_is_not_a_word_document(api: Api, env: WorkflowEnvironment, tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (30 * 1024 * 1024))  # 30 MB in ~30 KB
    wid = (await opened(api, env)).json()["workflow_id"]
    answer = await api.http.post(f"/cases/{wid}/evidence", files={"file": ("bomb.docx", bomb.read_bytes())},
                                 data={"party": "service_user"}, headers=BACK_OFFICE)  # fmt: skip
    assert answer.status_code == 415


async def test_a_flood_to_one_case_is_slowed_with_429(api: Api, env: WorkflowEnvironment) -> None:
    """Reproduced: 30 uploads sent 38 acknowledgements; 200 forged tokens in 0.5 s were all
    answered without slowing."""
    wid = (await opened(api, env)).json()["workflow_id"]
    url = f"/cases/{wid}/messages/case_owner_review"
    answers = [await api.http.post(url, json={"finding": "bogus"}, headers=OWNER) for _ in range(31)]
    assert {a.status_code for a in answers[:30]} == {422}
    assert answers[30].status_code == 429 and int(answers[30].headers["retry-after"]) >= 1
    other = await api.http.post(url, json={"finding": "bogus"}, headers=BACK_OFFICE)
    assert other.status_code == 422  # another caller is not held back by this one
    for _ in range(20):
        assert (await api.http.get("/cases", headers={"Authorization": "Bearer forged"})).status_code == 401
    for _ in range(20):
        assert (
            await api.http.post("/cases", json={}, headers={"Authorization": "Bearer forged"})
        ).status_code == 401
    slowed = await api.http.post("/cases", json={}, headers={"Authorization": "Bearer forged"})
    assert slowed.status_code == 429


async def test_a_case_holds_documents_up_to_its_quota(tmp_path: Path) -> None:
    from api.evidence import EvidenceStore, TooLarge

    async def chunks(data: bytes) -> AsyncIterator[bytes]:
        yield data

    store = EvidenceStore(tmp_path, max_bytes=1000, case_quota=1500)
    await store.save(chunks(b"a" * 900 + b"\n"), "one.txt", "case-1")
    await store.save(chunks(b"a" * 900 + b"\n"), "one-again.txt", "case-1")  # the same bytes: stored once
    assert store.used_by("case-1") == 901
    with pytest.raises(TooLarge, match="may hold 1500 in all"):
        await store.save(chunks(b"b" * 900 + b"\n"), "two.txt", "case-1")
    await store.save(chunks(b"b" * 900 + b"\n"), "two.txt", "case-2")  # another case has its own
    # Two uploads to one case at the same moment, each within the quota alone: one is refused.
    both = await asyncio.gather(
        store.save(chunks(b"c" * 900 + b"\n"), "c.txt", "case-3"),
        store.save(chunks(b"d" * 900 + b"\n"), "d.txt", "case-3"),
        return_exceptions=True,
    )
    assert sorted(type(x).__name__ for x in both) == ["Evidence", "TooLarge"]
    assert store.used_by("case-3") == 901
