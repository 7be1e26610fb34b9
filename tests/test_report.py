"""`reviews report` figures, checked against a seeded set of cases on SQLite and
PostgreSQL, and against cases the real workflows wrote (scenarios)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from activities.models import CaseSnapshot
from activities.records import CaseActivities
from domain.models import Awaiting
from starter.report import render_html
from starter.simulate import simulate
from store.db import make_engine
from store.report import build_report, percentile
from tests.conftest import settings_in
from tests.test_store import postgres_schema_url

SCENARIOS = Path(__file__).parent.parent / "scenarios"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> CaseActivities:
    url = None if request.param == "sqlite" else postgres_schema_url()
    return CaseActivities(settings_in(tmp_path, url))


def seed(store: CaseActivities, n: int, **fields: Any) -> None:
    status = fields.pop("status", {})
    opened = fields.pop("opened", datetime(2026, 3, 2, 9, tzinfo=UTC))
    store.sync_case(
        CaseSnapshot(
            workflow_id=f"wf-{n}",
            case_ref=f"C-{n}",
            opened_at=opened,
            status=status,
            **{"kind": "decision_complaint", "stage": "closed", **fields},
        )
    )


def met(p: str) -> dict[str, Any]:
    return {"paragraph": p, "requirement": f"requirement {p}", "state": "met"}


def test_percentile_is_nearest_rank() -> None:
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([], 0.5) is None


def test_report_figures_from_a_seeded_store(store: CaseActivities, tmp_path: Path) -> None:
    closed = datetime(2026, 3, 2, 9, tzinfo=UTC)
    # Five decision complaints decided 10, 20, 30, 40 and 100 days after their grounds.
    for n, days in enumerate([10, 20, 30, 40, 100]):
        seed(
            store,
            n,
            outcome="not_upheld",
            closed_at=closed + timedelta(days=days),
            status={
                "grounds_in_time": n != 4,
                "grounds_received_on": "2026-03-02",
                "oat_outcomes": ["accepted"] if n else ["returned_more_info", "accepted"],
                "ledger": [met("53"), met("74")],
                "learning_points": [{"kind": "individual", "charter_commitment": "keep you informed"}]
                if n < 2
                else [],
            },
        )
    seed(store, 5, outcome="grounds_not_received", closed_at=closed, status={"ledger": [met("74")]})
    seed(
        store,
        6,
        kind="service_complaint",
        outcome="service_complaint_upheld",
        closed_at=closed,
        status={
            "ledger": [met("13"), {"paragraph": "19", "requirement": "r19", "state": "unmet"}],
            "ledger_unmet": ["19"],
        },
    )
    # Open, overdue and escalated, with its clock paused for 12 days.
    seed(
        store,
        7,
        kind="service_complaint",
        stage="consideration",
        awaiting=Awaiting(
            action="service_complaint_decision",
            actor_role="assistant_director",
            due=date(2026, 3, 20),
            since=closed,
            reminded=True,
            escalated=True,
        ),
        status={"clock_paused": True, "time_paused_days": 12},
    )
    # Outside the period: must not count.
    seed(store, 8, outcome="not_upheld", opened=datetime(2025, 1, 5, tzinfo=UTC), status={})

    report = build_report(
        make_engine(store.settings.database_url), date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 4, 1)
    )
    assert report["cases"] == 8 and report["closed"] == 7
    assert report["by_kind_and_outcome"] == {
        "decision_complaint": {"grounds_not_received": 1, "not_upheld": 5},
        "service_complaint": {"open": 1, "service_complaint_upheld": 1},
    }
    assert report["grounds_received"] == {"in_time": 4, "late": 1, "not_received": 1}
    assert report["grounds_to_decision_days"] == {"cases": 5, "median": 30, "p90": 100}
    assert report["oat_outcomes"] == {"accepted": 5, "returned_more_info": 1}
    assert report["overdue_steps_by_role"] == {
        "assistant_director": {"went_overdue": 1, "escalated": 1, "overdue_now": 1}
    }
    assert report["ledger"]["closed_cases_with_unmet"] == 1
    assert report["ledger"]["compliant_share"] == round(6 / 7, 3)
    assert report["ledger"]["by_paragraph"]["74"]["met"] == 6
    assert report["ledger"]["by_paragraph"]["19"]["unmet"] == 1
    assert list(report["ledger"]["by_paragraph"]) == ["13", "19", "53", "74"]
    assert report["learning_points_by_charter_commitment"] == {"keep you informed": 2}
    assert report["paused"] == {"days_in_all": 12, "paused_now": ["C-7"]}

    page = render_html(report)
    assert page.count("<svg") >= 6 and "C-6" in page and "para 19" in page
    assert "service complaint by outcome" in page


async def test_report_on_what_the_real_workflows_wrote(tmp_path: Path) -> None:
    names = [
        "13_not_upheld.yaml",
        "08_design_example_declined_out_of_time.yaml",
        "15_upheld_remedy_payment_approved.yaml",
    ]
    for name in names:
        scenario = yaml.safe_load((SCENARIOS / name).read_text())
        result = await simulate(scenario, data_dir=tmp_path)
        assert result["expect_met"]
    env = {**os.environ, "REVIEWS_DATA_DIR": str(tmp_path)}
    env.pop("REVIEWS_DATABASE_URL", None)
    html = tmp_path / "report.html"
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("reviews")),
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--json",
            "--html",
            str(html),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["by_kind_and_outcome"]["decision_complaint"] == {
        "declined_out_of_time": 1,
        "not_upheld": 1,
        "upheld_remedy": 1,
    }
    assert report["grounds_received"]["late"] == 1 and report["grounds_received"]["in_time"] == 2
    assert report["grounds_to_decision_days"]["cases"] == 3
    assert report["oat_outcomes"]["accepted"] == 2
    assert report["ledger"]["by_paragraph"]["74"]["met"] == 3
    complainant = report["complainant"]  # issue 13, over what the real workflows wrote
    assert complainant["submissions"] == 3 and complainant["acknowledged_same_day"] == 3
    assert 0 < complainant["longest_silence_working_days"] <= 20
    assert (
        complainant["letters_to_the_public"] >= 9
        and complainant["letters_with_an_adjustment_not_honoured"] == 0
    )
    assert html.read_text().count("<svg") >= 4
    refused = subprocess.run(
        [
            str(Path(sys.executable).with_name("reviews")),
            "report",
            "--from",
            "2026-12-31",
            "--to",
            "2026-01-01",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 2 and "before" in refused.stderr
