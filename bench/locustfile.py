"""The HTTP API under concurrent users (`make bench`, issue 14): each user opens a case as
the back office, then pauses and resumes its owner's step as the case owner."""

from __future__ import annotations

import os
import uuid
from datetime import date

from locust import HttpUser, between, task

BACK_OFFICE = {"Authorization": f"Bearer {os.environ.get('BENCH_BACK_OFFICE', '')}"}
OWNER = {"Authorization": f"Bearer {os.environ.get('BENCH_OWNER', '')}"}


class Staff(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        body = {
            "kind": "decision_complaint",
            "case": {"ref": f"LOAD-{uuid.uuid4().hex[:8]}", "owner": "cw-alice", "manager": "om-bob",
                     "risk": "low", "decision": "primary_investigation", "decided_on": date.today().isoformat()},
        }  # fmt: skip
        opened = self.client.post("/cases", json=body, headers=BACK_OFFICE, name="open case")
        self.case = opened.json()["workflow_id"]
        self.paused = False

    @task
    def pause_or_resume(self) -> None:
        if self.paused:
            path, data = "resume_clock", {"note": "back"}
        else:
            path, data = "pause_clock", {"reason": "waiting for records"}
        self.client.post(
            f"/cases/{self.case}/messages/{path}", json=data, headers=OWNER, name=f"message {path}"
        )
        self.paused = not self.paused
