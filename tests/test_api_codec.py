"""Personal data is encrypted in Temporal's payloads when a key is configured (design.md, "Rules of the house"):
the codec round-trips, rotates keys, refuses what it cannot read, and a complainant's
name and e-mail appear nowhere in a case's history bytes."""

from __future__ import annotations

import base64
import uuid

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from starter.client import ReviewsClient
from starter.codec import CodecError, EncryptionCodec, data_converter, new_key, parse_keys
from tests.conftest import decision_case, terminate_when_quiet
from worker import build_worker

NAME, EMAIL = "Philippa Quennell-Whitcombe", "philippa.qw@example.org"


def key(kid: str) -> dict[str, bytes]:
    return parse_keys(new_key(kid))


async def test_a_payload_round_trips_and_carries_its_key_id() -> None:
    codec = EncryptionCodec(key("k1"))
    plain = Payload(metadata={"encoding": b"json/plain"}, data=f'"{NAME}"'.encode())
    (sealed,) = await codec.encode([plain])
    assert (
        sealed.metadata["encoding"] == b"binary/encrypted" and sealed.metadata["encryption-key-id"] == b"k1"
    )
    assert NAME.encode() not in sealed.data
    assert await codec.decode([sealed]) == [plain]
    assert await codec.decode([plain]) == [plain]  # not encrypted: passed through


async def test_keys_rotate_new_first_old_still_read() -> None:
    old = key("2025")
    (sealed,) = await EncryptionCodec(old).encode([Payload(data=b"x")])
    rotated = EncryptionCodec(key("2026") | old)
    assert (await rotated.decode([sealed]))[0].data == b"x"
    (fresh,) = await rotated.encode([Payload(data=b"y")])
    assert fresh.metadata["encryption-key-id"] == b"2026"
    with pytest.raises(CodecError, match="encrypted with key '2026', which is not configured"):
        await EncryptionCodec(old).decode([fresh])


def test_bad_keys_are_refused_clearly() -> None:
    with pytest.raises(CodecError, match="write kid:base64key"):
        parse_keys("nokey")
    with pytest.raises(CodecError, match="k1: not base64"):
        parse_keys("k1:@@@")
    with pytest.raises(CodecError, match=r"k1: must be 32 bytes \(AES-256\), not 3"):
        parse_keys("k1:" + base64.b64encode(b"abc").decode())
    with pytest.raises(CodecError, match="at least one key"):
        EncryptionCodec({})
    assert list(parse_keys(new_key("a") + "," + new_key("b"))) == ["a", "b"]


async def test_no_personal_data_in_the_history_when_a_key_is_set(
    env: WorkflowEnvironment, activities: CaseActivities
) -> None:
    codec = EncryptionCodec(key("k1"))
    target = env.client.service_client.config.target_host
    sealed_client = await Client.connect(target, data_converter=data_converter(codec))
    queue = f"codec-{uuid.uuid4().hex[:6]}"
    reviews = ReviewsClient(sealed_client, queue)
    async with build_worker(sealed_client, activities, queue):
        ref = f"C-{uuid.uuid4().hex[:6]}"
        case = decision_case(ref) | {
            "complainant": {"name": NAME, "email": EMAIL, "address": "1 Quiet Lane"},
            "reasonable_adjustments": ["interpreter: Polish"],
        }
        wid = await reviews.open("decision_complaint", case)
        status = await reviews.status(wid)
        assert status.stage.value == "case_owner_resolution"
        # Staff's words (a pause's reason) stay out of the current details too (issue 23).
        owner = {"id": "cw-alice", "role": "caseworker"}
        await reviews.send(
            wid, "pause_clock", owner, {"reason": "waiting for the GP's letter about the cancer"}
        )
        # Through the codec the case reads as usual...
        history = await sealed_client.get_workflow_handle(wid).fetch_history()
        # ...but the bytes Temporal keeps hold neither the name nor the e-mail.
        raw = await env.client.get_workflow_handle(wid).fetch_history()
        stored = raw.to_json().encode() + b"".join(e.SerializeToString() for e in raw.events)
        for secret in (NAME, EMAIL, "Quiet Lane", "Polish"):
            assert secret.encode() not in stored
            assert base64.b64encode(secret.encode())[:16] not in stored
        # Search attributes and current details (never encrypted) hold no personal data.
        described = await env.client.get_workflow_handle(wid).describe()
        shown = [str(pair.value) for pair in described.typed_search_attributes]
        assert ref in shown
        metadata = await sealed_client.get_workflow_handle(wid).query(
            "__temporal_workflow_metadata", result_type=WorkflowMetadata
        )
        assert ref in metadata.current_details and "1 reasonable adjustment(s)" in metadata.current_details
        summary = " ".join(shown) + metadata.current_details
        assert "clock paused until" in metadata.current_details
        for secret in (NAME, EMAIL, "Quiet Lane", "Polish", "cancer"):
            assert secret not in summary
        assert len(history.events) == len(raw.events)
        await terminate_when_quiet(env, wid)
