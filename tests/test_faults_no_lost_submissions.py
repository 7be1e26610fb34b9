"""No submission is lost (paras 30-31, 63): 1,000 signals and updates from concurrent senders
across 100 cases on the real workflows; every accepted one appears in its case's audit
trail exactly once, and each sender's in the order it sent them."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.testing import WorkflowEnvironment

from starter.client import Refusal, ReviewsClient
from tests.conftest import decision_case, today, until_stage

# 100 cases x (2 senders x 4 documents + the owner pausing and resuming) = 1,000 messages
CASES, SENDERS, EACH = 100, 2, 4
OWNER = {"id": "cw-alice", "role": "caseworker"}


async def test_a_thousand_concurrent_submissions_are_each_recorded_once(
    env: WorkflowEnvironment, reviews: ReviewsClient
) -> None:
    decided = await today(env)
    ids = await asyncio.gather(
        *(
            reviews.open("decision_complaint", decision_case(f"N-{uuid.uuid4().hex[:6]}", decided_on=decided))
            for _ in range(CASES)
        )
    )

    # The owner's pause is refused while a case is still at intake: under load (two test
    # workers on two cores) a case can take a moment to reach its first step.
    await asyncio.gather(*(until_stage(reviews, wid, "intake", leaving=True) for wid in ids))

    async def sender(wid: str, who: int) -> None:
        for n in range(EACH):
            document = {"name": f"s{who}-doc{n}.pdf"}
            await reviews.send(
                wid,
                "evidence_submitted",
                {"id": f"su-{who}", "role": "service_user"},
                {"documents": [document]},
            )

    accepted: dict[str, list[str]] = {wid: [] for wid in ids}

    async def owner(wid: str) -> None:
        """Two updates, each answered with a receipt once applied. The resume may be
        refused: a document from the service user resumes the clock by itself (31)."""
        for name, data in (
            ("pause_clock", {"reason": "waiting for records"}),
            ("resume_clock", {"note": "back"}),
        ):
            try:
                receipt = await reviews.send(wid, name, OWNER, data)
            except Refusal as refusal:
                assert name == "resume_clock" and "not paused" in str(refusal), str(refusal)
                continue
            accepted[wid].extend(getattr(receipt, "recorded", []))

    await asyncio.gather(
        *(sender(wid, who) for wid in ids for who in range(SENDERS)), *(owner(wid) for wid in ids)
    )
    for wid in ids:
        for _ in range(200):
            status = await reviews.status(wid)
            named = [h.detail for h in status.history if h.action == "document named but not received"]
            if len(named) >= SENDERS * EACH:
                break
            await asyncio.sleep(0.05)
        assert sorted(named) == sorted(f"s{who}-doc{n}.pdf" for who in range(SENDERS) for n in range(EACH)), (
            wid
        )
        for who in range(SENDERS):  # each sender's documents in the order it sent them
            mine = [d for d in named if d.startswith(f"s{who}-")]
            assert mine == [f"s{who}-doc{n}.pdf" for n in range(EACH)], (wid, mine)
        # Each update once, in the order applied, as its receipt said.
        clock = [h.action.split(":")[0] for h in status.history if h.action.startswith("clock ")]
        assert clock == ["clock paused", "clock resumed"], (wid, clock)
        mine = [a for a in accepted[wid] if a.startswith("clock ")]
        assert mine[0].startswith("clock paused") and all(
            a in [h.action for h in status.history] for a in mine
        )
