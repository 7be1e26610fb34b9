"""What the complainant reads about their own case (issue 13): stages, steps and letters
in plain English, with no paragraph numbers, internal codes or staff notes."""

from __future__ import annotations

from domain.enums import Stage

STAGE_WORDS: dict[Stage, str] = {
    Stage.INTAKE: "We have received your complaint.",
    Stage.CASE_OWNER_RESOLUTION: "Your case owner is looking at whether they can put things right.",
    Stage.OAT_ADVICE: "Your case owner is asking our Assurance Team how to look at your complaint.",
    Stage.AWAITING_GROUNDS: "We are waiting for you to tell us why you think our decision is wrong.",
    Stage.LEGAL_ADVICE: "We are taking legal advice before we look at your complaint.",
    Stage.TIME_LIMIT: "Your request reached us after the deadline. We are deciding whether we can still look at it.",
    Stage.CHALLENGE_ASSESSMENT: "Your case owner is reading what you sent us.",
    Stage.CASE_OWNER_REVIEW: "Your case owner is looking at our decision again.",
    Stage.OAT_REVIEW: "Our Assurance Team is deciding whether to review our decision.",
    Stage.OAT_CONSIDERATION: "Our Assurance Team is reviewing our decision.",
    Stage.AWAITING_APPROVAL: "A senior manager is checking what we plan to do.",
    Stage.NEW_DETAILED_INVESTIGATION: "We plan to look at your complaint again from the start.",
    Stage.QUASH: "We are checking with our lawyers before we change our decision.",
    Stage.SECOND_REVIEW_CHECK: "We have reviewed this decision before. Our Assurance Team is deciding whether to look at it again.",
    Stage.MANAGER_RESOLUTION: "A manager is looking at your complaint about our service.",
    Stage.CONSIDERATION: "A manager is looking into your complaint about our service.",
    Stage.AWAITING_MANAGER_REVIEW: "A manager is reading your feedback.",
    Stage.CLOSED: "Your case is closed.",
}

WAITING_FOR: dict[str, str] = {
    "grounds_submitted": "why you think our decision is wrong",
    "late_explanation": "why your request was sent after the deadline",
    "party_comment": "any comments on our plan to look at your complaint again",
}

FROM_WHOM: dict[str, str] = {
    "service_user": "you",
    "caseworker": "your case owner",
    "operations_manager": "a manager",
    "assistant_director": "a senior manager",
    "director": "a director",
    "deputy_ombudsman": "a Deputy Ombudsman",
    "ombudsman": "the Ombudsman",
    "oat_caseworker": "our Assurance Team",
    "legal_team": "our lawyers",
    "joint_working_team": "our Joint Working Team",
}

LETTER_TITLES: dict[str, str] = {
    "acknowledgement": "We received what you sent",
    "grounds_request": "Please tell us why you think our decision is wrong",
    "grounds_reminder": "A reminder of your deadline",
    "grounds_deadline_extended": "Your deadline has been extended",
    "late_explanation_request": "Please tell us why your request was late",
    "progress_update": "An update on your case",
    "ndi_proposal": "We plan to look at your complaint again",
    "closing": "Our decision",
    "amended_report": "Our corrected report",
    "rationale_explanation": "More about our decision",
}


def stage_words(stage: Stage) -> str:
    return STAGE_WORDS[stage]


def waiting_words(action: str, role: str) -> str:
    """What we are waiting for, and from whom, as the complainant reads it."""
    who = FROM_WHOM.get(role.split(",")[0], "us")
    if who == "you":
        return f"We are waiting for you to send {WAITING_FOR.get(action, 'what we asked for')}."
    return f"We are waiting for {who} to do the next step."


def letter_title(kind: str) -> str:
    return LETTER_TITLES.get(kind, "A letter about your case")
