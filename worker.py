"""Registers all workflows and activities on the task queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.records import CaseActivities
from workflows.decision.workflow import DecisionComplaintWorkflow
from workflows.new_detailed_investigation import NewDetailedInvestigationWorkflow
from workflows.oat_review import OatReviewWorkflow
from workflows.positive_feedback import PositiveFeedbackWorkflow
from workflows.service.workflow import ServiceComplaintWorkflow

DEFAULT_TASK_QUEUE = "reviews"

log = logging.getLogger(__name__)

WORKFLOWS = [
    DecisionComplaintWorkflow,
    ServiceComplaintWorkflow,
    PositiveFeedbackWorkflow,
    OatReviewWorkflow,
    NewDetailedInvestigationWorkflow,
]


def activity_functions(activities: CaseActivities) -> list[Callable[..., Any]]:
    return [
        activities.get_policy,
        activities.sync_case,
        activities.send_letter,
        activities.letter_posted,
        activities.open_new_case,
        activities.earlier_review,
    ]


# The contract's models check e-mail addresses with email-validator (domain/bounds.py) when a
# workflow reads its input: a pure library, passed through rather than re-imported in the
# sandbox for every workflow.
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("email_validator", "idna", "dns")
)


# How long a shutdown waits for the worker to finish what it holds. The server can leave
# a long poll open through a worker's shutdown (temporalio/temporal#11841,
# temporalio/sdk-rust#1297), which once held `reviews dev`'s Ctrl-C and a test's worker
# for over a minute. An activity cut off here is retried by Temporal, and a retried letter
# is not sent twice (its key, activities/records.py).
SHUTDOWN_WAIT = 15.0  # seconds


class BoundedWorker(Worker):
    """A worker whose shutdown takes at most `shutdown_wait` seconds; `cut_short` says
    whether it had to leave something unfinished."""

    def __init__(self, client: Client, *, shutdown_wait: float = SHUTDOWN_WAIT, **kwargs: Any) -> None:
        # No plugins here: once the shutdown is over, nothing more is worth waiting for.
        super().__init__(client, plugin_shutdown_timeout=timedelta(seconds=1), **kwargs)
        self.shutdown_wait, self.cut_short = shutdown_wait, False

    async def shutdown(self) -> None:
        whole = asyncio.ensure_future(super().shutdown())
        done, _ = await asyncio.wait({whole}, timeout=self.shutdown_wait)
        if not done:
            self.cut_short = True
            log.warning("the worker did not stop within %.0f s; left (Temporal retries what it held)",
                        self.shutdown_wait)  # fmt: skip


class CaseWorker(BoundedWorker):
    """The worker, with the letter dispatcher beside it for as long as it runs (issue 25):
    letters leave through the outbox, off the case's critical path."""

    def __init__(self, client: Client, case_activities: CaseActivities, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.case_activities, self.case_client = case_activities, client

    async def run(self) -> None:
        dispatcher = self.case_activities.dispatcher
        dispatcher.attach(self.case_client, asyncio.get_running_loop())
        dispatcher.start()
        try:
            await super().run()
        finally:  # a worker that failed, or one cut short
            await self.stop_dispatcher()

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.stop_dispatcher()  # a letter on its way is let finish (or reaches its timeout)

    async def stop_dispatcher(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.case_activities.dispatcher.stop)


def build_worker(
    client: Client,
    activities: CaseActivities,
    task_queue: str = DEFAULT_TASK_QUEUE,
    executor: ThreadPoolExecutor | None = None,
    *,
    max_activities: int = 8,
    max_workflow_tasks: int = 100,
    max_cached_workflows: int = 1000,
) -> CaseWorker:
    """Activities are blocking (SQLAlchemy, SMTP) and run in a thread pool: the worker
    takes at most as many activity tasks as there are threads, so slots and threads agree."""
    pool = executor or ThreadPoolExecutor(max_workers=max_activities, thread_name_prefix="activity")
    return CaseWorker(
        client,
        activities,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activity_functions(activities),
        activity_executor=pool,
        max_concurrent_activities=pool._max_workers,
        max_concurrent_workflow_tasks=max_workflow_tasks,
        max_cached_workflows=max_cached_workflows,
        workflow_runner=RUNNER,
    )


async def run_worker(
    client: Client,
    activities: CaseActivities,
    task_queue: str,
    stop: asyncio.Event,
    *,
    max_activities: int = 8,
    max_workflow_tasks: int = 100,
) -> bool:
    """Run until `stop` is set, then shut down: whether cleanly (what it held finished)."""
    worker = build_worker(
        client, activities, task_queue, max_activities=max_activities, max_workflow_tasks=max_workflow_tasks
    )
    async with worker:
        await stop.wait()
    return not worker.cut_short
