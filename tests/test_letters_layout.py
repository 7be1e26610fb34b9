"""How a plain-text letter reads as a page (activities/layout.py): the e-mail's HTML part,
the large-print and posted PDFs, and the letter pages all read its lists the same way."""

from __future__ import annotations

from activities.adjustments import page
from activities.layout import letter_blocks

GROUNDS = """Dear Sam Patel,

We are sorry we have not been able to sort out your concerns about our decision.
Tell us:
1. Why you think our decision is wrong.
2. What you would like to happen now.
3. Any papers or new facts that support what you say."""


def test_a_numbered_list_is_a_numbered_list() -> None:
    """The grounds request's three questions (para 30) are read as a list of three, in
    order, not as three lines of a paragraph."""
    _, intro, questions = letter_blocks(GROUNDS)
    assert intro.lines[-1].endswith("Tell us:") and not intro.items
    assert questions.numbered
    assert questions.items == [
        ["Why you think our decision is wrong."],
        ["What you would like to happen now."],
        ["Any papers or new facts that support what you say."],
    ]
    html = page("Please tell us why", GROUNDS, 18)
    assert "<ol><li>Why you think our decision is wrong.</li><li>What you would" in html


def test_bullets_and_numbers_are_lists_of_their_own() -> None:
    (bullets, numbers) = letter_blocks("- large print\n- easy read\n1. first\n2. second")
    assert not bullets.numbered and bullets.items == [["large print"], ["easy read"]]
    assert numbers.numbered and numbers.items == [["first"], ["second"]]


def test_a_documents_lines_stay_under_what_they_came_with() -> None:
    (received,) = letter_blocks(
        "- your reasons for asking for a review\n    gp-letter.txt (27 bytes)\n- more"
    )
    assert received.items == [["your reasons for asking for a review", "gp-letter.txt (27 bytes)"], ["more"]]


def test_a_wrapped_sentence_that_goes_on_with_a_number_is_not_a_list() -> None:
    """Plain-text mail wraps long lines: the next line may begin "30. …" by chance."""
    text = "We looked again at everything you sent us, as we said we would in paragraph\n30. We then wrote to you."
    (only,) = letter_blocks(text)
    assert not only.items
    assert only.lines == [
        "We looked again at everything you sent us, as we said we would in paragraph 30. We then wrote to you."
    ]


def test_a_list_after_a_long_line_is_still_a_list() -> None:
    text = "We have agreed to make these changes for you, and we will keep to them:\n  - large print"
    (said, agreed) = letter_blocks(text)
    assert said.lines == ["We have agreed to make these changes for you, and we will keep to them:"]
    assert agreed.items == [["large print"]] and not agreed.numbered
