"""Version 9 (2026-12-01, letters that reach people and say what matters): a complaint
about a joint decision goes to the Joint Working Team as a referral of its own
(`jwt_referral`: the complainant, their contact, the decision and its date, why it is the
team's, the case owner; 76), not as the complainant's closing letter re-addressed.
Letters leave through the outbox (issue 25): a letter that cannot go (no address, a
bounce) opens one task for the case owner per person, not one per letter, and counts as
our turn to write, so keeping in touch does not write again at once into the same wall."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v8 import V8


@dataclass(frozen=True)
class V9(V8):
    version: int = 9
    refers_to_jwt_in_its_own_words: bool = True
    letters_through_outbox: bool = True
