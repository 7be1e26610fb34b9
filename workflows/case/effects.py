"""Every side effect a case has goes through an activity called from here, with one
timeout and retry policy. Activities are idempotent (workflow id + key), so a retry never
sends a letter or writes a record twice."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.models import CaseSnapshot, LetterRequest, NewCaseCreated, NewCaseRequest
    from activities.records import CaseActivities
    from domain.models import LetterRecord
    from domain.policy import Policy

ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=["PolicyError", "ValidationError"],
)
ACTIVITY_TIMEOUT = timedelta(seconds=60)
# The activities heartbeat every 2 s (activities/heartbeat.py): a worker that dies holding
# one is noticed after this, not after ACTIVITY_TIMEOUT, and the step is retried (issue 14).
ACTIVITY_HEARTBEAT = timedelta(seconds=10)


async def load_policy() -> Policy:
    """The policy the worker loaded (durations, Delegation Scheme, bank holidays); the
    case keeps it for its life, so its dates never move under it."""
    # It answers from memory: a short timeout, so a worker that dies holding it costs
    # seconds (it does not heartbeat).
    return await workflow.execute_activity_method(
        CaseActivities.get_policy, start_to_close_timeout=ACTIVITY_HEARTBEAT, retry_policy=ACTIVITY_RETRY
    )


async def sync_case(snapshot: CaseSnapshot) -> None:
    await workflow.execute_activity_method(
        CaseActivities.sync_case,
        snapshot,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        heartbeat_timeout=ACTIVITY_HEARTBEAT,
        retry_policy=ACTIVITY_RETRY,
    )


async def send_letter(request: LetterRequest) -> LetterRecord:
    return await workflow.execute_activity_method(
        CaseActivities.send_letter,
        request,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        heartbeat_timeout=ACTIVITY_HEARTBEAT,
        retry_policy=ACTIVITY_RETRY,
    )


async def open_new_case(request: NewCaseRequest) -> NewCaseCreated:
    return await workflow.execute_activity_method(
        CaseActivities.open_new_case,
        request,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        heartbeat_timeout=ACTIVITY_HEARTBEAT,
        retry_policy=ACTIVITY_RETRY,
    )
