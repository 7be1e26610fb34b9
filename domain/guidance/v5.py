"""Version 5 (2026-12-01, whoever a stalled step reaches can take it over): once a
person's step is overdue, the case's manager or anyone more senior (whoever it has been
escalated to) may take it in that person's place, and the history records who acted for
whom (design.md, "Time"; paras 23, 32). What the case owner enters for the complainant
says how it was taken: `taken` is phone, post or in person (31: "writing down a challenge
of our decision over the phone")."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v4 import V4


@dataclass(frozen=True)
class V5(V4):
    version: int = 5
    says_how_taken: bool = True
    hands_over_overdue_steps: bool = True
