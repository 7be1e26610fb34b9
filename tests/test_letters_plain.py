"""Letters to the public are plain English (design.md, "What the complainant gets"): no paragraph numbers or internal
codes, dates in words, short sentences. Every public template is rendered with realistic
data and scored with textstat: Flesch reading ease at least 60, no sentence over 30 words.
Staff letters keep their paragraph references."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import textstat

from activities.letters import render
from activities.models import LetterRequest, Recipient
from domain.enums import Kind, Outcome
from domain.letters import ends_internal_process

PUBLIC: dict[str, dict[str, Any]] = {
    "acknowledgement": {"items": [{"what": "your reasons for asking for a review", "documents": [
        {"name": "letter.pdf", "size": 48213, "fingerprint": "9f86d081884c", "received": True},
        {"name": "photo.jpg", "size": None, "fingerprint": "", "received": False}]}],
        "held_by": "cw-alice", "next": "challenge_assessment", "next_by": "2026-04-14"},
    "grounds_request": {"deadline": "2026-04-01"},
    "grounds_reminder": {"deadline": "2026-04-01"},
    "grounds_deadline_extended": {"old_deadline": "2026-04-01", "deadline": "2026-04-15"},
    "late_explanation_request": {"deadline": "2026-04-01", "reply_by": "2026-04-25"},
    "progress_update": {"where": "Our Assurance Team is reviewing our decision.",
                        "waiting_for": "We are waiting for our Assurance Team to do the next step.", "next_by": "2026-05-01"},
    "ndi_proposal": {"summary": "whether the hospital's discharge was safe", "reason": "flawed_evidence", "window_ends": "2026-05-01"},
    "amended_report": {"original_issue_date": "2026-03-01", "note": "we corrected a date"},
    "rationale_explanation": {"note": "we explain our reasons again"},
}  # fmt: skip
CLOSING = {"reason": "We looked at everything you sent.", "remedy": {"kinds": ["apology"], "amount_gbp": 0},
           "new_case": "C-1-NDI1", "summary": "the discharge", "decided_on": "2026-03-01", "action": "apology",
           "jr_window_ends": "2026-06-01", "jr_delay_not_challenged": True}  # fmt: skip


def rendered(kind: str, context: dict[str, Any]) -> str:
    request = LetterRequest(
        workflow_id="wf", key=f"001-{kind}", kind=kind, case_ref="C-1001",
        to=Recipient(role="service_user", id="service-user:C-1001", name="Ann Smith"),
        at=datetime(2026, 3, 10, 9, tzinfo=UTC), paragraphs=["30", "32"], context=context,
        # A letter that ends the internal process says what remains (74, 6, 71): scored too.
        ends_internal_process="outcome" in context
        and ends_internal_process(Outcome(context["outcome"]), Kind.DECISION_COMPLAINT),
    )  # fmt: skip
    return render(request)[1]


def body_only(text: str) -> str:
    """The letter without its address lines, sign-off and contact block (not sentences to
    score; the contact block is checked on its own)."""
    lines = [
        line
        for line in text.split("Yours sincerely,")[0].splitlines()
        if line.strip()
        and not line.startswith(("Case reference", "Date:", "Dear", "Yours", "Review and Feedback"))
    ]
    return " ".join(lines)


CASES: list[tuple[str, dict[str, Any]]] = [(kind, ctx) for kind, ctx in PUBLIC.items()] + [
    ("closing", CLOSING | {"outcome": outcome.value})
    for outcome in Outcome
    if outcome not in (Outcome.FEEDBACK_REVIEWED, Outcome.CHILD_COMPLETED)  # no closing letter to the public
]


@pytest.mark.parametrize(
    ("kind", "context"), CASES, ids=[k if k != "closing" else f"closing-{c.get('outcome')}" for k, c in CASES]
)
def test_public_letters_are_plain_english(kind: str, context: dict[str, Any]) -> None:
    text = body_only(rendered(kind, context))
    assert not re.search(r"\bparas?\b|\bparagraphs?\b \d|Guidance v12", text, flags=re.I), text
    assert "_" not in text, text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text  # dates in words
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    longest = max(sentences, key=lambda s: len(s.split()))
    assert len(longest.split()) <= 30, longest
    score = textstat.flesch_reading_ease(text)
    assert score >= 60, f"{kind}: Flesch {score:.0f}: {text}"


def test_staff_letters_keep_their_paragraphs() -> None:
    request = LetterRequest(
        workflow_id="wf", key="001-oat_advice_request", kind="oat_advice_request", case_ref="C-1001",
        to=Recipient(role="oat", id="oat"), at=datetime(2026, 3, 10, 9, tzinfo=UTC), paragraphs=["27"],
        context={"reasons": ["26: an MP supports the challenge"]},
    )  # fmt: skip
    assert "[Guidance v12, paragraphs 27]" in render(request)[1]


def test_a_letter_to_the_complainant_names_who_holds_the_case_never_their_id() -> None:
    """design.md, `reassign`: later letters name the new holder, by name and title."""

    def letter(owner: str, to: str = "service_user", kind: str = "grounds_request") -> str:
        request = LetterRequest(
            workflow_id="wf", key=f"001-{kind}", kind=kind, case_ref="C-1001",
            to=Recipient(role=to, id=f"{to}:C-1001", name="Ann Smith"), case_owner=owner,
            at=datetime(2026, 3, 10, 9, tzinfo=UTC), context=PUBLIC.get(kind, CLOSING | {"outcome": "not_actionable"}),
        )  # fmt: skip
        return render(request)[1]

    assert "Your case is with Zed Khan, Caseworker, casework south team." in letter("cw-zed")
    assert "Your case is with Alice Ward, Caseworker, casework north team." in letter("cw-alice")
    unknown = letter("cw-nobody")
    assert "Your case is with" not in unknown and "cw-nobody" not in unknown
    assert "Your case is with" not in letter("cw-zed", kind="closing")  # nobody holds a closed case
