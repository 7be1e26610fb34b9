"""What the staff pages say instead of codes (issue 26): stages, roles, outcomes, actions
and choices in words, dates and times in London words, people by name and title."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import escape

from contract.words import choice_words, message_words
from domain.enums import Stage
from domain.letters import date_in_words, time_in_words
from domain.staff import Staff

# What the step is, for staff: the stage's meaning, and what comes next in words.
STAGE_NAMES: dict[str, str] = {
    Stage.INTAKE: "Received",
    Stage.CASE_OWNER_RESOLUTION: "Case owner trying to resolve it",
    Stage.OAT_ADVICE: "Waiting for the Assurance Team's advice",
    Stage.AWAITING_GROUNDS: "Waiting for the complainant's reasons",
    Stage.LEGAL_ADVICE: "Waiting for legal advice",
    Stage.TIME_LIMIT: "Late reasons: deciding whether to accept them",
    Stage.CHALLENGE_ASSESSMENT: "Assessing the challenge",
    Stage.CASE_OWNER_REVIEW: "Case owner reviewing the decision",
    Stage.OAT_REVIEW: "With the Assurance Team",
    Stage.OAT_CONSIDERATION: "Assurance Team reviewing the decision",
    Stage.AWAITING_APPROVAL: "Waiting for approval",
    Stage.NEW_DETAILED_INVESTIGATION: "New detailed investigation proposed",
    Stage.QUASH: "Quashing the report",
    Stage.SECOND_REVIEW_CHECK: "Reviewed before: deciding whether to review again",
    Stage.MANAGER_RESOLUTION: "Manager trying to resolve it",
    Stage.CONSIDERATION: "Manager considering the service complaint",
    Stage.AWAITING_MANAGER_REVIEW: "Waiting for a manager to read the feedback",
    Stage.CLOSED: "Closed",
}

KIND_NAMES = {
    "decision_complaint": "Request to review a decision",
    "service_complaint": "Complaint about our service",
    "positive_feedback": "Positive feedback",
    "oat_review": "Assurance Team review",
    "new_detailed_investigation": "New detailed investigation",
}

# What a party owes, as staff read it (the message titles are for staff entering it).
PARTY_OWES = {
    "grounds_submitted": "send their reasons for a review",
    "late_explanation": "say why their reasons were late",
    "party_comment": "comment on the proposed new investigation",
}

OUTCOME_NAMES = {
    "not_eligible_low_level_injustice": "Not eligible: low-level injustice",
    "referred_to_joint_working_team": "Referred to the Joint Working Team",
    "declined_unacceptable_behaviour": "Declined: unacceptable behaviour",
    "resolved_by_case_owner": "Resolved by the case owner",
    "no_review_high_risk": "No review: high risk",
    "grounds_not_received": "Closed: no reasons received",
    "declined_out_of_time": "Declined: out of time",
    "not_actionable": "Closed: nothing we can act on",
    "resolved_with_further_clarity": "Resolved by explaining further",
    "review_criteria_not_met": "Closed: review criteria not met",
    "reclassified_service_complaint": "Treated as a service complaint",
    "not_upheld": "Not upheld",
    "upheld_remedy": "Upheld: remedy",
    "upheld_new_primary_investigation": "Upheld: fresh primary investigation",
    "upheld_new_detailed_investigation": "Upheld: new detailed investigation",
    "upheld_report_quashed": "Upheld: report quashed",
    "declined_pending_judicial_review": "Declined: Judicial Review under way",
    "declined_already_reviewed": "Declined: already reviewed",
    "withdrawn": "Withdrawn",
    "resolved_by_manager": "Resolved by a manager",
    "service_complaint_upheld": "Upheld",
    "service_complaint_not_upheld": "Not upheld",
    "closed_unresolved": "Closed unresolved",
    "reclassified_decision_complaint": "Treated as a request to review a decision",
    "feedback_reviewed": "Feedback read",
    "completed": "Completed",
}


def stage_name(stage: Any) -> str:
    value = getattr(stage, "value", stage) or ""
    return STAGE_NAMES.get(value, str(value).replace("_", " ").capitalize())


def kind_name(kind: str | None) -> str:
    return KIND_NAMES.get(kind or "", (kind or "").replace("_", " ").capitalize())


def outcome_name(outcome: str | None) -> str:
    return OUTCOME_NAMES.get(outcome or "", (outcome or "").replace("_", " ").capitalize())


def action_name(action: str) -> str:
    """A step or task as its form calls it: `case_owner_review` → "Record your review of the decision"."""
    words = message_words(action.replace(" ", "_"))
    if words.lead:
        return words.title
    text = action.replace("_", " ")  # a task the case opened is named in words already
    return text[:1].upper() + text[1:]


def role_words(role: Any) -> str:
    value = getattr(role, "value", role) or ""
    return choice_words(str(value)) if value else ""


def person_words(directory: Staff, person_id: str | None, role: str | None = None) -> str:
    """ "Alice Cole, Caseworker": a person by name and title; someone the directory does not
    know, or a role waiting for anyone in it, by their role."""
    if person_id:
        person = directory.get(person_id)
        if person is not None:
            return f"{person.name}, {role_words(person.role)}"
    if role:
        return "anyone who is " + _a(role_words(role.split(",")[0]).lower())
    return person_id or "nobody yet"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def when_words(when: date | datetime | str | None) -> str:
    if when is None or when == "":
        return ""
    if isinstance(when, datetime):
        return time_in_words(when)
    return date_in_words(when)


LEDGER_STATES = {"met": ("Done", "govuk-tag--green"), "unmet": ("Not done", "govuk-tag--red"),
                 "pending": ("Still to do", "govuk-tag--grey"), "not_applicable": ("Does not apply", "govuk-tag--grey")}  # fmt: skip


def ledger_row(entry: Any) -> list[dict[str, str]]:
    """One requirement of the guidance as a row of the GOV.UK table, its state as a tag."""
    text, tag = LEDGER_STATES.get(
        entry.state, (str(entry.state).replace("_", " ").capitalize(), "govuk-tag--grey")
    )
    return [{"text": entry.paragraph}, {"text": entry.requirement},
            {"html": f'<strong class="govuk-tag {tag}">{escape(text)}</strong>'}]  # fmt: skip


def adjustment_words(adjustment: Any) -> str:
    kind = getattr(adjustment.kind, "value", adjustment.kind)
    said = choice_words(kind) if kind != "other" else ""
    return ": ".join(part for part in (said, adjustment.detail) if part) or choice_words(kind)


def child_name(workflow_id: str, in_a_sentence: bool = False) -> str:
    """A child of the case, by what it is (its workflow id says: CHILD_ID)."""
    found = CHILD_ID.search(workflow_id)
    if found is not None and found[1] == "oat-review":
        return "Assurance Team review"
    return "new detailed investigation" if in_a_sentence else "New detailed investigation"


def install(env: Environment) -> None:
    env.filters.update(
        child_name=child_name,
        in_words=date_in_words,
        time_words=when_words,
        stage_name=stage_name,
        kind_name=kind_name,
        outcome_name=outcome_name,
        action_name=action_name,
        role_words=role_words,
        choice_words=choice_words,
        ledger_row=ledger_row,
        adjustment_words=adjustment_words,
    )


CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ISO_DAY = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")
CHILD_ID = re.compile(r"\S+/(oat-review|new-detailed-investigation)-(\d+)\b")  # workflows/decision
PARTY_ID = re.compile(r"\b(service-user|organisation):[A-Za-z0-9-]+")
STAFF_ID = re.compile(r"\b[a-z]{2,5}-[a-z]+\b")


def code_words(code: str) -> str:
    """One code name in words: a stage, an outcome, a message, a choice."""
    if code in STAGE_NAMES:
        return STAGE_NAMES[code].lower()
    if code in OUTCOME_NAMES:
        return OUTCOME_NAMES[code].lower()
    words = message_words(code)
    if words.lead:
        return words.title.lower()
    return choice_words(code).lower()


def child_words(found: re.Match[str]) -> str:
    """A child's workflow id in a line of the record, as what it is."""
    kind, n = found[1], int(found[2])
    if kind == "oat-review":
        return f"round {n}"
    return "the new detailed investigation" + (f" (number {n})" if n > 1 else "")


def plain(text: str, directory: Staff) -> str:
    """A line of the case's record with its codes, dates and ids in words (issue 26: the
    timeline showed raw codes and ids)."""
    text = CHILD_ID.sub(child_words, text)
    text = PARTY_ID.sub(lambda m: "the complainant" if m[1] == "service-user" else "the organisation", text)
    text = ISO_DAY.sub(lambda m: date_in_words(m[1]), text)
    text = STAFF_ID.sub(lambda m: p.name if (p := directory.get(m[0])) else m[0], text)
    text = CODE.sub(lambda m: code_words(m[0]), text)
    return text[:1].upper() + text[1:]


def actor_of(entry_actor: str) -> tuple[str, str]:
    """ "cw-alice (caseworker)" → ("cw-alice", "caseworker")."""
    person_id, _, role = entry_actor.partition(" (")
    return person_id, role.rstrip(")")


def timeline_group(actor_role: str, action: str) -> str:
    """people (what someone did) / letters / system (what the case did by itself)."""
    if action.startswith(("letter", "acknowledged", "sent ")) or "letter" in action.split(":")[0]:
        return "letters"
    return "system" if actor_role == "system" else "people"
