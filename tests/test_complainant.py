"""What the complainant gets (design.md; paras 30-31, 33, 63): every submission acknowledged the same day,
listing what arrived, and saying plainly what did not."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path

import yaml

from domain.calendar import london_date
from starter.simulate import simulate

SCENARIOS = Path(__file__).parent.parent / "scenarios"


async def test_every_submission_is_acknowledged_the_same_day(tmp_path: Path) -> None:
    scenario = yaml.safe_load((SCENARIOS / "42_every_submission_acknowledged.yaml").read_text())
    result = await simulate(scenario, data_dir=tmp_path)
    assert result["expect_met"], result["status"]["letters"]
    history = result["status"]["history"]
    letters = result["status"]["letters"]
    acks = [x for x in letters if x["kind"] == "acknowledgement"]
    assert len(acks) == 2
    grounds_at = next(h["at"] for h in history if h["action"] == "grounds_submitted")
    assert acks[1]["sent_at"][:10] == grounds_at[:10]  # the same day
    opened_at = history[0]["at"]
    assert london_date(datetime.fromisoformat(acks[0]["sent_at"])) == london_date(
        datetime.fromisoformat(opened_at)
    )
    files = sorted((tmp_path / "outbox").rglob("*-acknowledgement.eml"))
    body = email.message_from_bytes(files[1].read_bytes(), policy=email.policy.default).get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "letter.pdf (48213 bytes, reference 9f86d081884c)" in text
    assert "photo of the form.jpg: this did not reach us. Please send it again" in text
    assert "para" not in text.lower()  # no paragraph numbers in letters to the public


async def test_never_more_than_twenty_working_days_without_a_letter(tmp_path: Path) -> None:
    from domain.calendar import PACKAGE_CALENDAR

    scenario = yaml.safe_load((SCENARIOS / "43_oat_takes_three_months_updates_go_out.yaml").read_text())
    result = await simulate(scenario, data_dir=tmp_path)
    assert result["expect_met"], [x["kind"] for x in result["status"]["letters"]]
    public = [
        london_date(datetime.fromisoformat(x["sent_at"]))
        for x in result["status"]["letters"]
        if x["to_role"] == "service_user"
    ]
    updates = [x for x in result["status"]["letters"] if x["kind"] == "progress_update"]
    assert len(updates) == 3  # about every four weeks while OAT took three months
    for earlier, later in zip(public, public[1:], strict=False):
        assert PACKAGE_CALENDAR.add_working_days(earlier, 20) >= later, (earlier, later)
    files = sorted((tmp_path / "outbox").rglob("*-progress_update.eml"))
    body = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default).get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Your case owner is asking our Assurance Team how to look at your complaint." in text
    assert "We are waiting for our Assurance Team to do the next step." in text


async def test_reasonable_adjustments_are_honoured_for_every_letter(tmp_path: Path) -> None:
    import subprocess

    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from store.models import LetterRow, TaskRow

    scenario = yaml.safe_load((SCENARIOS / "44_adjustments_honoured.yaml").read_text())
    result = await simulate(scenario, data_dir=tmp_path)
    assert result["expect_met"], result["status"]["reasonable_adjustments"]
    outbox = tmp_path / "outbox"
    closing_pdf = next(outbox.rglob("*-closing.large-print.pdf"))
    text = subprocess.run(
        ["pdftotext", str(closing_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "We closed your case because the harm was small." in " ".join(text.split())
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(closing_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    heights = [
        float(y2) - float(y1)
        for y1, y2 in __import__("re").findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes)
    ]
    assert heights and min(heights) >= 16, min(heights)  # 18pt text: every word box at least 16pt high
    post = subprocess.run(
        ["pdftotext", str(next(outbox.rglob("*-closing.post.pdf"))), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Print-ready: the address where the window shows it, and nothing meant for staff on
    # the letter itself (issue 25: the "FOR POSTING" banner was printed on it).
    posted = " ".join(post.split())
    assert posted.startswith("2 Mill Lane") or "2 Mill Lane" in posted.split("We closed")[0]
    assert "FOR POSTING" not in posted
    copy = next(outbox.rglob("*-closing.advocate.eml")).read_bytes()
    assert b"To: help@advocacy.example" in copy
    with Session(create_engine(f"sqlite:///{tmp_path / 'reviews.db'}")) as session:
        letters = session.scalars(select(LetterRow).where(LetterRow.to_role == "service_user")).all()
        tasks = session.scalars(select(TaskRow).where(TaskRow.source == "task")).all()
    assert len(letters) == 2
    for letter in letters:
        assert letter.adjustments is not None
        assert [(a["kind"], a["honoured"]) for a in letter.adjustments] == [
            ("large_print", True),
            ("post", True),
            ("advocate_copy", True),
            ("phone_call", True),
        ]
    # One phone call for each letter to the complainant, the case owner's task (guidance v8).
    assert {t.action for t in tasks} == {"reasonable adjustment - phone call"}
    assert sorted(str(t.detail).rsplit("(", 1)[1] for t in tasks) == sorted(f"{x.key})" for x in letters)
    assert all("phone call: mornings only" in str(t.detail) for t in tasks)
    assert all(t.actor_id == "cw-alice" and t.closed_at is None for t in tasks) and len(tasks) == 2


def test_the_measures_script_reports_every_target_met() -> None:
    """Issue 13: over every scenario, acknowledgements the same working day, no silence
    over 20 working days, public letters plain (Flesch >= 60), adjustments all honoured."""
    import json
    import subprocess
    import sys

    script = Path(__file__).parent.parent / "scripts" / "complainant_measures.py"
    done = subprocess.run(
        [sys.executable, str(script), "--json", "--at-once=2"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    totals = json.loads(done.stdout)["totals"]
    assert totals["submissions"] > 20 and totals["acknowledged_same_day"] == totals["submissions"]
    assert totals["longest_silence_working_days"] <= 20
    assert totals["lowest_flesch"] >= 60
    assert totals["letters_all_adjustments_honoured"] == totals["public_letters"] > 100


async def test_a_paused_case_still_writes_and_explains_the_pause(tmp_path: Path) -> None:
    scenario = yaml.safe_load((SCENARIOS / "45_paused_thirty_working_days.yaml").read_text())
    result = await simulate(scenario, data_dir=tmp_path)
    assert result["expect_met"], [x["kind"] for x in result["status"]["letters"]]
    update = sorted((tmp_path / "outbox").rglob("*-progress_update.eml"))[0]
    body = email.message_from_bytes(update.read_bytes(), policy=email.policy.default).get_body(("plain",))
    assert body is not None
    text = " ".join(str(body.get_content()).split())
    assert (
        "We have paused the clock on this step while we wait for something we need: waiting for your medical records."
        in text
    )
    assert "We expect to start again by 27 April 2026." in text


def test_an_easy_read_version_is_one_short_sentence_a_line(tmp_path: Path) -> None:
    from activities.adjustments import easy_read

    text = easy_read(
        "Our decision", "We looked again. We found a mistake!\n\nWe will put it right. Is that clear?"
    )
    assert text == (
        "Easy read: Our decision\n\n- We looked again.\n\n- We found a mistake!\n\n- We will put it right.\n\n- Is that clear?\n"
    )
