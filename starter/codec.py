"""Personal data in Temporal payloads is encrypted (design.md, "Rules of the house").

AES-256-GCM, one key id per payload in its metadata: the first configured key encrypts,
any configured key decrypts, so keys can be rotated by putting a new key first and
keeping the old one until no running case needs it. Keys come from the environment
(`REVIEWS_PAYLOAD_KEYS=kid:base64key[,kid:base64key...]`) or a file
(`REVIEWS_PAYLOAD_KEYS_FILE`, the same text), never from the repository. With no key,
payloads are as the SDK writes them.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class CodecError(ValueError):
    """Keys that cannot be used, or a payload that cannot be decrypted with them."""


def parse_keys(text: str) -> dict[str, bytes]:
    """`kid:base64key[,kid:base64key...]`, in order: the first key encrypts."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in text.replace("\n", ",").split(",")):
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid:
            raise CodecError(f"payload key {item[:12]}...: write kid:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise CodecError(f"payload key {kid}: not base64") from None
        if len(key) != 32:
            raise CodecError(f"payload key {kid}: must be 32 bytes (AES-256), not {len(key)}")
        keys[kid] = key
    return keys


def keys_from_env() -> dict[str, bytes]:
    text = os.environ.get("REVIEWS_PAYLOAD_KEYS", "")
    if not text and (file := os.environ.get("REVIEWS_PAYLOAD_KEYS_FILE")):
        text = Path(file).read_text()
    return parse_keys(text)


def new_key(kid: str) -> str:
    """A fresh `kid:base64key` entry for REVIEWS_PAYLOAD_KEYS."""
    return f"{kid}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise CodecError("an encryption codec needs at least one key")
        self.keys = keys
        self.current = next(iter(keys))

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, payload.SerializeToString(), None)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: self.current.encode()}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        kid = payload.metadata.get(KEY_ID, b"").decode()
        key = self.keys.get(kid)
        if key is None:
            raise CodecError(f"payload encrypted with key {kid!r}, which is not configured")
        data = payload.data
        return Payload.FromString(AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None))


def encryption_from_env() -> EncryptionCodec | None:
    keys = keys_from_env()
    return EncryptionCodec(keys) if keys else None


class ChainCodec(PayloadCodec):
    """Codecs in turn: encoding runs them in order, decoding in reverse."""

    def __init__(self, codecs: Sequence[PayloadCodec]) -> None:
        self.codecs = list(codecs)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = list(payloads)
        for codec in self.codecs:
            out = list(await codec.encode(out))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = list(payloads)
        for codec in reversed(self.codecs):
            out = list(await codec.decode(out))
        return out

    @property
    def encrypts(self) -> bool:
        return any(isinstance(codec, EncryptionCodec) for codec in self.codecs)


def codec_from_env(database_url: str | None = None) -> ChainCodec:
    """The deployment's codec: encryption when keys are configured, then the claim check
    into the case store (`database_url`, or the store the environment names), so large
    payloads are kept there encrypted (starter/claimcheck.py)."""
    from activities.settings import Settings
    from starter.claimcheck import ClaimCheckCodec, PayloadStore

    store = PayloadStore(database_url or Settings.from_env().database_url)
    encryption = encryption_from_env()
    return ChainCodec([*([encryption] if encryption else []), ClaimCheckCodec(store)])


def data_converter(codec: PayloadCodec | None = None) -> DataConverter:
    """The pydantic data converter, with the payload codec when there is one."""
    if codec is None:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)
