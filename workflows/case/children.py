"""Children run inside their stage (design.md: OAT's review, a new detailed investigation).

The case awaits its child there. A message for the child sent to the case is validated
by the case and forwarded; forwarding to a child that is gone never fails the case. A
child that ends without a result (terminated, failed, timed out) is recorded, the case's
manager is told, and a fresh child is started for the same stage, carrying what the old
one had received (the case keeps a copy of everything it forwarded).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError, FailureError

with workflow.unsafe.imports_passed_through():
    from contract import CLOCK_OFFSET_MEMO
    from domain.models import SYSTEM
    from workflows.case.core import CaseCore

ChildInput = Callable[[int], BaseModel]  # the child's input for attempt 0, 1, 2...


async def forward(handle: workflow.ChildWorkflowHandle[Any, Any], signal: Any, msg: Any) -> bool:
    """Signal the child; False (never an error) when the child is gone."""
    try:
        await handle.signal(signal, msg)
    except FailureError:
        return False
    return True


async def start_child(
    case: CaseCore[Any], run: Any, child_input: BaseModel, child_id: str
) -> workflow.ChildWorkflowHandle[Any, Any]:
    """Start a child on the case's clock, linked from the case."""
    handle = await workflow.start_child_workflow(
        run, child_input, id=child_id, memo={CLOCK_OFFSET_MEMO: case.state.offset_seconds}
    )
    case.state.links.children.append(child_id)
    return handle


async def run_child(
    case: CaseCore[Any],
    run: Any,
    first_id: str,
    child_input: ChildInput,
    message: str,
    signal: Any,
    what: str,
) -> Any:
    """Start the child (attempt 0, then `-restart-1`, `-restart-2`... after one ends
    without a result), forward the update `message` to it once it is accepted (the case
    validated it: the child does not check it again), and return the child's result."""
    attempt = 0
    case.children_running += 1
    try:
        while True:
            child_id = first_id + (f"-restart-{attempt}" if attempt else "")
            handle = await start_child(case, run, child_input(attempt), child_id)
            case.current_child = handle
            outcome: list[Any] = []
            failure: list[ChildWorkflowError] = []

            async def collect(child: workflow.ChildWorkflowHandle[Any, Any] = handle) -> None:
                try:
                    outcome.append(await child)
                except ChildWorkflowError as err:
                    failure.append(err)

            task = asyncio.create_task(collect())
            case.child_tasks.append(task)
            forwarded = False
            while not (outcome or failure):
                await case.wait_until(
                    lambda: bool(outcome or failure) or (case.mailbox.holds(message) and not forwarded)
                )
                if not (outcome or failure) and case.mailbox.holds(message) and not forwarded:
                    forwarded = await forward(handle, signal, case.mailbox.peek(message))
                    if not forwarded:
                        await task  # the child is gone: its end is reported next
            if outcome:
                if case.mailbox.holds(message):
                    case.mailbox.take(message)
                return outcome[0]
            attempt += 1
            await report_lost_child(case, handle.id, what, failure[0], attempt)
    finally:
        case.children_running -= 1
        case.current_child = None


async def report_lost_child(
    case: CaseCore[Any], child_id: str, what: str, err: ChildWorkflowError, attempt: int
) -> None:
    cause = err.cause.__class__.__name__ if err.cause else "ended"
    reason = f"{what} {child_id} ended without a result ({cause}: {err.cause or err}); started again (attempt {attempt + 1})"
    case.record(SYSTEM, f"{what} ended without a result; started again", [], reason)
    await case.letter(
        "child_restarted",
        case.staff(case.state.manager, "manager"),
        context={"what": what, "child": child_id, "reason": reason},
    )
