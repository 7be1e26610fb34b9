"""Version 4 (2026-12-01, the trust boundary): a party speaks only for itself. What a
complainant or the organisation sends is taken only from that party, the back office or
the case owner entering it (31); only the back office or the case owner says whose it is
or when it arrived (design.md, "The trust boundary"). Anything else is refused, recorded
in the audit trail, and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v3 import V3


@dataclass(frozen=True)
class V4(V3):
    version: int = 4
    checks_submitters: bool = True
