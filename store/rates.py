"""Sliding windows of how often a caller did something, kept in the store so that every API
process behind a load balancer counts the same flood (issue 23, "volume limits")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.models import RateMarkRow, clipped

KEY_MAX = 400
LONGEST_WINDOW = timedelta(hours=1)  # nothing older is ever counted
PRUNE_EVERY = 500  # marks noted by this process between clearing out old ones


class SharedWindow:
    """At most `limit` marks per key in the last `seconds`, counted in the store."""

    def __init__(self, engine: Engine, name: str, limit: int, seconds: float) -> None:
        self.engine, self.name, self.limit = engine, name, limit
        self.span = timedelta(seconds=seconds)
        self.noted = 0

    def _key(self, key: str) -> str:
        return clipped(f"{self.name}|{key}", KEY_MAX)

    def full(self, key: str, now: datetime | None = None) -> float | None:
        """Seconds to wait if `key` has used up its window, else None."""
        now = now or datetime.now(UTC)
        with Session(self.engine) as db:
            count, oldest = db.execute(
                select(func.count(), func.min(RateMarkRow.at)).where(
                    RateMarkRow.key == self._key(key), RateMarkRow.at > now - self.span
                )
            ).one()
        if count < self.limit or oldest is None:
            return None
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)  # SQLite drops the zone
        return max((oldest + self.span - now).total_seconds(), 1.0)

    def note(self, key: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        with Session(self.engine) as db:
            db.add(RateMarkRow(key=self._key(key), at=now))
            self.noted += 1
            if self.noted % PRUNE_EVERY == 0:
                db.execute(delete(RateMarkRow).where(RateMarkRow.at < now - LONGEST_WINDOW))
            db.commit()

    def take(self, key: str, now: datetime | None = None) -> float | None:
        """Note one more mark unless the window is full; the wait if it is."""
        now = now or datetime.now(UTC)
        if (wait := self.full(key, now)) is not None:
            return wait
        self.note(key, now)
        return None
