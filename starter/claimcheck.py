"""A case's history stays small whatever arrives (issue 23; design.md, "Rules of the
house": any one payload under 256 KB, a case's whole history under 10 MB).

The claim check: a payload larger than `THRESHOLD` is kept in the case store (the
`payloads` table, by its sha256, like evidence) and the history carries only a
reference to it. It applies to everything the SDK encodes — a message, an activity's
input or result, the state continue-as-new carries to the next run, a query's answer —
so the workflow code is the same whatever the size. With payload keys configured the
payload is encrypted first, so the store holds only ciphertext (starter/codec.py).

Every client and worker of one deployment must use the same store, as they already do
for the case records (REVIEWS_DATABASE_URL). A reference whose payload is missing is a
clear error naming the store, never a guess.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from store.db import make_engine, migrate
from store.models import PayloadRow

ENCODING = b"binary/claim-check"
SHA256 = "claim-check-sha256"
THRESHOLD = 128 * 1024  # well under the 256 KB a payload may be (design.md)


class ClaimCheckError(ValueError):
    """A reference whose payload the store does not hold (or holds corrupted)."""


class PayloadStore:
    """Payloads by sha256 in the case store. The engine is made on first use, so a client
    that never meets a large payload never opens the store."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.database_url)  # makes a SQLite file's folder
            migrate(self.database_url)
            self._engine = engine
        return self._engine

    def put(self, sha256: str, data: bytes) -> None:
        """Idempotent: the same payload twice (a retry, another worker) is stored once."""
        with Session(self.engine) as session:
            if session.get(PayloadRow, sha256) is not None:
                return
            session.add(PayloadRow(sha256=sha256, size=len(data), data=data, stored_at=datetime.now(UTC)))
            try:
                session.commit()
            except IntegrityError:  # another process stored it between the two steps
                session.rollback()

    def get(self, sha256: str) -> bytes:
        with Session(self.engine) as session:
            data = session.scalar(select(PayloadRow.data).where(PayloadRow.sha256 == sha256))
        if data is None:
            raise ClaimCheckError(
                f"payload {sha256[:12]}... is not in the case store {self.where()}: every client and "
                "worker of a deployment must use the same REVIEWS_DATABASE_URL (or data folder)"
            )
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ClaimCheckError(f"payload {sha256[:12]}... in the case store does not match its hash")
        return bytes(data)

    def where(self) -> str:
        return self.database_url.split("@")[-1]  # never a password


class ClaimCheckCodec(PayloadCodec):
    def __init__(self, store: PayloadStore, threshold: int = THRESHOLD) -> None:
        self.store = store
        self.threshold = threshold

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [await self.check_in(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [await self.claim(p) for p in payloads]

    async def check_in(self, payload: Payload) -> Payload:
        if payload.ByteSize() <= self.threshold:
            return payload
        data = payload.SerializeToString()
        sha256 = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(self.store.put, sha256, data)
        return Payload(metadata={"encoding": ENCODING, SHA256: sha256.encode()}, data=b"")

    async def claim(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        sha256 = payload.metadata.get(SHA256, b"").decode()
        return Payload.FromString(await asyncio.to_thread(self.store.get, sha256))


def is_reference(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING
