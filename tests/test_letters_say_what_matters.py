"""Letters say what the guidance says they must, and nothing meant for staff (issue 25;
design.md, "What letters must say"; paras 6, 50, 58, 63-64, 71-74, 76). Each test runs a
scenario through the real workflows on the time-skipping server and reads the letters as
written for delivery (the .eml in the run's outbox, decoded)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from starter.simulate import simulate
from tests.scenario_files import body, letters_in, scenario

CONTACT = "Citygate, Mosley Street, Manchester M2 3HQ"


async def run(name: str, tmp_path: Path, change: Any = None) -> dict[str, Any]:
    found = copy.deepcopy(scenario(name))
    if change is not None:
        change(found)
    result = await simulate(found, data_dir=tmp_path)
    assert result["expect_met"], result["status"]["stage"]
    return result


def public_letters(folder: Path) -> list[str]:
    """Every letter a run wrote to someone outside the office (staff are written to at the
    policy's staff e-mail domain)."""
    texts = []
    for path in sorted((folder / "outbox").rglob("*.eml")):
        text = path.read_bytes().decode(errors="replace")
        to = re.search(r"^To: (.*)$", text, flags=re.M)
        if to is None or "@ombudsman.example" not in to[1]:
            texts.append(text)
    return texts


async def test_a_quash_with_a_payment_states_every_remedy_in_words_and_what_we_found(tmp_path: Path) -> None:
    """Issue 25, reproduced: a quash with a payment left out the apology and the £2,000;
    the letter gave OAT's internal analysis rather than words meant for the complainant."""

    def with_remedy(found: dict[str, Any]) -> None:
        decision = found["steps"][6]["with"]
        decision["remedy"] = {
            "kinds": ["apology", "financial_payment"], "amount_gbp": 2000, "severity": 3,
            "impact": "months of distress", "proportionate": "on the scale", "restores_position": "in part",
        }  # fmt: skip
        decision["public_summary"] = "We did not read the discharge letter you sent us."
        found["expect"]["approvals"] = [{"decision": "approved", "by": "omb"}]

    await run("19", tmp_path, with_remedy)
    (closing,) = letters_in(tmp_path, "closing")[:1]
    text = " ".join(body(closing).split())
    assert "We are sorry. We got this wrong, and we apologise" in text
    assert "We will pay you £2,000.00" in text
    assert "We did not read the discharge letter you sent us." in text
    assert "incontrovertibly wrong" not in text  # OAT's analysis is its own
    assert "end of our internal complaints process" in text and "Judicial Review" in text
    assert "Yours sincerely, The Ombudsman" in text and CONTACT in text
    assert "omb," not in text and "(ombudsman)" not in text


async def test_a_new_detailed_investigation_names_who_approved_and_gives_the_summary_once(
    tmp_path: Path,
) -> None:
    await run("41", tmp_path)  # para 73: approved by the Deputy Ombudsman
    (closing,) = letters_in(tmp_path, "closing")
    text = " ".join(body(closing).split())
    assert "This was agreed by Deb Stone, Deputy Ombudsman" in text
    assert text.count("the whole complaint afresh") == 1, text
    assert "dep-deb" not in text


async def test_the_joint_working_team_gets_a_referral_not_a_closing_letter(tmp_path: Path) -> None:  # 76
    def with_contact(found: dict[str, Any]) -> None:
        found["open"]["complainant"] = {
            "name": "Sam Patel",
            "email": "sam@example.org",
            "phone": "0113 496 0000",
        }

    result = await run("36", tmp_path, with_contact)
    kinds = [(x["kind"], x["to"]) for x in result["status"]["letters"]]
    assert ("jwt_referral", "joint-working-team") in kinds
    assert ("closing", "joint-working-team") not in kinds
    (referral,) = letters_in(tmp_path, "jwt_referral")
    text = " ".join(body(referral).split())
    assert "The complainant: Sam Patel" in text and "sam@example.org" in text and "0113 496 0000" in text
    assert "our low level injustice decision of 1 March 2026" in text
    assert "Case owner: Alice Ward, Caseworker" in text
    assert "Dear joint-working-team" not in text and "Your complaint" not in text
    (closing,) = letters_in(tmp_path, "closing")
    assert "end of our internal complaints process" not in body(closing)  # the complaint goes on (74, 76)


async def test_a_late_decision_on_a_timely_request_says_delay_will_not_be_argued(
    tmp_path: Path,
) -> None:  # 71
    result = await run("21", tmp_path)
    assert result["status"]["jr_delay_not_challenged"] is True
    (closing,) = letters_in(tmp_path, "closing")
    text = " ".join(body(closing).split())
    assert "we would not usually argue that you applied too late" in text
    assert "Only a court can change them, through a Judicial Review" in text


async def test_an_acknowledgement_says_what_is_still_owed_and_by_when(tmp_path: Path) -> None:
    """Issue 25, reproduced: "You do not need to do anything now" three weeks before the
    complainant's deadline for grounds."""

    def evidence_first(found: dict[str, Any]) -> None:
        found["open"]["complainant"] = {"name": "Sam Patel", "email": "sam@example.org"}
        found["steps"] = [
            found["steps"][0],
            {"at": "+5d", "send": "evidence_submitted", "as": {"id": "su-1", "role": "service_user"},
             "with": {"documents": [{"name": "discharge-letter.pdf"}]}},
        ]  # fmt: skip
        found["expect"] = {"stage": "awaiting_grounds"}
        found["until"] = "+6d"

    result = await run("07", tmp_path, evidence_first)
    deadline = result["status"]["grounds_deadline"]
    acknowledgements = [" ".join(body(x).split()) for x in letters_in(tmp_path, "acknowledgement")]
    later = [t for t in acknowledgements if "discharge-letter.pdf" in t]
    assert later, acknowledgements
    assert "We still need your reasons for asking us to review our decision" in later[0]
    from domain.letters import date_in_words

    assert f"Please send this by {date_in_words(deadline)}." in later[0]
    assert "You do not need to do anything now" not in later[0]


async def test_a_progress_update_never_gives_a_date_already_past(tmp_path: Path) -> None:
    await run("43", tmp_path)
    updates = letters_in(tmp_path, "progress_update")
    assert updates
    for update in updates:
        text = " ".join(body(update).split())
        written = re.search(r"Date: (\d+ \w+ \d{4})", text)
        due = re.search(r"due by (\d+ \w+ \d{4})", text)
        if written and due:
            from datetime import datetime

            on, by = (datetime.strptime(x, "%d %B %Y").date() for x in (written[1], due[1]))
            assert by >= on, text


async def test_public_letters_carry_no_staff_notes_or_audit_texts(tmp_path: Path) -> None:
    """Staff notes (a time-limit decision's note) and the system's audit texts never reach
    the complainant (design.md)."""
    await run("08", tmp_path)
    await run("07", tmp_path / "07")
    for folder in (tmp_path, tmp_path / "07"):
        letters = public_letters(folder)
        assert any("X-Reviews-Letter: closing" in text for text in letters)
        for text in letters:
            assert "no explanation given" not in text
            assert "grace period after it" not in text
            assert not re.search(r"\b(cw-alice|om-bob|oat-olu)\b", text.split("\n\n", 1)[1]), text


async def test_letters_to_staff_give_london_dates_and_times_in_words(tmp_path: Path) -> None:
    await run("06", tmp_path)
    (request,) = letters_in(tmp_path, "oat_advice_request")[:1]
    text = body(request)
    assert re.search(r"Date: \d{1,2} \w+ 2026 at \d{1,2}:\d{2}(am|pm)", text), text
    assert "UTC" not in text and "To: oat" in text


async def test_a_service_complaint_is_acknowledged_as_one_about_our_service(tmp_path: Path) -> None:
    """Issue 25: an acknowledgement said the case owner (whom the complaint may be about)
    was looking after it, and spoke of "our decision"."""

    def with_contact(found: dict[str, Any]) -> None:
        found["open"]["complainant"] = {"name": "Sam Patel", "email": "sam@example.org"}

    await run("23", tmp_path, with_contact)
    (acknowledgement, *_) = letters_in(tmp_path, "acknowledgement")
    text = " ".join(body(acknowledgement).split())
    assert "A manager who was not involved in what you told us about is looking into your complaint" in text
    assert "Your case owner is looking after" not in text and "our decision" not in text
    # Signed by the manager handling it (13), never by the caseworker it is about.
    assert "Yours sincerely, Bob" in text and "Alice Ward" not in text


async def test_a_cases_letters_include_those_its_new_investigation_sent(tmp_path: Path) -> None:  # 63
    result = await run("65", tmp_path)
    proposals = [x for x in result["status"]["letters"] if x["kind"] == "ndi_proposal"]
    assert sorted(x["to_role"] for x in proposals) == ["organisation", "service_user"]
    assert all(x["from_case"] and x["from_case"].startswith(result["workflow_id"] + "/") for x in proposals)


async def test_a_cases_history_includes_its_childrens_in_time_order(tmp_path: Path) -> None:
    """design.md, "What `status` shows": a case's history includes its children's. The
    organisation's comment (63) and OAT's go-ahead (64) are the new investigation's own
    steps; they are on the case's history, marked with the child, in time order."""
    result = await run("65", tmp_path)
    history = result["status"]["history"]
    wid = result["workflow_id"]
    theirs = [h for h in history if h["from_case"]]
    assert {h["from_case"] for h in theirs} == set(result["status"]["links"]["children"])
    assert all(h["from_case"].startswith(wid + "/") for h in theirs)
    comment = next(h for h in theirs if h["action"] == "party_comment")
    assert comment["actor"].startswith("org-1") and comment["paragraphs"] == ["63"]
    assert any(h["action"].startswith("ndi_proceed") for h in theirs)
    assert [h["at"] for h in history] == sorted(h["at"] for h in history)
    assert not any(h["from_case"] for h in history[:3])  # the case's own opening comes first
