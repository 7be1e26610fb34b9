"""Registers all workflows and activities on the task queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


class CaseWorker(Worker):
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
        finally:
            await asyncio.get_running_loop().run_in_executor(None, dispatcher.stop)


def build_worker(
    client: Client,
    activities: CaseActivities,
    task_queue: str = DEFAULT_TASK_QUEUE,
    executor: ThreadPoolExecutor | None = None,
    *,
    max_activities: int = 8,
    max_workflow_tasks: int = 100,
    max_cached_workflows: int = 1000,
) -> Worker:
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
    """Run until `stop` is set, then shut down cleanly (in-flight tasks finish)."""
    worker = build_worker(
        client, activities, task_queue, max_activities=max_activities, max_workflow_tasks=max_workflow_tasks
    )
    return await run_until(worker, stop)


# How long a stop waits for the worker to finish what it holds. The server can leave a
# long poll open through a worker's shutdown (a race fixed in temporalio/temporal#11841),
# which held Ctrl-C for a minute; an activity cut off here is retried by Temporal, and a
# retried letter is not sent twice (its key, activities/records.py).
SHUTDOWN_WAIT = 15.0  # seconds


async def run_until(worker: Worker, stop: asyncio.Event, shutdown_wait: float = SHUTDOWN_WAIT) -> bool:
    """Run `worker` until `stop` is set or it fails; whether it then shut down within
    `shutdown_wait` seconds. A worker that failed raises its error."""
    running = asyncio.create_task(worker.run())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if running.done():
        running.result()
        return True
    _, pending = await asyncio.wait({running, asyncio.create_task(worker.shutdown())}, timeout=shutdown_wait)
    if running in pending:
        log.warning(
            "the worker did not stop within %.0f s; leaving it (Temporal retries what it held)", shutdown_wait
        )
        return False
    running.result()
    return True
