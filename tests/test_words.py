"""Issue 26: every field of every message, at every depth, and every choice has words a
person reads, so no form shows a code name ("Ndi reason", "Amended report")."""

from __future__ import annotations

from enum import Enum

from api.ui.forms import Field, fields_of, walk
from contract.messages import MESSAGES
from contract.words import CHOICE_WORDS, MESSAGE_WORDS, field_words


def _all(fields: list[Field]) -> list[Field]:
    return walk(fields)


def test_every_message_has_a_title_and_says_what_it_does() -> None:
    assert set(MESSAGES) <= set(MESSAGE_WORDS)
    for name in MESSAGES:
        assert MESSAGE_WORDS[name].title and MESSAGE_WORDS[name].lead, name


def test_every_field_of_every_message_has_a_label_in_words() -> None:
    missing = [
        (name, f.name)
        for name, spec in MESSAGES.items()
        for f in _all(fields_of(spec.model, message=name))
        if field_words(name, f.name) is None
    ]
    assert missing == []


def test_every_choice_offered_has_words() -> None:
    offered = {
        choice
        for name, spec in MESSAGES.items()
        for f in _all(fields_of(spec.model, message=name))
        for choice in f.choices
        if choice not in f.labels  # a group of yes/no facts, each with its own words
    }
    assert offered and sorted(offered - set(CHOICE_WORDS)) == []


def test_the_form_shows_the_words_not_the_field_name() -> None:
    (upheld,) = [
        f for f in fields_of(MESSAGES["oat_decision"].model, message="oat_decision") if f.key == "upheld"
    ]
    assert upheld.label == "Is the complaint upheld?"
    reason = next(
        f for f in fields_of(MESSAGES["oat_decision"].model, message="oat_decision") if f.key == "ndi_reason"
    )
    assert "para 62" in reason.label and isinstance(reason.choices[0], str)
    assert not issubclass(type(reason.choices[0]), Enum)


def test_the_forms_the_cli_and_the_openapi_say_the_same() -> None:
    import json

    from typer.testing import CliRunner

    from api.routes.cases import body_model
    from starter.cli import app

    rows = json.loads(CliRunner().invoke(app, ["messages", "decision_complaint", "--json"]).stdout)
    cli = {row["name"]: row for row in rows}
    for name in ("oat_decision", "extend_grounds_deadline", "case_owner_resolution"):
        schema = body_model(MESSAGES[name]).model_json_schema()["properties"]
        for f in fields_of(MESSAGES[name].model, message=name):
            assert cli[name]["labels"][f.key] == f.label
            assert schema[f.key]["description"].startswith(f.label), (name, f.key)
        assert cli[name]["title"] == MESSAGE_WORDS[name].title


def test_a_line_of_the_record_names_what_it_speaks_of_not_its_ids() -> None:
    """People, not ids: the timeline reads a line of the case's record in words: a child
    case's workflow id as what it is, a member of staff by name, a party as who they are."""
    from api.ui.words import plain
    from domain.staff import Staff

    directory = Staff.load(None)
    alice = directory.get("cw-alice")
    assert alice is not None
    parent = "decision-complaint-C-1001-9d303e35"
    said = plain(f"OAT review {parent}/oat-review-2, for cw-alice", directory)
    assert said == f"OAT review round 2, for {alice.name}"
    ndi = plain(f"comments until 2026-04-01; {parent}/new-detailed-investigation-1", directory)
    assert ndi == "Comments until 1 April 2026; the new detailed investigation"
    assert plain("letter could not be sent: closing to service-user:C-1001", directory).endswith(
        "to the complainant"
    )


def test_a_child_case_is_named_by_what_it_is() -> None:
    from api.ui.words import child_name

    parent = "decision-complaint-C-1001-9d303e35"
    assert child_name(f"{parent}/oat-review-2") == "Assurance Team review"
    assert child_name(f"{parent}/new-detailed-investigation-1") == "New detailed investigation"
    assert (
        child_name(f"{parent}/new-detailed-investigation-1", in_a_sentence=True)
        == "new detailed investigation"
    )
