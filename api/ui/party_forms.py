"""What a party can send from the front door (issue 27), one form per contract message, in
the words a complainant reads: no paragraph numbers, no codes. Which forms are offered
follows the message table (who may send it, and at which stage) and what is owed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from contract.messages import MESSAGES
from domain.models import AdjustmentKind
from domain.permissions import SUBMITTERS


@dataclass(frozen=True)
class Question:
    key: str  # the message's field, or "documents" for files
    label: str
    kind: str  # textarea | date | radios | files | confirm
    hint: str = ""
    required: bool = False
    missing: str = ""  # the error when a required answer is left out
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PartyForm:
    name: str  # the contract message it sends
    title: str  # the page's heading and its link on the case page
    lead: str
    questions: tuple[Question, ...]
    check_answers: bool = False
    done: str = "We have received it. We will write to you to say so."
    documents_field: str | None = None  # the message field the files go in
    roles: frozenset[str] = field(default_factory=frozenset)


FILES = Question(
    "documents", "Upload documents (optional)", "files",
    hint="You can choose several files at once.",
)  # fmt: skip
ADJUSTMENT_CHOICES = (
    (AdjustmentKind.LARGE_PRINT.value, "Large print letters"),
    (AdjustmentKind.EASY_READ.value, "Easy read letters"),
    (AdjustmentKind.PLAIN_TEXT.value, "Plain text emails"),
    (AdjustmentKind.PHONE_CALL.value, "A phone call to explain each letter"),
    (AdjustmentKind.POST.value, "Letters by post"),
    (AdjustmentKind.INTERPRETER.value, "An interpreter"),
    (AdjustmentKind.OTHER.value, "Something else"),
)

FORMS: dict[str, PartyForm] = {
    f.name: f
    for f in (
        PartyForm(
            "grounds_submitted", "Send us your reasons for a review",
            "Tell us why you think our decision is wrong and what you would like us to do. "
            "You can add documents that show this.",
            (
                Question("why_wrong", "Why do you think our decision is wrong?", "textarea", required=True,
                         hint="Tell us what we got wrong, missed or did not take into account.",
                         missing="Tell us why you think our decision is wrong"),
                Question("wanted", "What would you like us to do?", "textarea", required=True,
                         hint="For example, look at the evidence again.",
                         missing="Tell us what you would like us to do"),
                FILES,
            ),
            check_answers=True, documents_field="evidence",
            done="We have your reasons. We will write to you to say we received them.",
        ),
        PartyForm(
            "late_explanation", "Tell us why your reasons are late",
            "Your reasons reached us after the deadline. Tell us why, so we can decide whether we "
            "can still look at them.",
            (Question("text", "Why did your reasons reach us late?", "textarea", required=True,
                      hint="For example, you were in hospital or someone close to you died.",
                      missing="Tell us why your reasons reached us late"),),
        ),
        PartyForm(
            "party_comment", "Comment on our plan to look at the complaint again",
            "We plan to start a new investigation. Tell us anything you think we should know first.",
            (Question("text", "Your comments", "textarea", required=True, missing="Enter your comments"),
             FILES),
            documents_field="evidence",
            done="We have your comments. We will think about them before we decide.",
        ),
        PartyForm(
            "evidence_submitted", "Send us documents",
            "Send us documents about your case. We will write to you to say we received them.",
            (Question("documents", "Upload documents", "files", required=True,
                      hint="You can choose several files at once.", missing="Choose at least one file"),
             Question("note", "Tell us what the documents are (optional)", "textarea")),
            documents_field="documents",
            done="We have your documents. We will write to you to say we received them.",
        ),
        PartyForm(
            "more_time_requested", "Ask for more time",
            "If you need more time to send us what we asked for, tell us why. A manager will "
            "decide and we will write to you.",
            (Question("text", "Why do you need more time?", "textarea", required=True,
                      missing="Tell us why you need more time"),
             Question("until", "What date do you need until? (optional)", "date",
                      hint="For example, 27 3 2027")),
            done="We have your request. A manager will decide and we will write to you.",
        ),
        PartyForm(
            "adjustment_requested", "Ask us to change how we work with you",
            "We can make changes to help you, for example send letters in large print. Your case "
            "owner will contact you to agree them.",
            (Question("kind", "What would help you?", "radios", choices=ADJUSTMENT_CHOICES),
             Question("text", "Tell us more", "textarea", required=True,
                      missing="Tell us what would help you")),
            done="We have your request. Your case owner will contact you to agree what we will do.",
        ),
        PartyForm(
            "withdraw", "Withdraw your complaint",
            "If you are happy with what we have done, you can withdraw your complaint. We will "
            "close your case and write to you to say so.",
            (Question("note", "Tell us why (optional)", "textarea"),
             Question("confirm", "I am satisfied and want to withdraw my complaint", "confirm",
                      required=True, missing="Tick the box to say you want to withdraw")),
            check_answers=True,
            done="You have withdrawn your complaint. We will write to you to confirm this.",
        ),
    )
}  # fmt: skip


def offered(status: Any, role: str) -> list[PartyForm]:
    """The forms this party may send now: the message table's `who` and stages, and what
    they are asked for (grounds until they have arrived, a late explanation when asked)."""
    if status.outcome is not None:
        return []
    waiting = status.awaiting
    owed = waiting.action if waiting is not None and role in waiting.actor_role.split(",") else None
    out = []
    for form in FORMS.values():
        spec = MESSAGES[form.name]
        if role not in {r.value for r in SUBMITTERS[form.name]} or status.kind not in spec.case_kinds:
            continue
        if not spec.takes_at(status.stage):
            continue
        if form.name == "grounds_submitted" and status.grounds_received_on is not None:
            continue
        if form.name == "late_explanation" and owed != "late_explanation":
            continue
        if form.name == "more_time_requested" and owed is None:
            continue
        out.append(form)
    owed_first = sorted(out, key=lambda f: f.name != owed)
    return owed_first


def answers_from(form: PartyForm, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The message's data from what was typed, and the errors, by question (GOV.UK's
    "Enter ..." words), before anything is sent."""
    sent: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in form.questions:
        if q.kind == "files":
            continue
        if q.kind == "date":
            parts = [str(data.get(f"{q.key}-{p}") or "").strip() for p in ("day", "month", "year")]
            if any(parts):
                try:
                    sent[q.key] = date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
                except ValueError:
                    errors[q.key] = "Enter a real date, for example 27 3 2027"
            continue
        value = str(data.get(q.key) or "").strip()
        if q.kind == "confirm":
            if q.required and value != "yes":
                errors[q.key] = q.missing
            continue
        if q.kind == "radios" and value and value not in {c[0] for c in q.choices}:
            errors[q.key] = "Choose one of the options"
            continue
        if q.required and not value:
            errors[q.key] = q.missing
        elif value:
            sent[q.key] = value
    return sent, errors | model_errors(form, sent)


LIMIT = re.compile(r"at most (\d+) characters")


def model_errors(form: PartyForm, sent: dict[str, Any]) -> dict[str, str]:
    """The contract's own bounds (design.md, "Rules of the house"), in a person's words."""
    try:
        MESSAGES[form.name].model.model_validate(sent)
    except ValidationError as err:
        errors = {}
        for e in err.errors():
            key = str(e["loc"][0]) if e["loc"] else ""
            question = next((q for q in form.questions if q.key == key), None)
            if question is None:
                continue
            found = LIMIT.search(e["msg"])
            if found:
                what = question.label.split("?")[0].removesuffix(" (optional)")
                errors[key] = f"{what} must be {int(found[1]):,} characters or fewer"
            elif "date" in e["type"] or key == "until":
                errors[key] = "Enter a date from today to a year from now"
            else:
                errors[key] = f"Check this answer: {e['msg'].removeprefix('Value error, ')}"
        return errors
    return {}


PARAGRAPHS = re.compile(r"\s*\((?:guidance v\d+[^)]*|paras? [\d, –-]+|\d+(?:[-–]\d+)?)\)")


def refusal_words(said: str) -> str:
    """A refusal from the case, for the party: without paragraph numbers or codes."""
    text = PARAGRAPHS.sub("", said.split(" refused: ", 1)[-1]).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
