"""Version 6 (2026-12-01, nothing a caller sends can wedge a case): what arrives within
`acknowledgement_batch_minutes` (policy; 10 by default) of an acknowledgement waits for one
letter with the rest, so a run of uploads gets one acknowledgement, not one each (issue 23:
30 uploads sent 38 acknowledgements to the complainant and 38 to the advocate). The first
submission is still acknowledged at once, and a case that closes sends what is held (13)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v5 import V5


@dataclass(frozen=True)
class V6(V5):
    version: int = 6
    batches_acknowledgements: bool = True
