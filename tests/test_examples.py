"""The inputs the README uses (examples/) are valid for the messages they name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contract.messages import MESSAGES, OPEN_INPUTS
from domain.enums import Kind

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_is_a_valid_input(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    if path.stem in {k.value for k in Kind}:
        OPEN_INPUTS[Kind(path.stem)][1].model_validate(data)
        return
    name = {"grounds": "grounds_submitted", "oat_decision_payment": "oat_decision"}[path.stem]
    data["actor"] = {"id": "someone", "role": "oat_caseworker"}
    MESSAGES[name].model.model_validate(data)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.api.json")), ids=lambda p: p.stem)
def test_api_example_is_a_valid_open_body(path: Path) -> None:
    import json

    data = json.loads(path.read_text())
    kind = Kind(data.pop("kind"))
    OPEN_INPUTS[kind][1].model_validate(data)
