"""The claim check (issue 23; design.md, "Rules of the house": any one payload under
256 KB): a payload over the threshold is kept in the case store by its sha256 and the
history carries a reference; with payload keys the store holds only ciphertext; a
reference the store cannot answer is a clear error, never a guess. On SQLite and on the
real PostgreSQL."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest
from google.protobuf import json_format
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from api.app import create_app
from api.settings import ApiSettings
from starter.claimcheck import ENCODING, THRESHOLD, ClaimCheckCodec, ClaimCheckError, PayloadStore
from starter.client import ReviewsClient
from starter.codec import ChainCodec, EncryptionCodec, data_converter, new_key, parse_keys
from store.models import PayloadRow
from tests.conftest import CASE_OWNER, decision_case, settings_in, terminate_when_quiet, today, until_stage
from tests.test_store import postgres_schema_url
from worker import build_worker

SECRET = "the GP's letter about the cancer"
ORGANISATION = {"id": "org-1", "role": "organisation"}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PayloadStore:
    url = f"sqlite:///{tmp_path / 'store' / 'p.db'}" if request.param == "sqlite" else postgres_schema_url()
    return PayloadStore(url)


def payload(size: int, text: str = "x") -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=(text * size)[:size].encode())


def rows(store: PayloadStore) -> int:
    with Session(store.engine) as session:
        return session.scalar(select(func.count()).select_from(PayloadRow)) or 0


async def test_only_a_payload_over_the_threshold_is_kept_in_the_store(store: PayloadStore) -> None:
    codec = ClaimCheckCodec(store)
    small, large = payload(THRESHOLD - 100), payload(THRESHOLD + 1)
    encoded = await codec.encode([small, large])
    assert encoded[0] == small
    assert encoded[1].metadata["encoding"] == ENCODING and encoded[1].ByteSize() < 200
    assert await codec.decode(encoded) == [small, large]
    assert rows(store) == 1


async def test_the_same_payload_twice_is_stored_once(store: PayloadStore) -> None:
    codec = ClaimCheckCodec(store)
    first = await codec.encode([payload(THRESHOLD * 2)])
    again = await ClaimCheckCodec(PayloadStore(store.database_url)).encode([payload(THRESHOLD * 2)])
    assert first == again and rows(store) == 1


async def test_a_reference_the_store_does_not_hold_is_a_clear_error(
    store: PayloadStore, tmp_path: Path
) -> None:
    (reference,) = await ClaimCheckCodec(store).encode([payload(THRESHOLD * 2)])
    elsewhere = ClaimCheckCodec(PayloadStore(f"sqlite:///{tmp_path / 'other.db'}"))
    with pytest.raises(ClaimCheckError, match="is not in the case store .*same REVIEWS_DATABASE_URL"):
        await elsewhere.decode([reference])


async def test_a_stored_payload_that_was_altered_is_refused(store: PayloadStore) -> None:
    codec = ClaimCheckCodec(store)
    (reference,) = await codec.encode([payload(THRESHOLD * 2)])
    with Session(store.engine) as session:
        session.execute(update(PayloadRow).values(data=b"forged"))
        session.commit()
    with pytest.raises(ClaimCheckError, match="does not match its hash"):
        await codec.decode([reference])


async def test_with_keys_the_store_holds_only_ciphertext(store: PayloadStore) -> None:
    codec = ChainCodec([EncryptionCodec(parse_keys(new_key("k1"))), ClaimCheckCodec(store)])
    plain = payload(THRESHOLD * 2, SECRET)
    (reference,) = await codec.encode([plain])
    assert reference.metadata["encoding"] == ENCODING
    with Session(store.engine) as session:
        kept = session.scalars(select(PayloadRow.data)).one()
    assert SECRET.encode() not in kept and b"binary/encrypted" in kept
    assert await codec.decode([reference]) == [plain]


async def test_a_large_case_runs_with_references_and_the_codec_server_shows_it_whole(
    env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """A case whose messages pass the threshold (lowered to 16 KB here): the worker reads
    them from the store, the case goes on and its status reads whole, the raw history holds
    only references, and the Web UI's codec route turns a reference back into the payload."""
    store = PayloadStore(f"sqlite:///{tmp_path / 'payloads.db'}")
    codec = ClaimCheckCodec(store, threshold=16 * 1024)
    target = env.client.service_client.config.target_host
    client = await Client.connect(target, data_converter=data_converter(codec))
    queue = f"claim-{uuid.uuid4().hex[:6]}"
    reviews = ReviewsClient(client, queue)
    activities = CaseActivities(settings_in(tmp_path))
    async with build_worker(client, activities, queue):
        wid = await reviews.open("decision_complaint", decision_case(decided_on=await today(env)))
        await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
        await until_stage(reviews, wid, "awaiting_grounds")
        for n in range(3):  # each 20,000 characters: over the threshold
            await reviews.send(wid, "evidence_submitted", ORGANISATION, {"note": f"{n} " + "w" * 19_990})
        status = await reviews.status(wid)
        notes = [e.detail for e in status.history if e.action == "note sent with the documents"]
        assert [note[:2] for note in notes] == ["0 ", "1 ", "2 "]
        raw = await env.client.get_workflow_handle(wid).fetch_history()
        encoded = base64.b64encode(ENCODING).decode()
        assert encoded in raw.to_json(), "some payload was meant to be kept in the store"
        assert max(event.ByteSize() for event in raw.events) < 256 * 1024
        references = [
            p
            for e in raw.events
            if e.HasField("workflow_execution_signaled_event_attributes")
            for p in e.workflow_execution_signaled_event_attributes.input.payloads
            if p.metadata.get("encoding") == ENCODING
        ]
        app = create_app(
            ApiSettings.from_env(tmp_path),
            client=client,
            codec_server=codec,
            codec_open=True,
        )
        with TestClient(app) as http:
            body = json_format.MessageToDict(Payloads(payloads=references[:1]))
            answer = http.post("/codec/decode", json=body)
            assert answer.status_code == 200
            (decoded,) = json_format.ParseDict(answer.json(), Payloads()).payloads
            assert decoded.ByteSize() > 16 * 1024 and b"wwww" in decoded.data
        await terminate_when_quiet(env, wid)
