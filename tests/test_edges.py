"""Issue 10's edges on the real workflows with time skipping, where a scenario's `expect`
cannot say it all: what a letter says, when it is sent, and what must not happen."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from starter.simulate import simulate

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def scenario(name: str) -> dict[str, Any]:
    found = yaml.safe_load(next(SCENARIOS.glob(f"{name}_*.yaml")).read_text())
    assert isinstance(found, dict)
    return found


def letters_in(folder: Path, kind: str) -> list[email.message.EmailMessage]:
    out = []
    for path in sorted((folder / "outbox").rglob(f"*-{kind}.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        out.append(message)
    return out


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


async def test_a_late_request_gives_fourteen_days_and_the_reminder_comes_a_week_later(tmp_path: Path) -> None:
    result = await simulate(scenario("28"), data_dir=tmp_path)
    status = result["status"]
    assert result["expect_met"], status["letters"]
    (request,) = letters_in(tmp_path, "grounds_request")
    assert "Please send this to us by 25 April 2026" in body(request)
    kinds = [(letter["kind"], letter["sent_at"][:10]) for letter in status["letters"]]
    assert ("grounds_request", "2026-04-11") in kinds and ("grounds_reminder", "2026-04-18") in kinds
    # OAT's overdue advice was never escalated to the case owner's manager (om-bob).
    assert all(letter["to"] != "om-bob" for letter in status["letters"] if letter["kind"] == "task_escalated")


async def test_no_reminder_is_sent_with_the_request(tmp_path: Path) -> None:
    late = scenario("28") | {"policy": {"durations": {"grounds_reminder_before": "14d"}}}
    result = await simulate(late, data_dir=tmp_path)
    kinds = [letter["kind"] for letter in result["status"]["letters"]]
    assert "grounds_request" in kinds and "grounds_reminder" not in kinds


async def test_the_late_explanation_request_states_the_reply_by_date(tmp_path: Path) -> None:
    result = await simulate(scenario("29"), data_dir=tmp_path)
    assert result["expect_met"]
    (request,) = letters_in(tmp_path, "late_explanation_request")
    text = body(request)
    assert "after the deadline of 25 April 2026" in text
    assert "Please reply by 15 May 2026" in text
    # Nobody declined it on the system's behalf: the case owner decided, then assessed.
    actors = [h["actor"] for h in result["status"]["history"] if "time limit" in h["action"]]
    assert actors == ["cw-alice (caseworker)"]


async def test_the_quash_letter_reaches_the_organisation_at_its_own_address(tmp_path: Path) -> None:
    result = await simulate(scenario("30"), data_dir=tmp_path)
    assert result["expect_met"]
    closings = {str(m["To"]): body(m) for m in letters_in(tmp_path, "closing")}
    assert set(closings) == {"ann@example.org", "complaints@northshire.example"}
    for text in closings.values():
        assert (
            "dep-deb, Deputy Ombudsman, has decided that our report or decision of 1 March 2026 is quashed"
            in text
        )
        assert "The Ombudsman has decided" not in text


async def test_the_closing_letter_states_the_remedy_and_who_approved(tmp_path: Path) -> None:
    result = await simulate(scenario("41"), data_dir=tmp_path)
    assert result["expect_met"]
    (closing,) = letters_in(tmp_path, "closing")
    text = body(closing)
    assert "  - apology" in text and "  - financial payment: £500.00" in text
    assert "This was agreed by dep-deb, Deputy Ombudsman." in text


async def test_letters_are_dated_in_london(tmp_path: Path) -> None:
    await simulate(scenario("40"), data_dir=tmp_path)
    (closing,) = letters_in(tmp_path, "closing")
    assert "Date: 1 July 2026" in body(closing)


async def test_learning_is_sent_once_even_when_oat_decides_again(tmp_path: Path) -> None:
    result = await simulate(scenario("16"), data_dir=tmp_path)
    assert result["expect_met"]
    kinds = [letter["kind"] for letter in result["status"]["letters"]]
    assert [a["decision"] for a in result["status"]["approvals"]] == ["rejected", "approved"]
    assert kinds.count("learning_points") == 1


def test_a_scheme_below_a_deputy_for_a_quash_is_refused_by_simulate(tmp_path: Path) -> None:
    broken = scenario("19") | {"policy": {"delegation": {"quash": "director"}}}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("reviews")), "simulate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["error"].count("quash: director may not be named") == 1
    assert "quash: director may not be named: only the Ombudsman or a Deputy Ombudsman" in done.stdout


async def test_oats_decision_copies_the_manager_only_when_supervised(tmp_path: Path) -> None:
    """Guards fault 4 of issue 16 on the real workflow (para 53): medium risk is supervised."""
    medium = await simulate(scenario("31"), data_dir=tmp_path / "medium")
    (told,) = [x for x in medium["status"]["letters"] if x["kind"] == "oat_decision_to_case_owner"]
    assert (told["to"], told["cc"]) == ("cw-alice", ["om-bob"])
    low = await simulate(scenario("30"), data_dir=tmp_path / "low")
    (told,) = [x for x in low["status"]["letters"] if x["kind"] == "oat_decision_to_case_owner"]
    assert (told["to"], told["cc"]) == ("cw-alice", [])
