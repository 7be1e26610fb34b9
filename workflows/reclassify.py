"""Reclassification (12, 48): one kind of complaint closes and the other opens as its own
workflow, linked both ways. The new case outlives this one (parent-close ABANDON)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contract import CLOCK_OFFSET_MEMO
    from workflows.case.core import CaseCore


async def start_reclassified(case: CaseCore[Any], workflow_type: str, opened: BaseModel, suffix: str) -> str:
    new_id = f"{workflow.info().workflow_id}/{suffix}"
    await workflow.start_child_workflow(
        workflow_type,
        opened,
        id=new_id,
        memo={CLOCK_OFFSET_MEMO: case.state.offset_seconds},
        parent_close_policy=workflow.ParentClosePolicy.ABANDON,
    )
    case.state.links.reclassified_to = new_id
    return new_id
