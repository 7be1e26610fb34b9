"""`reviews simulate`: one case through the real workflows on the time-skipping server.

The scenario format is design.md's ("Simulation"). The test server's clock starts at the
real time and only moves forward, so the case runs on a clock shifted to the scenario's
`start` (a memo the workflows read); every date the case shows is scenario time.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from activities.records import CaseActivities
from activities.settings import Settings
from domain.calendar import parse_when
from domain.policy import Policy, policy_over_default
from starter.client import Refusal, ReviewsClient
from starter.testserver import start_time_skipping
from worker import build_worker

RUN_ON_STEP = timedelta(days=7)
BeforeStep = Callable[[ReviewsClient, str, dict[str, Any]], Awaitable[None]]


class ScenarioError(ValueError):
    pass


def load_scenario(path: str | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ScenarioError(f"scenario {path} does not exist") from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"scenario {path} is not valid YAML: {err}") from None
    if not isinstance(data, dict) or "open" not in data:
        raise ScenarioError(f"scenario {path} needs at least `open:` (see design.md, Simulation)")
    return data


def _start_of(scenario: dict[str, Any]) -> datetime:
    start = scenario.get("start")
    if start is None:
        return datetime.now(UTC).replace(microsecond=0)
    if isinstance(start, datetime):
        return start if start.tzinfo else start.replace(tzinfo=UTC)
    return parse_when(str(start), datetime.now(UTC))


def expectation_met(expected: Any, actual: Any) -> bool:
    """`expect` is a subset of status: mappings by key, lists item by item (each expected
    item matches some actual item), anything else by equality (dates as ISO text)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and expectation_met(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(expectation_met(item, candidate) for candidate in actual) for item in expected
        )
    if hasattr(expected, "isoformat"):
        expected = expected.isoformat()
    if isinstance(expected, str) and isinstance(actual, dict) and "kind" in actual and "detail" in actual:
        # A reasonable adjustment written as plain words matches the structured one
        # (design.md: a plain string is kept as `other` with its words).
        return expected in (actual["detail"], actual["kind"], str(actual["kind"]).replace("_", " "))
    if isinstance(actual, str) and isinstance(expected, str | int | float | bool):
        return actual == str(expected) if not isinstance(expected, bool) else False
    return bool(expected == actual)


def rejected_as_expected(expected: Any, rejected: list[dict[str, Any]], because: Any = None) -> bool:
    """`expect_rejected: [indexes]`, when given, must equal the refused steps (design.md);
    `expect_refusals: {index: words}`, when given, says why: each of those steps must be
    refused with an error containing its words, so a refusal for another reason fails."""
    if expected is not None and sorted(int(i) for i in expected) != sorted(r["step"] for r in rejected):
        return False
    errors = {r["step"]: str(r["error"]).casefold() for r in rejected}
    return all(str(words).casefold() in errors.get(int(step), "") for step, words in (because or {}).items())


async def simulate(
    scenario: dict[str, Any],
    *,
    env: WorkflowEnvironment | None = None,
    data_dir: Path | None = None,
    policy: Policy | None = None,
    before_step: BeforeStep | None = None,
) -> dict[str, Any]:
    """Run a scenario; return {workflow_id, status, rejected, expect_met}. `before_step`,
    if given, is called with the client, the case and each step just before it is sent."""
    if "policy" in scenario and policy is None:
        policy = policy_over_default(scenario["policy"], "scenario policy")
    own_env = env is None
    environment = env or await start_time_skipping()
    scratch = None if data_dir else tempfile.TemporaryDirectory(prefix="reviews-sim-")
    folder = data_dir or Path(scratch.name if scratch else ".")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        settings = Settings.from_env(folder)
        settings = Settings(
            data_dir=folder,
            database_url=f"sqlite:///{folder / 'reviews.db'}",
            smtp_url=None,
            policy_file=settings.policy_file,
        )
        activities = CaseActivities(settings, policy)
        task_queue = f"simulate-{uuid.uuid4().hex[:8]}"
        async with build_worker(environment.client, activities, task_queue):
            client = ReviewsClient(environment.client, task_queue, store_url=settings.database_url)
            return await _play(environment, client, scenario, before_step)
    finally:
        if own_env:
            await environment.shutdown()
        if scratch is not None:
            scratch.cleanup()


ACTIVITY_ENDS = (
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
)


TASK_ENDS = (
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
)


async def in_flight(env: WorkflowEnvironment, workflow_id: str) -> tuple[bool, int]:
    """Whether the workflow has ended, and how many activities and workflow tasks it has in
    flight. The server schedules the next workflow task in the same step that ends an
    activity, so none in flight means the case waits on a timer or a message."""
    counts: dict[int, int] = {}
    async for event in env.client.get_workflow_handle(workflow_id).fetch_history_events():
        counts[event.event_type] = counts.get(event.event_type, 0) + 1
    ended = bool(
        counts.get(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
        or counts.get(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
        or counts.get(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
    )
    activities = counts.get(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 0) - sum(
        counts.get(t, 0) for t in ACTIVITY_ENDS
    )
    tasks = counts.get(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 0) - sum(
        counts.get(t, 0) for t in TASK_ENDS
    )
    return ended, max(activities, 0) + max(tasks, 0)


async def _written(env: WorkflowEnvironment, workflow_id: str, seconds: float = 10) -> None:
    """A closed case still writes its last record to the store (its closing sync): let it
    finish before the worker stops, so `--data-dir` holds it all."""
    for _ in range(int(seconds / 0.05)):
        ended, busy = await in_flight(env, workflow_id)
        if ended or not busy:
            return
        await asyncio.sleep(0.05)


async def _play(
    env: WorkflowEnvironment, client: ReviewsClient, scenario: dict[str, Any], before_step: BeforeStep | None
) -> dict[str, Any]:
    start = _start_of(scenario)
    offset = start - await env.get_current_time()

    async def case_now() -> datetime:
        return await env.get_current_time() + offset

    async def run_to(moment: datetime) -> None:
        gap = moment - await case_now()
        if gap > timedelta(0):
            await env.sleep(gap)

    opening = dict(scenario["open"])
    kind = opening.pop("kind", "decision_complaint")
    workflow_id = await client.open(
        kind, opening, workflow_id=scenario.get("workflow_id"), clock_offset=offset
    )
    rejected: list[dict[str, Any]] = []
    for index, step in enumerate(scenario.get("steps") or []):
        try:
            if "at" in step:
                await run_to(parse_when(str(step["at"]), start))
            if before_step is not None:
                await before_step(client, workflow_id, step)
            await client.send(workflow_id, str(step.get("send", "")), step.get("as"), step.get("with") or {})
        except (Refusal, ValueError) as err:
            rejected.append({"step": index, "error": str(err)})
    until = parse_when(str(scenario["until"]), start) if "until" in scenario else start + timedelta(days=365)
    status = await client.status(workflow_id)
    while status.stage.value != "closed" and await case_now() < until:
        await env.sleep(min(RUN_ON_STEP, until - await case_now()))
        status = await client.status(workflow_id)
    if status.stage.value == "closed":
        await _written(env, workflow_id)
    shown = status.model_dump(mode="json")
    expect = scenario.get("expect")
    return {
        "workflow_id": workflow_id,
        "status": shown,
        "rejected": rejected,
        "expect_met": (True if expect is None else expectation_met(expect, shown))
        and rejected_as_expected(scenario.get("expect_rejected"), rejected, scenario.get("expect_refusals")),
    }
