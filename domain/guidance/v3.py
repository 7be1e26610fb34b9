"""Version 3 (2026-11-27, never silent): no open case goes more than `max_silence`
working days without a letter to the complainant (design.md, "What the complainant
gets")."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v2 import V2


@dataclass(frozen=True)
class V3(V2):
    version: int = 3
    keeps_in_touch: bool = True
