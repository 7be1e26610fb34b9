"""Write docs/contract.md from the contract itself (the message table, the open inputs,
stages, outcomes, search attributes): what a back-office integrator needs, in the
project's own docs. `python scripts/contract_doc.py` rewrites it; a test fails when it
is out of date, so the doc cannot drift from the code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.visibility import SEES_EVERY_CASE  # noqa: E402
from contract import search_attributes as sa  # noqa: E402
from contract.messages import OPEN_INPUTS, messages_for  # noqa: E402
from domain.enums import Outcome, Role, Stage  # noqa: E402
from domain.models import Status  # noqa: E402

TARGET = ROOT / "docs" / "contract.md"

SEARCH_ATTRIBUTES = {
    "CaseRef": "the case reference the back office gave",
    "ReviewKind": "decision_complaint, service_complaint, positive_feedback (children: oat_review, new_detailed_investigation)",
    "ReviewStage": "the stage the case is at (below)",
    "CaseOwner": "the case owner's staff id",
    "RiskLevel": "low, medium or high",
    "AwaitingRole": "the role that owes the next step",
    "GroundsDeadline": "the date the grounds request gave (end of that London day)",
    "JrWindowEnds": "three months from the decision (71)",
    "Outcome": "set when the case closes (below)",
    "AwaitingDue": "when the step owed now is due",
    "LedgerUnmet": "paragraphs of the compliance ledger left unmet at closing",
}
QUERIES = [
    (
        "Decision complaints waiting for OAT, high risk",
        "ReviewKind = 'decision_complaint' AND AwaitingRole = 'oat_caseworker' AND RiskLevel = 'high'",
    ),
    (
        "Grounds due this week",
        "ReviewStage = 'awaiting_grounds' AND GroundsDeadline BETWEEN '2026-12-01T00:00:00Z' AND '2026-12-07T23:59:59Z'",
    ),
    (
        "Overdue steps (due before now)",
        "ExecutionStatus = 'Running' AND AwaitingDue < '2026-12-01T09:00:00Z'",
    ),
    ("One person's open cases", "CaseOwner = 'cw-alice' AND ExecutionStatus = 'Running'"),
    ("Closed with a requirement unmet", "LedgerUnmet = '55'"),
    ("A case by its reference", "CaseRef = 'C-1001'"),
]


def fields_of(model: type[BaseModel]) -> list[str]:
    from contract.messages import _shown

    rows = []
    for name, info in model.model_fields.items():
        if name == "actor":
            continue
        optional = "" if info.is_required() else " (optional)"
        rows.append(f"`{name}`: {_shown(info.annotation)}{optional}")
    return rows


def nested(model: type[BaseModel], seen: dict[str, type[BaseModel]]) -> None:
    """The models a model's fields hold, each once (DecidedCase, Contact, Evidence ...)."""
    from typing import get_args

    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ not in seen:
                seen[annotation.__name__] = annotation
                nested(annotation, seen)
            return
        for arg in get_args(annotation):
            walk(arg)

    for name, info in model.model_fields.items():
        if name != "actor":
            walk(info.annotation)


def render() -> str:
    out = [
        "# The public contract",
        "",
        "Generated from the code by `scripts/contract_doc.py` (a test fails when it is out of",
        "date). The names here are a public contract used by other systems: they are extended,",
        "never renamed. Paragraph numbers refer to the guidance in",
        "`docs/review-and-feedback-guidance-v12.txt`.",
        "",
        "How a message is sent: the client library (`starter/client.py`), the CLI",
        "(`reviews send WORKFLOW_ID NAME --as ID:ROLE --with @file`) or the HTTP API",
        "(`POST /cases/{id}/messages/{name}` with a JSON body and `Content-Type:",
        "application/json`; the actor comes from the token, never the body). An update (U) is",
        "refused with a reason or answered with a receipt once applied; a signal (S) is always",
        "recorded.",
        "",
    ]
    for kind, (workflow_type, model) in OPEN_INPUTS.items():
        out += [f"## {kind.value} (`{workflow_type}`)", "", "Open input:", ""]
        out += [f"- {row}" for row in fields_of(model)]
        out += ["", "| message | U/S | when | who | paras |", "|---|---|---|---|---|"]
        specs = messages_for(kind)
        for spec in specs:
            mark = "U" if spec.kind == "update" else "S"
            out.append(f"| `{spec.name}` | {mark} | {spec.when} | {spec.by} | {spec.paragraphs} |")
        out.append("")
        for spec in specs:
            out += [f"### `{spec.name}`", ""]
            out += [f"- {row}" for row in fields_of(spec.model)] or ["- no fields"]
            out += ["", "Example body:", "", "```json", json.dumps(spec.example), "```", ""]
    types: dict[str, type[BaseModel]] = {}
    for _, model in OPEN_INPUTS.values():
        nested(model, types)
    for kind in OPEN_INPUTS:
        for spec in messages_for(kind):
            nested(spec.model, types)
    out += ["## Types the inputs and messages hold", ""]
    for name in sorted(types):
        out += [f"### {name}", ""] + [f"- {row}" for row in fields_of(types[name])] + [""]
    out += ["## Stages", "", ", ".join(f"`{s.value}`" for s in Stage), ""]
    out += ["## Outcomes", "", ", ".join(f"`{o.value}`" for o in Outcome), ""]
    out += ["## Roles", "", ", ".join(f"`{r.value}`" for r in Role), ""]
    out += [
        "## Who may see a case (api/visibility.py)",
        "",
        "One rule, used by `GET /cases`, `GET /cases/{id}`, the letters, `GET /evidence/{sha256}`,"
        " the pages and the codec. Staff see a case when it is their team's (the owner's team in the"
        " staff directory), when they own or manage it or manage its owner, when its step or one of"
        " its tasks waits on them or on their role (for a team's step), or when their role sees every case: "
        + ", ".join(f"`{r.value}`" for r in sorted(SEES_EVERY_CASE))
        + ". To anyone else the case is not there (404). A party's token never gets the staff view;"
        " `/me/case` shows it its own letters and its own documents only"
        " (the organisation never sees the complainant's documents, adjustments, health details or contact).",
        "",
    ]
    out += ["## What `status` answers", "", ", ".join(f"`{name}`" for name in Status.model_fields), ""]
    out += [
        "## Search attributes (for operators in the Temporal Web UI)",
        "",
        "No search attribute or current detail ever holds a complainant's data.",
        "",
        "| attribute | type | what |",
        "|---|---|---|",
    ]
    for key in sa.ALL:
        out.append(
            f"| `{key.name}` | {key.indexed_value_type.name.removeprefix('INDEXED_VALUE_TYPE_').lower()} | {SEARCH_ATTRIBUTES[key.name]} |"
        )
    out += ["", "Queries to paste into the Web UI's search box (List Filter):", ""]
    out += [f"- {what}: `{query}`" for what, query in QUERIES]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render())
    print(f"wrote {TARGET.relative_to(ROOT)}")
