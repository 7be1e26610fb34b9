"""Issue 26: every staff page reflows at 320 px with no sideways scroll (WCAG 1.4.10),
axe-core finds nothing serious on each at 320 and 1280 px, and one form can be completed
with the keyboard alone. Screenshots are kept in test-artifacts/ui/."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from playwright.async_api import Page
from temporalio.testing import WorkflowEnvironment

from api.auth import mint
from domain.enums import Role
from domain.models import Actor
from starter.client import ReviewsClient
from tests.conftest import decision_case, today
from tests.live import SECRET, LiveApi
from tests.test_api import PDF
from tests.test_pages import OWNER, WATCH_CSP, accessible, browser_page, live, sign_in  # noqa: F401

__all__ = ["live"]


async def no_sideways_scroll(page: Page, name: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = await page.evaluate("window.innerWidth")
    wide = await page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert width <= viewport, f"{name}: {width}px wide in a {viewport}px window: {wide}"


async def test_every_page_reflows_at_320_px_and_passes_axe(
    server: WorkflowEnvironment, live: LiveApi
) -> None:
    reviews = ReviewsClient(server.client, live.settings.task_queue)
    ref = f"C-RF-{uuid.uuid4().hex[:4]}"
    wid = await reviews.open(
        "decision_complaint",
        decision_case(ref, decided_on=await today(server)) | {"reasonable_adjustments": ["large print"]},
    )
    await reviews.send(wid, "case_owner_resolution", OWNER, {"resolved": False, "note": "x" * 300})
    # A document with a long name (issue 26: evidence hashes made the page 700 px wide).
    long_name = "letter-from-my-gp-about-the-delay-" + "and-what-it-did-" * 6 + ".pdf"
    back_office = {"Authorization": "Bearer " + mint(SECRET, Actor(id="crm", role=Role.BACK_OFFICE))}
    async with httpx.AsyncClient(base_url=live.url) as http:
        uploaded = await http.post(f"/cases/{wid}/evidence", files={"file": (long_name, PDF)},
                                   data={"party": "service_user"}, headers=back_office)  # fmt: skip
        assert uploaded.status_code == 201, uploaded.text
    for _ in range(100):
        if (await reviews.status(wid)).documents:
            break
        await asyncio.sleep(0.1)
    for width in (320, 1280):
        async with browser_page(width, 800) as page:
            await page.goto(f"{live.url}/ui/login")
            await no_sideways_scroll(page, "sign in")
            await sign_in(page, live, "om-bob")
            pages = {
                "my-tasks": "/ui/tasks",
                "my-team": "/ui/team",
                "letters-to-post": "/ui/post",
                "case": f"/ui/cases/{wid}",
                "case-timeline-people": f"/ui/cases/{wid}?show=people",
                "letter": f"/ui/cases/{wid}/letters/0",
                "no-such-case": "/ui/cases/decision-complaint-NOPE",
            }
            if width == 320:  # each document once, and it opens in the browser
                await page.goto(f"{live.url}/ui/cases/{wid}#documents")
                links = page.locator("#documents ~ ul").get_by_role("link")
                assert await links.count() == 1
                opened = await page.request.get(f"{live.url}{await links.first.get_attribute('href')}")
                assert opened.ok and (await opened.body()).startswith(b"%PDF")
                assert opened.headers["content-disposition"].startswith("inline")
            for name, path in pages.items():
                await page.goto(f"{live.url}{path}")
                await no_sideways_scroll(page, f"{name} at {width}px")
                await accessible(page, f"40-{name}-{width}")
            # An error state: the manager's form sent with nothing chosen.
            await page.goto(f"{live.url}/ui/cases/{wid}")
            # Issue 26: declining for unacceptable behaviour is among "Other actions", shut.
            decline = page.locator("details", has_text="Decline because of unacceptable behaviour")
            assert await decline.count() == 1 and await decline.get_attribute("open") is None
            form = page.locator("form[action$='/messages/extend_grounds_deadline']")
            opener = page.locator("summary", has_text="Give more time for the reasons")
            if await opener.count():
                await opener.click()
            await form.get_by_role("button", name="Give more time for the reasons").click()
            await page.locator(".govuk-error-summary").wait_for()
            await no_sideways_scroll(page, f"error at {width}px")
            await accessible(page, f"40-form-errors-{width}")


async def test_a_form_is_completed_with_the_keyboard_alone(
    server: WorkflowEnvironment, live: LiveApi
) -> None:
    reviews = ReviewsClient(server.client, live.settings.task_queue)
    ref = f"C-KB-{uuid.uuid4().hex[:4]}"
    wid = await reviews.open("decision_complaint", decision_case(ref, decided_on=await today(server)))
    async with browser_page(1280, 900) as page:
        await sign_in(page, live, "cw-alice")
        await page.goto(f"{live.url}/ui/cases/{wid}")
        # From the top of the page: the skip link first, then on to the form by Tab alone.
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
        for _ in range(60):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.id") == "case_owner_resolution-resolved":
                break
        else:
            raise AssertionError("the form's first question cannot be reached with Tab")
        await page.keyboard.press("ArrowRight")  # radios: arrows move to "No" and choose it
        assert await page.evaluate("document.activeElement.value") == "no"
        for _ in range(10):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.tagName") == "BUTTON":
                break
        await page.keyboard.press("Enter")
        await page.get_by_text("Sent: Record whether you resolved it.").wait_for()
        await accessible(page, "41-sent-by-keyboard")
    assert (await reviews.status(wid)).stage.value == "awaiting_grounds"


async def test_the_api_docs_work_offline(live: LiveApi) -> None:
    """Issue 26: /docs was blank, loading Swagger UI from a CDN; now swagger-ui-dist from the
    npm registry is served by the app, under the same CSP."""
    async with browser_page(1280, 900) as page:
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live.url) else None)
        await page.goto(f"{live.url}/docs")
        await page.get_by_text("Record the review decision").first.wait_for()
        assert outside == [] and await page.evaluate("window.__csp || []") == []
        await page.screenshot(path="test-artifacts/ui/42-api-docs.png")
