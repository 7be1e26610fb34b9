"""Version 2 (2026-11-27, acknowledgements): every submission, the complaint first, is
acknowledged the same working day (design.md, "What the complainant gets")."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v1 import V1


@dataclass(frozen=True)
class V2(V1):
    version: int = 2
    acknowledges_submissions: bool = True
