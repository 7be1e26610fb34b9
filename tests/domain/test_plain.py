"""Plain English for the complainant's own view (issue 13)."""

import re

from domain.enums import Stage
from domain.plain import FROM_WHOM, STAGE_WORDS, letter_title, stage_words, waiting_words


def test_every_stage_has_plain_words_without_codes_or_paragraphs() -> None:
    assert set(STAGE_WORDS) == set(Stage)
    for stage in Stage:
        words = stage_words(stage)
        assert "_" not in words and not re.search(r"\(\d", words) and len(words.split()) <= 20, words


def test_what_we_wait_for_and_from_whom() -> None:
    assert waiting_words("grounds_submitted", "service_user") == (
        "We are waiting for you to send why you think our decision is wrong."
    )
    assert waiting_words("late_explanation", "service_user") == (
        "We are waiting for you to send why your request was sent after the deadline."
    )
    assert waiting_words("something", "service_user") == "We are waiting for you to send what we asked for."
    assert waiting_words("party_comment", "service_user,organisation") == (
        "We are waiting for you to send any comments on our plan to look at your complaint again."
    )
    assert (
        waiting_words("oat_decision", "oat_caseworker")
        == "We are waiting for our Assurance Team to do the next step."
    )
    assert (
        waiting_words("approve", "operations_manager") == "We are waiting for a manager to do the next step."
    )
    assert waiting_words("x", "system") == "We are waiting for us to do the next step."
    assert FROM_WHOM["caseworker"] == "your case owner"


def test_letter_titles() -> None:
    assert letter_title("closing") == "Our decision"
    assert letter_title("grounds_request") == "Please tell us why you think our decision is wrong"
    assert letter_title("something_new") == "A letter about your case"


def test_an_adjustment_reads_as_words() -> None:
    from domain.models import Adjustment

    assert str(Adjustment.model_validate("large print letters")) == "large print letters"
    assert str(Adjustment(kind="large_print")) == "large print"
    assert str(Adjustment(kind="phone_call", detail="mornings only")) == "phone call: mornings only"
    assert str(Adjustment(kind="other")) == "other"
    assert Adjustment.model_validate({"kind": "post"}).kind.value == "post"
