"""Hostile bodies against a real `reviews dev` (issue 23: fuzz "against `reviews dev`, not
only the in-process app"): every message route is sent oversized, malformed, control-
character and deeply nested bodies, over the network, through uvicorn; each is answered
with a 4xx problem, never a 5xx, and afterwards the case still answers and no workflow task
has failed. Then schemathesis sends every route generated requests over the network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.auth import mint
from api.settings import read_secret
from contract.messages import MESSAGES
from domain.enums import Role
from domain.models import Actor
from starter.client import ReviewsClient, connect
from tests.conftest import decision_case, failed_workflow_tasks
from tests.test_api_schema import schema
from tests.test_deploy_dev_server import Dev, free_port

HOSTILE: dict[str, bytes] = {
    "over 1 MB": json.dumps({"why_wrong": "x" * (1024 * 1024 + 10)}).encode(),
    "not JSON": b"{this is not json",
    "invalid UTF-8": b'{"text": "\xff\xfe"}',
    "a lone surrogate": b'{"text": "\\ud800"}',
    "a NUL and an escape": json.dumps({"text": "a\u0000b\u001b[2J", "note": "\u0007"}).encode(),
    "nested 10,000 deep": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "a key twice": b'{"text": "one", "text": "two"}',
    "an array, not an object": b"[1, 2, 3]",
    "a huge number": b'{"amount_gbp": 1e308, "new_deadline": "9999-12-31"}',
}


class Running:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.dev = Dev(data_dir, self.port, free_port())
        self.dev.wait_ready()
        self.base = f"http://127.0.0.1:{self.dev.api_port}"

    def token(self, who: str, role: Role, case: str | None = None) -> dict[str, str]:
        secret = read_secret(self.data_dir)
        assert secret
        return {"Authorization": "Bearer " + mint(secret, Actor(id=who, role=role), case=case)}


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = Running(tmp_path_factory.mktemp("hostile") / "data")
    yield running
    running.dev.stop()


async def test_no_hostile_body_gets_past_the_edge(dev: Running) -> None:
    back_office = dev.token("crm", Role.BACK_OFFICE)
    answers: dict[str, int] = {}
    cases: list[str] = []
    async with httpx.AsyncClient(base_url=dev.base, timeout=60) as http:
        for name in sorted(MESSAGES):  # a case of its own each: the rate limit is per case
            body = {"kind": "decision_complaint", **decision_case(decided_on="2026-11-20")}
            opened = await http.post("/cases", json=body, headers=back_office)
            assert opened.status_code == 201, opened.text
            wid = opened.json()["workflow_id"]
            cases.append(wid)
            for what, hostile in HOSTILE.items():
                answer = await http.post(f"/cases/{wid}/messages/{name}", content=hostile,
                                         headers=back_office | {"Content-Type": "application/json"})  # fmt: skip
                answers[f"{name}: {what}"] = answer.status_code
                assert answer.headers["content-type"].startswith("application/problem+json"), (name, what)
        assert all(400 <= status < 500 for status in answers.values()), {
            k: v for k, v in answers.items() if not 400 <= v < 500
        }
        assert answers["grounds_submitted: over 1 MB"] == 413
        assert answers["grounds_submitted: a key twice"] == 400
        assert answers["grounds_submitted: a NUL and an escape"] == 422
        for wid in cases:
            status = await http.get(f"/cases/{wid}", headers=back_office)
            assert status.status_code == 200 and status.json()["stage"] == "case_owner_resolution"
    reviews = ReviewsClient(await connect(f"127.0.0.1:{dev.port}"))
    for wid in cases:
        assert await failed_workflow_tasks(reviews, wid) == 0


# The in-process app's schema, sent to the running `reviews dev` over the network.
@schema.exclude(path="/cases", method="GET").parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_on_the_running_server(case: Any, dev: Running) -> None:
    case.call_and_validate(
        base_url=dev.base,
        headers=dev.token("crm", Role.BACK_OFFICE),
        excluded_checks=[positive_data_acceptance],
    )
