"""What a message's sender gets back (design.md, "What `status` shows"): an update answers
with a small receipt, a signal with an acknowledgement; the full view is the `status`
query, so payloads never grow with the case's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from domain.enums import Stage
from domain.models import Awaiting, Status

__all__ = ["Receipt", "SignalAck", "Status", "WouldTake", "WouldTakeAnswer"]


class Receipt(BaseModel):
    """The answer to an accepted and applied update."""

    workflow_id: str
    message: str
    stage: Stage
    outcome: str | None = None
    awaiting: Awaiting | None = None
    # The audit entries the message led to, in order (actions only; details in status).
    recorded: list[str] = []


class SignalAck(BaseModel):
    """A signal is recorded by the case whatever its stage (design.md, "Messages")."""

    workflow_id: str
    message: str
    received_at: datetime


class WouldTake(BaseModel):
    """The `would_take` query: would the case accept this update from this actor now?
    It runs the update's own validator and changes nothing (a form can ask before it is
    shown; the authority matrix test asks it for every role and relation)."""

    message: str
    data: dict[str, Any]


class Offers(BaseModel):
    """The `offers` query: which updates this actor may send now. Each update's own
    validator is asked with the table's example body, so a refusal for who or when leaves
    it out and one for the data (which the person has yet to type) does not: what the
    pages offer is exactly what the validators accept."""

    actor: dict[str, Any]


class WouldTakeAnswer(BaseModel):
    accepted: bool
    kind: str | None = None  # not_allowed / not_now / invalid, as a refusal's kind
    reason: str = ""
