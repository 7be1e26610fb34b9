"""The message table (contract/messages.py, design.md "Messages") is the one place the
message surface is written: every workflow takes exactly the messages the table gives its
kind, each update with a validator; a child takes only messages of its parent's table;
each example body is valid; `reviews messages` prints the table readably at 80 columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.workflow import _Definition

from activities.dispatch import TOLD_BY_SIGNAL
from contract.messages import INTERNAL_SIGNALS, KIND_OF_WORKFLOW_TYPE, MESSAGES, messages_for
from domain.enums import Kind
from worker import WORKFLOWS

ROOT = Path(__file__).resolve().parents[1]
CHILD_QUERIES = {"status"}
CASE_QUERIES = {"status", "would_take", "offers"}


def definition(name: str) -> _Definition:
    found = [d for d in map(_Definition.from_class, WORKFLOWS) if d is not None and d.name == name]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize("workflow_type", sorted(KIND_OF_WORKFLOW_TYPE))
def test_a_workflow_takes_exactly_the_messages_the_table_gives_its_kind(workflow_type: str) -> None:
    d = definition(workflow_type)
    kind = KIND_OF_WORKFLOW_TYPE[workflow_type]
    table = {spec.name: spec.kind for spec in messages_for(kind)}
    assert set(d.updates) == {n for n, k in table.items() if k == "update"}
    # The dynamic handler (None) records unknown signals; every named one is in the table.
    assert {n for n in d.signals if n} == {n for n, k in table.items() if k == "signal"} | (
        INTERNAL_SIGNALS if workflow_type in TOLD_BY_SIGNAL else set()
    )
    assert set(d.queries) == CASE_QUERIES
    for name, update in d.updates.items():
        assert update.validator is not None, (
            f"{workflow_type}.{name} has no validator: a refusal would fail it"
        )


@pytest.mark.parametrize(
    ("workflow_type", "updates", "signals"),
    [
        ("OatReviewWorkflow", {"oat_outcome"}, {"forwarded_outcome"}),
        ("NewDetailedInvestigationWorkflow", {"ndi_proceed"}, {"party_comment", "forwarded_proceed"}),
    ],
)
def test_a_child_takes_only_its_own_messages_from_its_parents_table(
    workflow_type: str, updates: set[str], signals: set[str]
) -> None:
    d = definition(workflow_type)
    assert set(d.updates) == updates and set(d.signals) == signals and set(d.queries) == CHILD_QUERIES
    for name in updates | (signals - {"forwarded_outcome", "forwarded_proceed"}):
        assert Kind.DECISION_COMPLAINT in MESSAGES[name].case_kinds
    assert all(u.validator is not None for u in d.updates.values())


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_each_example_body_is_valid_for_its_model(name: str) -> None:
    spec = MESSAGES[name]
    actor = {"actor": {"id": "x", "role": "caseworker"}} if spec.kind == "update" else {}
    spec.model.model_validate(spec.example | actor)


def test_every_stage_the_table_names_is_one_its_kinds_have() -> None:
    for spec in MESSAGES.values():
        assert spec.when, spec.name
        assert all(stage.value != "closed" for stage in spec.stages), spec.name


def reviews(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "starter.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_reviews_messages_prints_the_table_within_80_columns() -> None:
    shown = reviews("messages", "decision_complaint").stdout
    assert max(len(line) for line in shown.splitlines()) <= 80
    for spec in messages_for(Kind.DECISION_COMPLAINT):
        assert spec.name in shown.replace("\n", "")


def test_reviews_messages_json_is_the_table() -> None:
    rows = json.loads(reviews("messages", "--json").stdout)
    assert [r["name"] for r in rows] == list(MESSAGES)
    for row in rows:
        spec = MESSAGES[row["name"]]
        assert row["stage_values"] == [s.value for s in spec.stages]
        assert row["example"] == spec.example


def test_docs_contract_md_is_generated_from_the_code() -> None:
    """docs/contract.md is the contract a newcomer reads: it never drifts from the code."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from contract_doc import TARGET, render

    assert TARGET.read_text() == render(), "run: python scripts/contract_doc.py"
