"""The forms on a case page (issue 26): which come first and which wait under "Other
actions", the questions only one route asks, what is checked back before it is sent
("Check your answers"), the lists a person picks from, and a refusal put at its field."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from api.ui import words
from api.ui.forms import errors_of
from contract.messages import MESSAGES
from contract.words import choice_words, message_words
from domain.letters import date_in_words

# Forms for what is rarely done, or done against the case's run: under "Other actions",
# never opened by themselves (issue 26: "Decline for unacceptable behaviour" was the only
# form after a rejection, and opened itself).
OTHER_ACTIONS = frozenset({
    "decline_unacceptable_behaviour", "record_jr_threat", "reassign", "pause_clock", "resume_clock",
    "withdraw", "evidence_submitted", "adjustment_requested", "more_time_requested", "record_adjustment",
    "party_comment", "grounds_submitted", "late_explanation", "complete_task", "mark_posted", "escalate",
    "reclassify_as_decision_complaint", "close_unresolved",
})  # fmt: skip


# oat_decision (paras 50-67): the questions only one route asks, revealed when it is chosen.
REVEALED_BY = {"oat_decision": ("route", {
    "new_detailed_investigation": ("ndi_reason", "summary", "ndi_case_owner"),
    "quash": ("quash_grounds",),
})}  # fmt: skip


# Check your answers first (issue 26): whatever closes a case, spends money or decides
# for good is shown back to the person before it is sent.
CHECKED_ALWAYS = frozenset({
    "decline_unacceptable_behaviour", "close_unresolved", "withdraw", "approve", "reject", "oat_decision",
    "service_complaint_decision", "manager_review", "exceptional_review", "ndi_proceed",
})  # fmt: skip


CHECKED_WHEN = {
    "case_owner_resolution": ("resolved", True),
    "challenge_assessment": ("actionable", False),
    "time_limit_decision": ("accept", False),
    "manager_resolution": ("resolved", True),
}


def needs_checking(name: str, data: dict[str, Any]) -> bool:
    if name in CHECKED_ALWAYS:
        return True
    key, closing_value = CHECKED_WHEN.get(name, ("", None))
    return bool(key) and data.get(key) is closing_value


def answers_of(fields: list[Any]) -> list[dict[str, Any]]:
    """Each answer given, as a row of GOV.UK's summary list: the question, the answer in words."""
    rows = []
    for f in fields:
        if f.widget == "group":
            rows += answers_of(f.fields)
            continue
        if f.widget == "groups":
            for n, group in enumerate(f.groups, 1):
                said = "; ".join(r["value"]["text"] for r in answers_of(group))
                if said:
                    rows.append({"key": {"text": f"{f.label} {n}"}, "value": {"text": said}})
            continue
        value = f.value
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            text = ", ".join(f.labels.get(v) or choice_words(v) for v in value)
        elif f.widget in ("boolean", "radios", "person", "task"):
            text = f.labels.get(value) or choice_words(value)
        elif f.widget == "date":
            text = date_in_words(value)
        elif f.widget == "number" and f.key == "amount_gbp":
            text = f"\u00a3{float(value):,.2f}"
        else:
            text = str(value)
        rows.append({"key": {"text": f.label}, "value": {"text": text}})
    return rows


def names_field(told: str, key: str) -> bool:
    """A refusal that names its field: `new_deadline ...`, or begins with the field's name."""
    if "_" in key:
        return re.search(rf"\b{re.escape(key)}\b", told) is not None
    return told.startswith((f"{key} ", f"{key}:"))


def form_for(name: str, fields: list[Any], error: str = "") -> dict[str, Any]:
    """One message's form: its words, its fields (those revealed by a choice kept apart)."""
    said = message_words(name)
    reveal: dict[str, list[Any]] = {}
    chooser = ""
    if name in REVEALED_BY:
        chooser, routes = REVEALED_BY[name]
        for value, keys in routes.items():
            reveal[value] = [f for f in fields if f.key in keys]
        hidden = {id(f) for group in reveal.values() for f in group}
        fields = [f for f in fields if id(f) not in hidden]
    every = fields + [f for group in reveal.values() for f in group]
    return {"name": name, "title": said.title, "lead": said.lead, "fields": fields, "error": error,
            "reveal": reveal, "chooser": chooser, "errors": errors_of(every, name),
            "other": name in OTHER_ACTIONS, "paragraphs": MESSAGES[name].paragraphs}  # fmt: skip


def without_unchosen(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a route that was not chosen asked is not sent (its inputs were only hidden)."""
    if name not in REVEALED_BY:
        return data
    chooser, routes = REVEALED_BY[name]
    dropped = {k for value, keys in routes.items() if data.get(chooser) != value for k in keys}
    return {k: v for k, v in data.items() if k not in dropped}


def fill_picks(request: Request, fields: list[Any], status: Any) -> None:
    """The lists a person picks from: staff by name and title; the case's open tasks."""
    directory = request.app.state.staff
    for f in fields:
        if f.widget == "person":
            people = sorted(directory.people.values(), key=lambda p: p.name)
            f.choices = [f"{p.id}|{p.role.value}" for p in people]
            f.labels = {f"{p.id}|{p.role.value}": f"{p.name}, {words.role_words(p.role)}" for p in people}
        elif f.widget == "task":
            open_tasks = [t for t in status.tasks if t.done_at is None]
            f.choices = [t.task for t in open_tasks]
            f.labels = {t.task: words.action_name(t.task) for t in open_tasks}
