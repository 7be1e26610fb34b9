"""The bounds of what a caller may send (design.md, "Rules of the house"; issue 23, items
1, 3 and 4): checked in the contract's models, so the client, the CLI and the API refuse
alike, naming the field."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain.bounds import EXTRA_MAX, TEXT_MAX, clean_text, one_email
from domain.models import ComplaintOpened, Contact, GroundsSubmitted, OatDecision, Remedy

CASE = {"ref": "C-1", "owner": "cw-alice", "manager": "om-bob", "risk": "low", "decision": "primary_investigation",
        "decided_on": "2026-03-01"}  # fmt: skip


def refused(model: type[BaseModel], data: dict[str, Any], field: str) -> str:
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    errors = err.value.errors()
    assert any(".".join(str(p) for p in e["loc"]).startswith(field) for e in errors), errors
    return str(err.value)


def test_free_text_is_at_most_20000_characters() -> None:
    GroundsSubmitted.model_validate({"why_wrong": "x" * TEXT_MAX})
    refused(GroundsSubmitted, {"why_wrong": "x" * (TEXT_MAX + 1)}, "why_wrong")
    refused(OatDecision, {"actor": {"id": "oat-1", "role": "oat_caseworker"}, "upheld": False, "route": "none",
                          "analysis": "y" * (TEXT_MAX + 1)}, "analysis")  # fmt: skip


def test_no_control_characters_but_newlines_and_tabs() -> None:
    assert clean_text("line one\r\nline two\tend") == "line one\nline two\tend"
    for bad in ("nul\x00here", "bell\x07", "escape \x1b[31mred", "cr\ronly", "next\x85line", "sep\u2028"):
        with pytest.raises(ValueError, match="control characters"):
            clean_text(bad)
    assert "control characters" in refused(GroundsSubmitted, {"why_wrong": "a\x00b"}, "why_wrong")
    assert GroundsSubmitted.model_validate({"wanted": "a\r\nb"}).wanted == "a\nb"


def test_one_contact_is_one_e_mail_address() -> None:
    assert one_email("Sam@Example.org") == "Sam@example.org"
    for smuggled in ("sam@example.org, attacker@evil.example", "sam@example.org;x@evil.example",
                     "Sam <sam@example.org>", "sam@example.org\r\nBcc: x@evil.example", "not-an-address",
                     "a" * 250 + "@example.org"):  # fmt: skip
        with pytest.raises(ValueError):
            one_email(smuggled)
    assert one_email("") is None and one_email(None) is None
    refused(Contact, {"email": "sam@example.org, attacker@evil.example"}, "email")
    refused(Contact, {"name": "Sam\nBcc: x"}, "name")
    refused(Contact, {"name": "n" * 501}, "name")
    refused(Contact, {"phone": "0113 <script>"}, "phone")


def test_case_references_and_dates_stay_in_bounds() -> None:
    ComplaintOpened.model_validate({"case": CASE})
    refused(ComplaintOpened, {"case": CASE | {"ref": "C-1/decision-complaint"}}, "case.ref")
    refused(ComplaintOpened, {"case": CASE | {"ref": "C" * 41}}, "case.ref")
    assert "out of range" in refused(
        ComplaintOpened, {"case": CASE | {"decided_on": "9999-12-31"}}, "case.decided_on"
    )
    refused(ComplaintOpened, {"case": CASE | {"decided_on": "1999-12-31"}}, "case.decided_on")
    assert ComplaintOpened.model_validate(
        {"case": CASE | {"decided_on": "2099-12-31"}}
    ).case.decided_on == date(2099, 12, 31)


def test_amounts_are_finite_and_bounded() -> None:
    paid = {"kinds": ["financial_payment"], "severity": 2, "impact": "i", "proportionate": "p",
            "restores_position": "r"}  # fmt: skip
    assert Remedy.model_validate(paid | {"amount_gbp": 10_000_000}).amount_gbp == 10_000_000
    for amount in (1e308, float("inf"), float("nan"), 10_000_001):
        refused(Remedy, paid | {"amount_gbp": amount}, "amount_gbp")


def test_a_signal_keeps_fields_it_does_not_know_but_only_a_little() -> None:
    kept = GroundsSubmitted.model_validate({"why_wrong": "x", "channel": "web"})
    assert kept.model_extra == {"channel": "web"}
    assert "may hold at most" in refused(GroundsSubmitted, {"why_wrong": "x", "blob": "z" * EXTRA_MAX}, "")


def test_each_refusal_says_what_is_wrong_in_words() -> None:
    """The words reach the caller (a 422's detail): compared word for word."""
    from domain.bounds import in_range, one_line

    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: one_line("two\nlines"), "must be one line"),
        (lambda: one_email(42), "an e-mail address is text"),
        (lambda: one_email("a" * 250 + "@example.org"), "an e-mail address is at most 254 characters"),
        (lambda: one_email("sam@example.org, x@evil.example"), "give exactly one e-mail address, such as sam@example.org"),
        (lambda: one_email("sam@"), "not a valid e-mail address: There must be something after the @-sign."),
        (lambda: in_range(date(1999, 12, 31)), "1999-12-31 is out of range: dates run from 2000-01-01 to 2099-12-31"),
    ]  # fmt: skip
    for call, words in cases:
        with pytest.raises(ValueError) as refused:
            call()
        assert str(refused.value) == words
    assert one_line("one line") == "one line" and one_line(None) is None
    assert one_email("Xavier.Xu@example.org") == "Xavier.Xu@example.org"
    longest = "a" * 64 + "@" + "b" * 60 + "." + "b" * 60 + "." + "b" * 59 + ".example"  # exactly 254
    assert len(longest) == 254 and one_email(longest) == longest
    for smuggled in ("sam,x@example.org", "a@b@example.org"):  # one sign of a second address is enough
        with pytest.raises(ValueError) as refused:
            one_email(smuggled)
        assert str(refused.value) == "give exactly one e-mail address, such as sam@example.org"
    assert in_range(date(2000, 1, 1)) == date(2000, 1, 1) and in_range(date(2099, 12, 31)) == date(
        2099, 12, 31
    )
