"""Scenario files and the letters a `reviews simulate` run leaves in its data folder."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import yaml

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def scenario(name: str) -> dict[str, Any]:
    found = yaml.safe_load(next(SCENARIOS.glob(f"{name}_*.yaml")).read_text())
    assert isinstance(found, dict)
    return found


def letters_in(folder: Path, kind: str) -> list[email.message.EmailMessage]:
    out = []
    for path in sorted((folder / "outbox").rglob(f"*-{kind}.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        out.append(message)
    return out


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())
