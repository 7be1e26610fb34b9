"""What the complainant experiences, measured over every scenario in scenarios/ (issue 13):

- time from each submission to its acknowledgement (target: the same working day, 100%),
- the longest gap without a letter to the complainant on each case (target: at most
  `max_silence`, 20 working days),
- the Flesch reading ease of every letter to the public (target: at least 60),
- the share of letters with every reasonable adjustment honoured (target: 100%),
- the front door (issue 27): how many complainants and organisations signed in, what they
  sent through it, and the middle time from our letter to what they sent. A scenario is
  driven through the contract, not a browser, so over the scenarios it is nought; give
  `--store=URL` (a deployment's database) to measure the door where people use it.

    .venv/bin/python scripts/complainant_measures.py [--json] [--at-once=N] [--store=URL]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import textstat
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from domain.calendar import PACKAGE_CALENDAR, london_date
from starter.client import quiet_runtime
from starter.simulate import simulate
from store.models import LetterRow

ROOT = Path(__file__).parent.parent
PUBLIC = ("service_user", "organisation", "advocate")
SUBMISSIONS = ("grounds_submitted", "late_explanation", "party_comment")


def letter_text(body: str) -> str:
    skip = ("Case reference", "Date:", "Dear", "Yours", "Review and Feedback")
    # A web address is not prose: the front door's link (issue 27) is read, not scored.
    return " ".join(
        line
        for line in body.splitlines()
        if line.strip() and not line.startswith(skip) and "http" not in line
    )


async def measure(path: Path) -> dict[str, Any]:
    scenario = yaml.safe_load(path.read_text())
    with tempfile.TemporaryDirectory() as folder:
        result = await simulate(scenario, data_dir=Path(folder))
        status = result["status"]
        with Session(create_engine(f"sqlite:///{Path(folder) / 'reviews.db'}")) as session:
            rows = session.scalars(select(LetterRow).where(LetterRow.to_role.in_(PUBLIC))).all()
            letters = [(r.kind, r.body, r.adjustments or []) for r in rows]
    history = status["history"]
    acks = [
        london_date(datetime.fromisoformat(h["at"]))
        for h in history
        if h["action"].startswith("acknowledged:")
    ]
    submitted = [london_date(datetime.fromisoformat(h["at"])) for h in history if h["action"] in SUBMISSIONS]
    same_day = sum(1 for day in submitted if day in acks)
    public = sorted(
        london_date(datetime.fromisoformat(x["sent_at"])) for x in status["letters"] if x["to_role"] in PUBLIC
    )
    opened = london_date(datetime.fromisoformat(history[0]["at"]))
    closed = london_date(datetime.fromisoformat(status["closed_at"])) if status.get("closed_at") else opened
    points = [opened, *public, closed]
    gap = max(
        (PACKAGE_CALENDAR.working_days_between(a, b) for a, b in zip(points, points[1:], strict=False)),
        default=0,
    )
    flesch = [round(textstat.flesch_reading_ease(letter_text(body)), 1) for _, body, _ in letters]
    honoured = sum(1 for _, _, adjustments in letters if all(a.get("honoured") for a in adjustments))
    return {
        "scenario": path.stem,
        "submissions": len(submitted),
        "acknowledged_same_day": same_day,
        "longest_silence_working_days": gap,
        "public_letters": len(letters),
        "lowest_flesch": min(flesch) if flesch else None,
        "letters_all_adjustments_honoured": honoured,
    }


def door_measures(store_url: str | None) -> dict[str, Any]:
    from dataclasses import asdict

    from store.db import make_engine
    from store.front_door import use

    return asdict(use(make_engine(store_url))) if store_url else asdict(use(_empty_store()))


def _empty_store() -> Any:
    from store.db import make_engine, migrate

    url = f"sqlite:///{tempfile.mkdtemp()}/door.db"
    migrate(url)
    return make_engine(url)


async def main(as_json: bool, at_once_n: int = 3, store_url: str | None = None) -> int:
    # A few scenarios at once, each on its own test server: the servers work while Python
    # waits. The suite asks for fewer, as it runs beside other tests.
    at_once = asyncio.Semaphore(at_once_n)

    async def measured(path: Path) -> dict[str, Any]:
        async with at_once:
            return await measure(path)

    rows = list(await asyncio.gather(*(measured(p) for p in sorted((ROOT / "scenarios").glob("*.yaml")))))
    totals = {
        "submissions": sum(r["submissions"] for r in rows),
        "acknowledged_same_day": sum(r["acknowledged_same_day"] for r in rows),
        "longest_silence_working_days": max(r["longest_silence_working_days"] for r in rows),
        "public_letters": sum(r["public_letters"] for r in rows),
        "lowest_flesch": min(r["lowest_flesch"] for r in rows if r["lowest_flesch"] is not None),
        "letters_all_adjustments_honoured": sum(r["letters_all_adjustments_honoured"] for r in rows),
    }
    door = door_measures(store_url)
    if as_json:
        print(json.dumps({"scenarios": rows, "totals": totals, "front_door": door}, indent=2))
    else:
        for r in rows:
            print(
                f"{r['scenario'][:46]:46} acks {r['acknowledged_same_day']}/{r['submissions']}  "
                f"silence {r['longest_silence_working_days']:3} wd  flesch {r['lowest_flesch']}  "
                f"adjustments {r['letters_all_adjustments_honoured']}/{r['public_letters']}"
            )
        t = totals
        share = 100 * t["acknowledged_same_day"] / t["submissions"] if t["submissions"] else 100
        honoured = (
            100 * t["letters_all_adjustments_honoured"] / t["public_letters"] if t["public_letters"] else 100
        )
        print(
            f"\nacknowledged the same working day: {share:.0f}% ({t['acknowledged_same_day']}/{t['submissions']})\n"
            f"longest silence on any case: {t['longest_silence_working_days']} working days (target 20)\n"
            f"lowest Flesch reading ease of a public letter: {t['lowest_flesch']} (target 60)\n"
            f"letters with every adjustment honoured: {honoured:.0f}% ({t['letters_all_adjustments_honoured']}/{t['public_letters']})\n"
            f"front door{' (' + store_url + ')' if store_url else ' (scenarios: none use a browser)'}: "
            f"{door['cases_signed_in']} cases signed in, {door['submissions']} things sent through it, "
            f"middle time from letter to sending {door['median_hours_letter_to_submission']} hours"
        )
    return 0


if __name__ == "__main__":
    quiet_runtime()
    at_once = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--at-once=")), 3)
    store = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--store=")), None)
    sys.exit(asyncio.run(main("--json" in sys.argv, max(1, at_once), store)))
