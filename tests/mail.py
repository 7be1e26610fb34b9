"""A real local SMTP server for the tests (aiosmtpd): what it received, as the mail
server received it (envelope recipients and the decoded message), so a letter test reads
what a person would get, not the outbox files."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.test_deploy_dev_server import free_port


@dataclass
class Received:
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def kind(self) -> str:
        return str(self.message["X-Reviews-Letter"])


class Inbox:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: set[str] = set()  # addresses this server answers 550, as a real one would

    @property
    def messages(self) -> list[bytes]:
        return [r.raw for r in self.received]

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    async def handle_RCPT(  # noqa: N802
        self, server: object, session: object, envelope: object, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received.append(Received(list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@contextmanager
def smtp_server(port: int | None = None, inbox: Inbox | None = None) -> Iterator[tuple[Inbox, str]]:
    """A mail server on a free port of 127.0.0.1 (or `port`, to come up where a
    dispatcher has been trying): the inbox and its smtp:// URL."""
    inbox, port = inbox or Inbox(), port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()
