"""Learning from complaints (19, 55-56, Annex A), for every kind of case that finds some."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import line_manager_role
    from domain.enums import LearningPointKind
    from domain.models import Actor, LearningPoint
    from workflows.case.core import CaseCore


async def share_learning(
    case: CaseCore[Any], actor: Actor, points: list[LearningPoint], paragraphs: list[str]
) -> None:
    """Paras 19, 55-56, Annex A: learning is recorded on the case and sent to the case
    owner's line manager (an operations manager for a caseworker, an assistant director
    for an operations manager); organisational learning and good practice also go to
    the wider organisation."""
    state = case.state
    state.learning_points.extend(points)
    kinds = ", ".join(sorted({p.kind.value for p in points}))
    case.record(actor, "learning points recorded on the case", paragraphs, kinds)
    role = line_manager_role(state.owner_role).value
    cc = (
        [case.team_mailbox("organisational_learning")]
        if any(p.kind is not LearningPointKind.INDIVIDUAL for p in points)
        else []
    )
    sent = await case.letter(
        "learning_points",
        case.staff(state.manager, role),
        cc=cc,
        paragraphs=paragraphs,
        context={
            "points": [p.model_dump(mode="json") for p in points],
            "owner": state.owner,
            "owner_role": state.owner_role.value,
        },
    )
    shared = f"sent to the line manager {state.manager} ({role}), letter {sent.key}"
    if cc:
        shared += "; shared with the wider organisation"
    case.reach("19", shared)
