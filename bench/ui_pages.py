"""How fast "My tasks" and "My team" render with a large store (issue 12).

Seeds a fresh PostgreSQL schema with 50,000 closed cases and 10,000 open tasks spread
over the staff list, then renders each page for several people through the app in this
process and prints the server time: median and 95th percentile. Not a test: a figure to
read (the target is p95 under 150 ms on the 2-core machine).

    .venv/bin/python bench/ui_pages.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from activities.settings import Settings
from api.app import create_app
from api.settings import ApiSettings
from domain.staff import Staff
from store.db import make_engine, migrate

OPEN_TASKS, CLOSED_CASES, ROUNDS = 10_000, 50_000, 40
ACTIONS = ["case_owner_resolution", "challenge_assessment", "case_owner_review", "oat_decision", "approve"]


def seed(url: str, staff: Staff) -> None:
    people = list(staff.people.values())
    caseworkers = [p for p in people if p.role.value == "caseworker"]
    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as db:
        cases, tasks = [], []
        for n in range(CLOSED_CASES + OPEN_TASKS):
            owner = random.choice(caseworkers)
            open_ = n >= CLOSED_CASES
            wid = f"decision-complaint-B{n}"
            cases.append(
                {
                    "workflow_id": wid, "kind": "decision_complaint", "case_ref": f"B{n}",
                    "stage": "case_owner_review" if open_ else "closed", "outcome": None if open_ else "not_upheld",
                    "owner": owner.id, "manager": owner.manager, "risk": random.choice(["low", "medium", "high"]),
                    "opened_at": now - timedelta(days=random.randint(1, 400)), "closed_at": None if open_ else now,
                    "status": "{}", "updated_at": now,
                }
            )  # fmt: skip
            if open_:
                action = random.choice(ACTIONS)
                by_role = action in ("oat_decision", "approve")
                tasks.append(
                    {
                        "workflow_id": wid, "case_ref": f"B{n}", "action": action,
                        "actor_role": {"oat_decision": "oat_caseworker", "approve": random.choice(["operations_manager", "assistant_director", "director"])}.get(action, "caseworker"),
                        "actor_id": None if by_role else owner.id,
                        "due": date.today() + timedelta(days=random.randint(-20, 30)),
                        "opened_at": now - timedelta(days=random.randint(0, 30)), "closed_at": None,
                        "reminded": False, "escalated": False,
                    }
                )  # fmt: skip
        db.execute(
            text(
                "INSERT INTO cases (workflow_id, kind, case_ref, stage, outcome, owner, manager, risk, opened_at,"
                " closed_at, status, updated_at) VALUES (:workflow_id, :kind, :case_ref, :stage, :outcome, :owner,"
                " :manager, :risk, :opened_at, :closed_at, CAST(:status AS JSON), :updated_at)"
            ),
            cases,
        )
        db.execute(
            text(
                "INSERT INTO tasks (workflow_id, case_ref, action, actor_role, actor_id, due, opened_at, closed_at,"
                " reminded, escalated) VALUES (:workflow_id, :case_ref, :action, :actor_role, :actor_id, :due,"
                " :opened_at, :closed_at, :reminded, :escalated)"
            ),
            tasks,
        )
        db.execute(text("ANALYZE"))


async def measure(url: str) -> None:
    settings = ApiSettings(
        store=Settings(
            data_dir=Path("/tmp/reviews-bench"), database_url=url, smtp_url=None, policy_file=None
        ),
        secret="bench-" + "x" * 40,
    )
    app = create_app(settings, codec_server=False, local_sign_in=True)  # the staff list, on loopback
    transport = httpx.ASGITransport(app=app)
    for who, page in [
        ("cw-alice", "/ui/tasks"),
        ("oat-olu", "/ui/tasks"),
        ("om-bob", "/ui/team"),
        ("ad-ann", "/ui/team"),
        ("dir-dee", "/ui/team"),
    ]:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            login = await http.get("/ui/login")
            token = login.text.split('name="csrf" value="')[1].split('"')[0]
            await http.post("/ui/login", data={"person": who, "csrf": token})
            times = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                answer = await http.get(page)
                times.append((time.perf_counter() - start) * 1000)
                assert answer.status_code == 200, answer.text[:300]
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            rows = answer.text.count("<tr")
            print(
                f"{page:10} as {who:9} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   ({rows} rows on the page)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with make_engine(args.url).begin() as db:
        db.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        started = time.perf_counter()
        seed(url, Staff.load())
        print(
            f"seeded {CLOSED_CASES:,} closed cases and {OPEN_TASKS:,} open tasks in {time.perf_counter() - started:.1f} s"
        )
        asyncio.run(measure(url))
    finally:
        with make_engine(args.url).begin() as db:
            db.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
