"""The versioning drill's two "new builds" of the decision complaint (test_versioning_drill):
in a module of their own, as the workflow sandbox imports a workflow's whole module."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

# The workflow module itself is not passed through: the sandbox loads it afresh, with the
# rest of workflows/, as it does for the real build (its own imports pass models through).
from workflows.decision.workflow import DecisionComplaintWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import Status
    from domain.state import DecisionRun

DRILL_PATCH = "versioning-drill"


@workflow.defn(name="DecisionComplaintWorkflow")
class PatchedBuild(DecisionComplaintWorkflow):
    """The new build: the change sits behind workflow.patched, as the README says."""

    @workflow.run
    async def run(self, opened: DecisionRun) -> Status:
        if workflow.patched(DRILL_PATCH):
            await workflow.sleep(timedelta(seconds=1))
        return await super().run(opened)


@workflow.defn(name="DecisionComplaintWorkflow")
class UnguardedBuild(DecisionComplaintWorkflow):
    """The same change made carelessly."""

    @workflow.run
    async def run(self, opened: DecisionRun) -> Status:
        await workflow.sleep(timedelta(seconds=1))
        return await super().run(opened)
