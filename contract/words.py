"""Every message and every field in words a person reads (issue 26), kept beside the
message table so the pages' forms, `reviews messages` and the OpenAPI say the same.

A field's words come from `FIELD_WORDS[(message, field)]` if the message says it its own
way, else from `FIELD_WORDS[field]`; a nested field is named by its path without entry
numbers (`remedy.amount_gbp`, `learning_points.text`). Choices are `CHOICE_WORDS[value]`.
tests/test_words.py checks that every field of every message, at every depth, and every
choice has words here, so a new field cannot reach a form as its code name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    label: str
    hint: str = ""


@dataclass(frozen=True)
class MessageWords:
    title: str  # the form's heading and its button
    lead: str  # what sending it does, in one or two sentences


MESSAGE_WORDS: dict[str, MessageWords] = {
    "case_owner_resolution": MessageWords(
        "Record whether you resolved it",
        "Before the review starts, say whether talking to the complainant put things right (para 23).",
    ),
    "oat_advice": MessageWords(
        "Record the Assurance Team's advice",
        "The Assurance Team says how this high-risk request should be handled (para 26).",
    ),
    "grounds_submitted": MessageWords(
        "Enter the complainant's reasons",
        "For reasons that reached us by phone, post or in person: why the decision is wrong and "
        "what they want (para 30).",
    ),
    "extend_grounds_deadline": MessageWords(
        "Give more time for the reasons",
        "Move the deadline for the complainant's reasons to a later date (para 32).",
    ),
    "legal_advice": MessageWords(
        "Record the legal advice",
        "Say whether the review can go ahead while Judicial Review is threatened (para 70).",
    ),
    "late_explanation": MessageWords(
        "Enter why the reasons were late",
        "What the complainant told us about why their reasons came after the deadline (para 33).",
    ),
    "time_limit_decision": MessageWords(
        "Decide whether to accept the late reasons",
        "Put the time limit to one side only for a good reason (para 34).",
    ),
    "challenge_assessment": MessageWords(
        "Assess the challenge",
        "Say whether the complainant's reasons are something we can act on (paras 36-38).",
    ),
    "case_owner_review": MessageWords(
        "Record your review of the decision",
        "What you found when you looked at the decision again (paras 40-45).",
    ),
    "oat_outcome": MessageWords(
        "Record whether the Assurance Team takes the review",
        "Accept the review, send it back to the case owner, or say it is not for the Assurance Team (para 48).",
    ),
    "oat_decision": MessageWords(
        "Record the review decision",
        "Whether the complaint is upheld and what happens next (paras 50-67). Questions that "
        "only one route asks are marked with it.",
    ),
    "approve": MessageWords(
        "Approve",
        "Agree to the proposal under the Delegation Scheme. The case goes on at once (para 60).",
    ),
    "reject": MessageWords(
        "Reject",
        "Send the proposal back to the Assurance Team with your reasons.",
    ),
    "evidence_submitted": MessageWords(
        "Record documents received",
        "Documents that reached us for this case, by post or in person.",
    ),
    "withdraw": MessageWords(
        "Record that the complainant withdraws",
        "The complainant is satisfied and wants to stop. The case closes (para 24).",
    ),
    "adjustment_requested": MessageWords(
        "Enter an adjustment the complainant asked for",
        "A reasonable adjustment asked for by phone, post or in person. The case owner is asked to agree it (para 31).",
    ),
    "more_time_requested": MessageWords(
        "Enter a request for more time",
        "The complainant asked for more time for their reasons. A manager decides (para 32).",
    ),
    "record_adjustment": MessageWords(
        "Agree a reasonable adjustment",
        "Every letter from now on follows it (para 31).",
    ),
    "party_comment": MessageWords(
        "Enter a comment from a party",
        "A comment from the complainant or the organisation on a proposed new investigation (para 63).",
    ),
    "ndi_proceed": MessageWords(
        "Decide whether the new investigation goes ahead",
        "After reading both parties' comments (para 63).",
    ),
    "legal_referral_done": MessageWords(
        "Record that Legal have been told",
        "The Legal Team has the quashing decision (para 67).",
    ),
    "exceptional_review": MessageWords(
        "Decide whether to review again",
        "This decision was reviewed before. Review it again only in exceptional circumstances (para 5).",
    ),
    "complete_task": MessageWords(
        "Mark a task as done",
        "The task leaves everyone's list and the case records who did it.",
    ),
    "mark_posted": MessageWords(
        "Mark a letter as posted",
        "Say on which day a printed letter went in the post.",
    ),
    "record_jr_threat": MessageWords(
        "Record a threat of Judicial Review",
        "From now on Legal are asked before the review goes on (para 70).",
    ),
    "reassign": MessageWords(
        "Give the case to someone else",
        "They take the open step and its due date, and the previous owner's open tasks.",
    ),
    "decline_unacceptable_behaviour": MessageWords(
        "Decline because of unacceptable behaviour",
        "Only under the policy on unacceptable behaviour. The case closes and the complainant is told why (para 22).",
    ),
    "manager_resolution": MessageWords(
        "Record whether you resolved the service complaint",
        "Say whether an early conversation put things right (para 13).",
    ),
    "reclassify_as_decision_complaint": MessageWords(
        "Treat it as a request to review a decision",
        "This complaint is really about a decision we made. A new case is opened for it (para 12).",
    ),
    "escalate": MessageWords(
        "Pass it to a more senior manager",
        "When you cannot resolve it yourself (para 15).",
    ),
    "oat_service_advice": MessageWords(
        "Give the Assurance Team's advice",
        "Advice for the manager handling this service complaint (para 16).",
    ),
    "service_complaint_decision": MessageWords(
        "Record the service complaint decision",
        "What happened, what should have happened, and any remedy (paras 17-18).",
    ),
    "close_unresolved": MessageWords(
        "Close without resolving",
        "Close the service complaint when it cannot go further. The complainant is told why.",
    ),
    "manager_review": MessageWords(
        "Record that you read the feedback",
        "Close the positive feedback, with any comments for the team (para 19).",
    ),
    "pause_clock": MessageWords(
        "Pause the clock",
        "Stop the due dates while we wait for something outside our control.",
    ),
    "resume_clock": MessageWords(
        "Restart the clock",
        "Due dates move on by the time the clock was paused.",
    ),
}

TAKEN = Words(
    "How did it reach us?", "Only when you are entering it for someone who phoned, wrote or came in."
)
RECEIVED_ON = Words("Date it reached us", "Leave blank for today. For post, the date it arrived.")
EVIDENCE = Words("Documents", "Documents already uploaded to this case, by name.")
NOTE = Words("Note for the case record (optional)", "Staff only: never sent to the parties.")

FIELD_WORDS: dict[str | tuple[str, str], Words] = {
    "note": NOTE,
    "taken": TAKEN,
    "received_on": RECEIVED_ON,
    "evidence": EVIDENCE,
    "documents": EVIDENCE,
    "evidence.sha256": Words("Document fingerprint", "Given by the upload: you do not need to type it."),
    "evidence.name": Words("Document name"),
    "evidence.size": Words("Size in bytes"),
    "evidence.media_type": Words("File type"),
    "evidence.text": Words("Document named but not received"),
    "documents.sha256": Words("Document fingerprint", "Given by the upload: you do not need to type it."),
    "documents.name": Words("Document name"),
    "documents.size": Words("Size in bytes"),
    "documents.media_type": Words("File type"),
    "documents.text": Words("Document named but not received"),
    "reason": Words("Reason"),
    "text": Words("What they said"),
    "risk": Words("Risk", "Leave as it is unless you have re-assessed it."),
    "learning_points": Words(
        "Learning points",
        "What went wrong or went well, tied to the Service Model and the Service Charter (Annex A).",
    ),
    "learning_points.kind": Words("Who the learning is for"),
    "learning_points.text": Words("What is the learning?"),
    "learning_points.service_model_ref": Words(
        "Service Model guidance it breaches",
        "For example, Service Model 2.140. Not needed for good practice.",
    ),
    "learning_points.charter_commitment": Words(
        "Service Charter commitment not met",
        "For example, \u201cwe will listen to you\u201d. Not needed for good practice.",
    ),
    "remedy": Words("Remedy", "What we will do to put things right (paras 58-60)."),
    "remedy.kinds": Words("What will we do?", "Select all that apply."),
    "remedy.amount_gbp": Words(
        "Payment, in pounds", "Only if you are proposing a payment. A payment needs approval."
    ),
    "remedy.severity": Words(
        "Severity of injustice, 1 to 6",
        "From the severity-of-injustice scale. Needed for a payment (para 60).",
    ),
    "remedy.impact": Words("What was the impact on the complainant? (para 59)"),
    "remedy.proportionate": Words("Why is this remedy proportionate? (para 59)"),
    "remedy.restores_position": Words("How does it put them back where they would have been? (para 59)"),
    "to": Words("Who should take it?"),
    "to.id": Words("Person"),
    "to.role": Words("Their role"),
    "contact": Words("How to reach them, if it changes"),
    "contact.name": Words("Name"),
    "contact.email": Words("Email address"),
    "contact.address": Words("Postal address"),
    "contact.phone": Words("Phone number"),
    "organisation.name": Words("Name"),
    "organisation.email": Words("Email address"),
    "organisation.address": Words("Postal address"),
    "organisation.phone": Words("Phone number"),
    ("case_owner_resolution", "resolved"): Words("Did you resolve it?"),
    ("case_owner_resolution", "amended_report"): Words(
        "Will you send an amended report?", "Only if you are correcting the report (para 23)."
    ),
    ("oat_advice", "route"): Words("What does the Assurance Team advise?"),
    ("grounds_submitted", "why_wrong"): Words("Why do they think the decision is wrong?"),
    ("grounds_submitted", "wanted"): Words("What do they want us to do?"),
    ("extend_grounds_deadline", "new_deadline"): Words("New deadline", "Later than the current deadline."),
    ("extend_grounds_deadline", "reason"): Words(
        "Why are you giving more time?", "The complainant's letter says this."
    ),
    ("legal_advice", "proceed"): Words("Can the review go ahead?"),
    ("late_explanation", "text"): Words("Why were the reasons late?"),
    ("time_limit_decision", "accept"): Words("Will we look at the late reasons?"),
    ("time_limit_decision", "reason"): Words("The good reason (para 34)", "Needed if you accept them."),
    ("challenge_assessment", "actionable"): Words("Can we act on the reasons?"),
    ("challenge_assessment", "analysis"): Words(
        "Your assessment", "Needed either way: what the reasons say and why we can or cannot act on them."
    ),
    ("case_owner_review", "finding"): Words("What did you find?"),
    ("oat_outcome", "outcome"): Words("What happens to the review?"),
    ("oat_outcome", "directions"): Words(
        "Directions for the case owner", "Needed if you send it back: what they must do."
    ),
    ("oat_decision", "upheld"): Words("Is the complaint upheld?"),
    ("oat_decision", "route"): Words("What happens next?"),
    ("oat_decision", "analysis"): Words(
        "Your analysis", "For the record. Reaches the complainant only if you give no summary for them."
    ),
    ("oat_decision", "ndi_reason"): Words("Why is a new investigation justified? (para 62)"),
    ("oat_decision", "summary"): Words("Summary of the proposal for the parties"),
    ("oat_decision", "quash_grounds"): Words(
        "Which circumstances of para 67 apply?", "Select all that apply."
    ),
    ("oat_decision", "quash_grounds.missed_or_new_evidence"): Words(
        "We missed evidence, or there is new evidence"
    ),
    ("oat_decision", "quash_grounds.incontrovertibly_wrong"): Words("The decision is incontrovertibly wrong"),
    ("oat_decision", "quash_grounds.no_other_way"): Words("There is no other way to put it right"),
    ("oat_decision", "quash_grounds.public_interest"): Words("It is in the public interest"),
    ("oat_decision", "ndi_case_owner"): Words(
        "Who will handle the new investigation?",
        "Leave blank for yourself. Never the previous case owner (para 64).",
    ),
    ("oat_decision", "public_summary"): Words(
        "What we found, for the complainant",
        "Plain words, printed in the letter under \u201cWhat we found\u201d.",
    ),
    ("oat_decision", "feedback_to_case_owner"): Words("Feedback to the case owner (para 54)"),
    ("oat_decision", "proportionate_work"): Words("Was the case owner's work proportionate? (para 54)"),
    ("evidence_submitted", "party"): Words("Whose documents are they?"),
    ("adjustment_requested", "text"): Words("What did they ask for?"),
    ("adjustment_requested", "kind"): Words("Kind of adjustment"),
    ("more_time_requested", "text"): Words("What did they say?"),
    ("more_time_requested", "until"): Words("Until when?", "The date they asked for, if they gave one."),
    ("record_adjustment", "kind"): Words("Kind of adjustment"),
    ("record_adjustment", "detail"): Words("Details", "For example, the language for an interpreter."),
    ("party_comment", "party"): Words("Whose comment is it?"),
    ("party_comment", "text"): Words("Their comment"),
    ("ndi_proceed", "proceed"): Words("Does the new investigation go ahead?"),
    ("exceptional_review", "proceed"): Words("Will we review it again?"),
    ("exceptional_review", "reason"): Words("The exceptional circumstances, or why there are none"),
    ("complete_task", "task"): Words("Which task?"),
    ("mark_posted", "letter"): Words("Which letter?"),
    ("mark_posted", "posted_on"): Words("Day it was posted", "Not before the day it was written."),
    ("mark_posted", "key"): Words("Letter reference", "Given by the post queue."),
    ("reassign", "reason"): Words("Why are you giving it to them?"),
    ("decline_unacceptable_behaviour", "reason"): Words(
        "What behaviour, under which part of the policy?", "The complainant is told this."
    ),
    ("manager_resolution", "resolved"): Words("Did you resolve it?"),
    ("manager_resolution", "action"): Words("What put it right?"),
    ("reclassify_as_decision_complaint", "reason"): Words("Why is it about a decision?"),
    ("reclassify_as_decision_complaint", "decision"): Words("What kind of decision was it?"),
    ("reclassify_as_decision_complaint", "decided_on"): Words("Date of the decision"),
    ("reclassify_as_decision_complaint", "flags"): Words(
        "Anything that changes the route?", "Select all that apply."
    ),
    ("reclassify_as_decision_complaint", "organisation"): Words("The organisation complained about"),
    ("escalate", "reason"): Words("Why are you passing it on?"),
    ("oat_service_advice", "advice"): Words("The Assurance Team's advice"),
    ("service_complaint_decision", "upheld"): Words("Is the service complaint upheld?"),
    ("service_complaint_decision", "what_happened"): Words("What happened?"),
    ("service_complaint_decision", "should_have_happened"): Words("What should have happened?"),
    ("service_complaint_decision", "difference"): Words("What difference did it make?"),
    ("close_unresolved", "reason"): Words("Why can it not be resolved?", "The complainant is told this."),
    ("manager_review", "comments"): Words("Comments for the team"),
    ("pause_clock", "reason"): Words("What are we waiting for?"),
    ("pause_clock", "resume_by"): Words(
        "Restart by", "The clock restarts on this date if nobody restarts it sooner."
    ),
    "flags.mp_involved": Words("An MP is involved"),
    "flags.jr_threatened": Words("Judicial Review is threatened"),
    "flags.organisation_complainant": Words("The complainant is an organisation"),
    "flags.lgsco_joint": Words("A joint case with the Local Government and Social Care Ombudsman"),
    "flags.unacceptable_behaviour": Words("Unacceptable behaviour has been recorded"),
    "flags.oat_direct": Words("It goes straight to the Assurance Team"),
    "flags.oat_priority_group": Words("The complainant is in an Assurance Team priority group"),
    "flags.specialist": Words("It needs a specialist"),
    "flags.further_complaint_after_upheld_review": Words("A further complaint after an upheld review"),
}

CHOICE_WORDS: dict[str, str] = {
    # yes/no
    "yes": "Yes",
    "no": "No",
    # taken
    "phone": "By phone",
    "post": "By post",
    "in_person": "In person",
    # risk
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    # OAT advice (26)
    "within_oat": "The Assurance Team handles it",
    "further_oversight": "The case owner handles it, with more oversight",
    "as_usual": "As usual",
    "no_review_high_risk": "No review: the risk is too high",
    # late reasons (34)
    "illness_or_bereavement": "Illness or bereavement",
    "support_needed": "They needed support to reply",
    "evidence_problems": "They had problems getting evidence",
    "case_owner_delay": "We were slow",
    "returned_reasonably_promptly": "They replied reasonably promptly",
    "other": "Another reason",
    # case owner findings (40-45)
    "further_clarity_resolved": "Explaining it further resolved it (para 41)",
    "no_genuine_doubt": "No genuine doubt about the decision: it goes to the Assurance Team (para 42)",
    "primary_reconsider_in_team": "A primary investigation to reconsider in the team (para 43)",
    "detailed_possibly_wrong": "A detailed investigation may be wrong (para 44)",
    "rationale_flawed_decision_right": "The reasons were flawed but the decision was right (para 45)",
    # OAT outcomes (48)
    "returned_more_info": "Send it back: the case owner must find out more",
    "returned_further_work": "Send it back: the case owner must do more work",
    "not_for_oat_service_complaint": "Not for us: it is a service complaint",
    "not_for_oat_criteria_not_met": "Not for us: the review criteria are not met",
    "not_for_oat_other": "Not for us: another reason",
    "accepted": "Accept the review",
    # decision routes (50-67)
    "none": "No further action",
    "remedy": "A remedy: an apology, explanation, improvement or payment",
    "fresh_primary_investigation": "A fresh primary investigation",
    "new_detailed_investigation": "A new detailed investigation (needs approval)",
    "quash": "Quash the report (needs the Ombudsman)",
    # remedies and service actions
    "apology": "An apology",
    "explanation": "An explanation",
    "service_improvement": "A service improvement",
    "financial_payment": "A payment",
    "contact_arranged": "We arranged contact",
    "improvement": "An improvement to our service",
    "priority_allocation": "We gave the case priority",
    # learning points
    "individual": "One person",
    "organisation": "The organisation",
    "good_practice": "Good practice to share",
    # NDI reasons (62)
    "flawed_evidence": "The evidence was flawed",
    "unfair_investigation": "The investigation was unfair",
    "significant_new_information": "There is significant new information",
    # adjustments (31)
    "large_print": "Large print",
    "easy_read": "Easy read",
    "plain_text": "Plain text email",
    "phone_call": "A phone call before each letter",
    "advocate_copy": "A copy to their advocate",
    "interpreter": "An interpreter",
    # decision kinds
    "primary_investigation": "Primary investigation",
    "detailed_investigation": "Detailed investigation",
    "low_level_injustice": "Low-level injustice",
    "partial_remit": "Partly within our remit",
    # roles
    "service_user": "The complainant",
    "caseworker": "Caseworker",
    "operations_manager": "Operations manager",
    "assistant_director": "Assistant director",
    "director": "Director",
    "oat_caseworker": "Assurance Team caseworker",
    "legal_team": "Legal Team",
    "deputy_ombudsman": "Deputy Ombudsman",
    "ombudsman": "Ombudsman",
    "joint_working_team": "Joint Working Team",
    "system": "The system",
    "back_office": "Back office",
}


def _path(field: str) -> str:
    """`learning_points.0.text` → `learning_points.text`: entries share their words."""
    return ".".join(part for part in field.split(".") if not part.isdigit())


def field_words(message: str, field: str) -> Words | None:
    path = _path(field)
    return FIELD_WORDS.get((message, path)) or FIELD_WORDS.get(path)


def choice_words(value: str) -> str:
    return CHOICE_WORDS.get(value) or value.replace("_", " ").capitalize()


def message_words(name: str) -> MessageWords:
    return MESSAGE_WORDS.get(name) or MessageWords(name.replace("_", " ").capitalize(), "")
