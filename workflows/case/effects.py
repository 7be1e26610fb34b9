"""Every side effect a case has goes through an activity called from here, with one
timeout and retry policy. Activities are idempotent (workflow id + key), so a retry never
sends a letter or writes a record twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.heartbeat import UNSTORABLE
    from activities.models import (
        CaseSnapshot,
        EarlierReviewAsk,
        LetterPosted,
        LetterRequest,
        NewCaseCreated,
        NewCaseRequest,
    )
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


def unstorable(err: ActivityError) -> str | None:
    """The store's refusal of the data itself (activities/heartbeat.py), in its words; None
    for any other failure, which is the workflow's to raise."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type == UNSTORABLE:
        return cause.message
    return None


async def _writing(activity: Any, arg: Any) -> Any:
    """An activity that writes (it heartbeats): the one timeout and retry policy."""
    return await workflow.execute_activity_method(
        activity,
        arg,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        heartbeat_timeout=ACTIVITY_HEARTBEAT,
        retry_policy=ACTIVITY_RETRY,
    )


async def sync_case(snapshot: CaseSnapshot) -> str | None:
    """Nothing, or why the store could not keep this record: the case goes on (issue 23)."""
    try:
        await _writing(CaseActivities.sync_case, snapshot)
    except ActivityError as err:
        if (reason := unstorable(err)) is None:
            raise
        return reason
    return None


async def send_letter(request: LetterRequest) -> LetterRecord:
    """The letter as sent; a letter the store could not keep comes back undeliverable, so
    a person is asked to act and nobody believes it went (issue 23)."""
    try:
        sent: LetterRecord = await _writing(CaseActivities.send_letter, request)
        return sent
    except ActivityError as err:
        if (reason := unstorable(err)) is None:
            raise
        return LetterRecord(
            kind=request.kind,
            to=request.to.id,
            to_role=request.to.role,
            cc=[copy.id for copy in request.cc],
            sent_at=request.at,
            key=request.key,
            ends_internal_process=request.ends_internal_process,
            undeliverable=reason,
        )


async def letter_posted(posting: LetterPosted) -> None:
    await _writing(CaseActivities.letter_posted, posting)


async def earlier_review(ask: EarlierReviewAsk) -> str | None:
    return await workflow.execute_activity_method(
        CaseActivities.earlier_review,
        ask,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=ACTIVITY_RETRY,
    )


async def open_new_case(request: NewCaseRequest) -> NewCaseCreated:
    created: NewCaseCreated = await _writing(CaseActivities.open_new_case, request)
    return created
