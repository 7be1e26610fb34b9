"""One letter of each public kind as a complainant receives it (issue 25): the e-mail's
HTML part opened in Debian's chromium at a phone's width and a desktop's, and the large-print
PDF's first page, kept in test-artifacts/letters/ to be looked at. Each page must reflow at
320 px (WCAG 1.4.10): no sideways scrolling."""

from __future__ import annotations

import copy
import email
import email.policy
import re
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from starter.simulate import simulate
from tests.browser import chromium_path
from tests.scenario_files import scenario

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "letters"
SCENARIOS = ("21", "43", "65", "09")  # grounds, reminders and extensions; updates; 63; 33
PUBLIC = {
    "acknowledgement", "grounds_request", "grounds_reminder", "grounds_deadline_extended",
    "late_explanation_request", "progress_update", "ndi_proposal", "ndi_decision", "closing",
}  # fmt: skip


def with_large_print(found: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(found)
    changed["open"]["complainant"] = {"name": "Sam Patel", "email": "sam@example.org"}
    changed["open"]["reasonable_adjustments"] = [{"kind": "large_print"}]
    return changed


def received(folder: Path) -> dict[str, EmailMessage]:
    """The first letter of each public kind a run wrote to the complainant."""
    found: dict[str, EmailMessage] = {}
    for path in sorted((folder / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        kind = str(message["X-Reviews-Letter"])
        if kind in PUBLIC and "sam@example.org" in str(message["To"]) and kind not in found:
            found[kind] = message
    return found


async def test_each_public_letter_reads_as_a_page_and_a_large_print_pdf(tmp_path: Path) -> None:
    letters: dict[str, EmailMessage] = {}
    for n, name in enumerate(SCENARIOS):
        result = await simulate(with_large_print(scenario(name)), data_dir=tmp_path / str(n))
        assert result["expect_met"], name
        letters = received(tmp_path / str(n)) | letters
    assert {"acknowledgement", "grounds_request", "progress_update", "closing"} <= set(letters), sorted(
        letters
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            for kind, message in sorted(letters.items()):
                part = message.get_body(("html",))
                assert part is not None, kind
                html = str(part.get_content())
                assert "<html lang='en-GB'>" in html and "<title>" in html and "font-size: 18pt" in html
                if kind == "grounds_request":  # para 30's three questions, read as a numbered list
                    assert re.search(r"<ol>(<li>[^<]+</li>){3}</ol>", html), html
                for width in (320, 390, 1280):
                    page = await browser.new_page(viewport={"width": width, "height": 900})
                    await page.set_content(html)
                    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 0, f"{kind} scrolls sideways at {width} px"
                    if width != 320:
                        await page.screenshot(path=str(SHOTS / f"{kind}-{width}.png"), full_page=True)
                    await page.close()
                (pdf,) = [
                    p for p in message.iter_attachments() if p.get_filename() == "letter-large-print.pdf"
                ]
                stored = tmp_path / f"{kind}.pdf"
                stored.write_bytes(bytes(pdf.get_content()))
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(stored),
                     str(SHOTS / f"{kind}-pdf")],
                    check=True, capture_output=True,
                )  # fmt: skip
                assert (SHOTS / f"{kind}-pdf.png").stat().st_size > 1000
        finally:
            await browser.close()
