"""What a message's sender gets back (design.md, "What `status` shows"): an update answers
with a small receipt, a signal with an acknowledgement; the full view is the `status`
query, so payloads never grow with the case's history."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.enums import Stage
from domain.models import Awaiting, Status

__all__ = ["Receipt", "SignalAck", "Status"]


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
