"""Nothing a caller sends can wedge a case (issue 23, items 1, 3, 4 and 5): refused at the
edge with a 4xx problem naming the field, before a case ever holds it — and no body is
read before the caller is known or past its limit."""

from __future__ import annotations

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
