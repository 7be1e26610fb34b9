"""A form sent back with errors, kept for a short while so the page can be a redirect
(post/redirect/get, issue 26): the address bar holds the case page, a reload sends
nothing, and what the person typed (up to 20,000 characters a field: too much for a
session cookie) comes back with its errors. A draft is its person's and its case's only."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from store.models import FormDraftRow, aware

KEPT_FOR = timedelta(hours=1)


def keep(engine: Engine, person: str, workflow_id: str, name: str, payload: dict[str, Any]) -> str:
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.execute(delete(FormDraftRow).where(FormDraftRow.kept_at < now - KEPT_FOR))
        session.add(FormDraftRow(token=token, person=person, workflow_id=workflow_id, name=name,
                                 data=json.dumps(payload, default=str), kept_at=now))  # fmt: skip
    return token


def kept(engine: Engine, token: str, person: str, workflow_id: str) -> tuple[str, dict[str, Any]] | None:
    """The draft, if it is this person's, for this case, and not yet expired."""
    if not token or len(token) > 64:
        return None
    with Session(engine) as session:
        row = session.get(FormDraftRow, token)
    if row is None or row.person != person or row.workflow_id != workflow_id:
        return None
    if aware(row.kept_at) < datetime.now(UTC) - KEPT_FOR:
        return None
    return row.name, json.loads(row.data)
