"""Dates against today hold in the client, the CLI and a case's validators, not only at the
HTTP edge (issue 23: `decided_on: 9999-12-31` was accepted; design.md, "Rules of the
house"). Today is the Temporal server's (a time-skipping server runs ahead of the wall's)
and, for a simulated case, its own clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from starter.client import Refusal, ReviewsClient
from tests.conftest import CASE_OWNER, MANAGER, decision_case, today, until_stage


def day(text: str, days: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat()


async def test_the_client_refuses_a_decision_made_tomorrow(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    now = await today(env)
    with pytest.raises(Refusal) as refused:
        await reviews.open("decision_complaint", decision_case(decided_on=day(now, 1)))
    assert refused.value.kind == "invalid"
    assert f"case.decided_on: {day(now, 1)} is in the future (today is {now})" in str(refused.value)
    assert not reviews.opened  # nothing was started
    await reviews.open("decision_complaint", decision_case(decided_on=now))  # today is fine


async def test_a_simulated_case_is_judged_by_its_own_today(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    """A scenario's case runs on a clock moved by an offset: a decision made after the
    case's today is in the future even when the server's today is later still."""
    now = await today(env)
    with pytest.raises(Refusal, match="is in the future"):
        await reviews.open(
            "decision_complaint", decision_case(decided_on=day(now, -5)), clock_offset=timedelta(days=-10)
        )


async def test_a_case_refuses_a_deadline_more_than_a_year_ahead(
    reviews: ReviewsClient, env: WorkflowEnvironment
) -> None:
    now = await today(env)
    wid = await reviews.open("decision_complaint", decision_case(decided_on=now))
    await reviews.send(wid, "case_owner_resolution", CASE_OWNER, {"resolved": False})
    await until_stage(reviews, wid, "awaiting_grounds")
    with pytest.raises(Refusal) as refused:
        await reviews.send(
            wid, "extend_grounds_deadline", MANAGER, {"new_deadline": day(now, 400), "reason": "in hospital"}
        )
    assert refused.value.kind == "invalid" and "is more than a year from today" in str(refused.value)
    status = await reviews.status(wid)
    assert status.stage.value == "awaiting_grounds" and not [
        e for e in status.history if "extend" in e.action
    ]
