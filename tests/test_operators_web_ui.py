"""An operator sees decoded payloads in the Temporal Web UI through the codec server,
while Temporal keeps only ciphertext (design.md, "Operators"): headless Chromium on the real Web UI
that `reviews dev` starts."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

from domain.calendar import london_date
from starter.codec import new_key
from tests.browser import chromium_path
from tests.test_deploy_dev_server import REVIEWS, Dev, free_port

NAME = "Zebedee Quartermaine"


async def test_the_web_ui_shows_decoded_input_through_the_codec(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port, ui_port = free_port(), free_port()
    env = {
        "REVIEWS_PAYLOAD_KEYS": new_key("ui-1"),
        "REVIEWS_UI_ORIGINS": f"http://localhost:{ui_port},http://127.0.0.1:{ui_port}",
    }
    dev = Dev(data_dir, port, ui_port, extra_env=env)
    try:
        dev.wait_ready()
        minted = subprocess.run(
            [REVIEWS, "token", "--as", "crm:back_office", "--data-dir", str(data_dir)],
            capture_output=True, text=True, timeout=60, env={**os.environ, **env},
        )  # fmt: skip
        case = {
            "kind": "decision_complaint",
            "case": {
                "ref": "C-UI-1", "owner": "cw-alice", "manager": "om-bob", "risk": "low",
                "decision": "primary_investigation", "decided_on": london_date(datetime.now(UTC)).isoformat(),
            },
            "complainant": {"name": NAME, "email": "zq@example.org"},
        }  # fmt: skip
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{dev.api_port}", timeout=30) as http:
            opened = await http.post(
                "/cases", json=case, headers={"Authorization": f"Bearer {minted.stdout.strip()}"}
            )
        assert opened.status_code == 201, opened.text
        wid = opened.json()["workflow_id"]

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await page.goto(f"http://localhost:{ui_port}/namespaces/default/workflows/{wid}")
            await page.get_by_text(NAME).first.wait_for(timeout=30_000)
            await page.screenshot(path=str(tmp_path / "web-ui-decoded.png"), full_page=True)
            await browser.close()
    finally:
        assert dev.stop() == 0, dev.output()
