"""The front door (design.md, "Letters"; issue 27), in Debian's chromium: a complainant
who has only the e-mail we sent signs in from its link, reads where their case is, sends
their reasons (para 30) with two documents through a check-answers page, sees them
received and opens the acknowledgement; the organisation comments on a proposed new
investigation (63). Every refusal is a GOV.UK error summary; nothing of the other party's
or of staff's is visible; axe-core finds nothing; pages reflow at 320 px, read plainly
(Flesch reading ease 60 or more) and work without JavaScript."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import textstat
import yaml
from playwright.async_api import Page
from temporalio.testing import WorkflowEnvironment

from domain.calendar import london_date
from domain.policy import DEFAULT_POLICY_FILE
from starter.client import ReviewsClient
from tests.conftest import decision_case, skip, today, until_stage
from tests.live import LiveApi
from tests.mail import Inbox, smtp_server
from tests.test_pages import accessible, browser_page

OWNER = {"id": "cw-alice", "role": "caseworker"}
OAT = {"id": "oat-olu", "role": "oat_caseworker"}
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/me/sign-in/[A-Za-z0-9_-]+)")
NDI = {
    "upheld": True,
    "route": "new_detailed_investigation",
    "ndi_reason": "significant_new_information",
    "analysis": "OAT_SECRET_ANALYSIS new records",
    "summary": "whether the discharge was safe",
    "learning_points": [
        {
            "kind": "individual",
            "text": "check the records",
            "service_model_ref": "Service Model 2.140",
            "charter_commitment": "we will listen to you",
        }
    ],  # fmt: skip
}


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[Inbox, str]]:
    with smtp_server() as found:
        yield found


OFFICE = {"phone": "0300 555 0199", "email": "help@ombudsman.example"}


def office_policy(folder: Path) -> Path:
    """The shipped policy with an office of this test's own: the pages give its number."""
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    policy["office"] = {**policy.get("office", {}), **OFFICE}
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


@pytest.fixture(scope="module")
def live(
    server: WorkflowEnvironment, mail: tuple[Inbox, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    folder = tmp_path_factory.mktemp("door")
    api = LiveApi(
        server.client.service_client.config.target_host, folder, mail[1], policy_file=office_policy(folder)
    )
    api.start()
    yield api
    api.close()


def a_person(kind: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:6]
    return {"name": f"Sam Patel {tag}" if kind == "su" else f"Northshire NHS Trust {tag}",
            "email": f"{kind}-{tag}@example.org"}  # fmt: skip


async def open_case(
    server: WorkflowEnvironment, live: LiveApi, **extra: Any
) -> tuple[ReviewsClient, str, dict[str, Any]]:
    reviews = ReviewsClient(server.client, live.settings.task_queue)
    case = decision_case(f"C-DOOR-{uuid.uuid4().hex[:4]}", decided_on=await today(server))
    case |= {"complainant": a_person("su"), "organisation": a_person("org")} | extra
    wid = await reviews.open("decision_complaint", case)
    await reviews.send(wid, "case_owner_resolution", OWNER, {"resolved": False})
    return reviews, wid, case


async def letter_to(inbox: Inbox, address: str, kind: str, seconds: float = 60, nth: int = 1) -> Any:
    """The letter as the mail server received it (the `nth` of its kind, once it has come)."""
    for _ in range(int(seconds * 10)):
        found = [r for r in inbox.to(address) if r.kind == kind]
        if len(found) >= nth:
            return found[-1].message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {kind} letter reached {address}: {[r.kind for r in inbox.to(address)]}")


def link_in(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = LINK.search(body)
    assert found, f"no sign-in link in the letter:\n{body}"
    return found[1]


async def plain_and_accessible(page: Page, name: str, width: int) -> None:
    """axe-core finds nothing at all (WCAG 2.2 AA), the page reads plainly, and it
    reflows at 320 px with no sideways scrolling."""
    await accessible(page, f"door-{name}-{width}", every=True)
    text = await page.locator("main").inner_text()
    assert "paragraph" not in text.lower() and not re.search(r"\bpara\b|\(\d+\)", text), text
    ease = textstat.flesch_reading_ease(text)
    assert ease >= 60, f"{name}: Flesch reading ease {ease:.0f} is under 60:\n{text}"
    await page.set_viewport_size({"width": 320, "height": 900})
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"{name}: the page is {wide} px wide at 320 px"
    await page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", [390, 1280])
async def test_a_complainant_signs_in_from_the_email_and_sends_their_reasons_with_two_documents(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str], tmp_path: Path, width: int
) -> None:  # paras 30-31
    inbox, _ = mail
    reviews, wid, case = await open_case(server, live, reasonable_adjustments=[{"kind": "large_print"}])
    address = case["complainant"]["email"]
    request = await letter_to(inbox, address, "grounds_request")
    link = link_in(request)
    (one, two) = (tmp_path / "gp-letter.txt", tmp_path / "hospital-notes.txt")
    one.write_text("Letter from my GP, 3 March.")
    two.write_text("Discharge notes from the hospital.")
    async with browser_page(width, 900) as page:
        await page.goto(link)
        await page.wait_for_url("**/me/case")
        due = (await reviews.status(wid)).awaiting.due  # type: ignore[union-attr]
        assert due is not None
        from domain.letters import date_in_words

        await page.get_by_text(f"Send us your reasons for a review by {date_in_words(due)}.").wait_for()
        await page.get_by_text("Alice Ward").first.wait_for()  # who holds it, by name
        await page.get_by_text("Large print letters").wait_for()  # the adjustment agreed
        await plain_and_accessible(page, "case", width)
        # The link was used: a second use is refused, in words, with a way to get a new one.
        again = httpx.get(link)
        assert again.status_code == 410 and "Your link has run out" in again.text
        await page.get_by_role("button", name="Send us your reasons for a review").click()
        await page.wait_for_url("**/me/send/grounds_submitted")
        await page.get_by_text("You can upload up to 10 files at a time").wait_for()  # limits first
        await plain_and_accessible(page, "grounds-form", width)
        await page.get_by_role("button", name="Continue").click()
        summary = page.locator(".govuk-error-summary")
        await summary.get_by_role("link", name="Tell us why you think our decision is wrong").wait_for()
        await accessible(page, f"door-grounds-errors-{width}", every=True)
        await page.get_by_label("Why do you think our decision is wrong?").fill(
            "You did not read my GP's letter."
        )
        await page.get_by_label("What would you like us to do?").fill("Look at the evidence again.")
        # A program disguised as a PDF: with JavaScript, the upload is refused and the
        # form goes as it is, so the error summary says why, at the field.
        fake = tmp_path / "statement.pdf"
        fake.write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 100)
        await page.locator("#documents").set_input_files([str(fake)])
        await page.get_by_role("button", name="Continue").click()
        await summary.get_by_role("link", name=re.compile("statement.pdf was not uploaded")).wait_for()
        assert await page.get_by_label("Why do you think our decision is wrong?").input_value()  # kept
        # The files go ahead of the form, and the page shows them going (held here so a
        # test can see it; axe-core checks that state too).
        release = asyncio.Event()
        uploads: list[str] = []

        async def hold(route: Any) -> None:
            uploads.append(route.request.url)
            await release.wait()
            await route.continue_()

        await page.route("**/me/send/grounds_submitted/files", hold)
        await page.locator("#documents").set_input_files([str(one), str(two)])
        await page.get_by_role("button", name="Continue").click()
        await page.get_by_role("status").filter(has_text="Uploading your files").wait_for()
        assert await page.locator("#upload-progress").is_visible()
        await accessible(page, f"door-uploading-{width}", every=True)
        release.set()
        await page.get_by_role("heading", name="Check your answers").wait_for()
        assert len(uploads) == 1  # both files in one upload, then the form by reference
        await page.get_by_text("gp-letter.txt").wait_for()
        await page.get_by_text("hospital-notes.txt").wait_for()
        await plain_and_accessible(page, "grounds-check", width)
        await page.get_by_role("button", name="Send", exact=True).click()
        await page.wait_for_url("**/me/case")
        await page.get_by_text("We have your reasons.").wait_for()
        documents = page.locator("#documents + ul li")
        assert await documents.count() == 2  # each once (issue 27: listed twice before)
        assert await documents.filter(has_text="Received").count() == 2
        # The case has them, from this party, and acknowledges them.
        await until_stage(reviews, wid, "challenge_assessment")
        status = await reviews.status(wid)
        assert status.grounds_received_on is not None
        assert sorted(d.name for d in status.documents) == ["gp-letter.txt", "hospital-notes.txt"]
        # Several sendings close together get one letter (guidance v6): the batch closes.
        await skip(server, timedelta(hours=1))
        thanks = await letter_to(inbox, address, "acknowledgement", nth=2)  # the first was of the complaint
        # Its large-print HTML part lists each document under what it came with (they were
        # put above the list before).
        html = thanks.get_body(preferencelist=("html",)).get_content()
        assert re.search(r"<li>your reasons for asking for a review<br>gp-letter\.txt \(\d+ bytes", html), (
            html
        )
        await page.reload()
        await page.get_by_role("link", name="We received what you sent").first.click()  # newest first
        await page.wait_for_url("**/me/letters/*")
        await page.get_by_text("Sent on").wait_for()
        await page.get_by_text("gp-letter.txt").wait_for()  # the acknowledgement of what they sent
        await page.get_by_text("hospital-notes.txt").wait_for()
        item = page.locator(".app-letter li").filter(has_text="your reasons for asking for a review")
        assert "gp-letter.txt" in await item.inner_text()  # a GOV.UK list, each document in its item
        assert "/me/sign-in/" not in await page.content()  # the link is theirs, and spent
        assert await page.locator(".app-letter--large").count() == 1  # their adjustment (31)
        await page.get_by_role("link", name="Open this letter as Large print (PDF)").wait_for()
        await plain_and_accessible(page, "acknowledgement", width)
    # `reviews report` counts the door: this case signed in and sent its reasons through it.
    from store.db import make_engine
    from store.report import build_report

    day = london_date(datetime.now(UTC))  # the test server's clock may have run ahead: a wide period
    door = build_report(make_engine(live.settings.store.database_url), day - timedelta(days=400),
                        day + timedelta(days=4000))["front_door"]  # fmt: skip
    assert door["cases_signed_in"] >= 1 and door["submissions_by_message"].get("grounds_submitted", 0) >= 1
    assert door["median_hours_letter_to_submission"] is not None and door["submissions_in_all"] >= 1


async def test_the_organisation_comments_on_a_new_investigation_and_sees_only_its_own(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str], tmp_path: Path
) -> None:  # para 63
    inbox, _ = mail
    reviews, wid, case = await open_case(server, live, reasonable_adjustments=["ADJ_SECRET phone first"])
    evidence = tmp_path / "complainant-secret.txt"
    evidence.write_text("the complainant's own notes")
    su_token = await complainant_token(live, wid)
    with evidence.open("rb") as handle:
        sent = httpx.post(f"{live.url}/cases/{wid}/evidence", files={"file": handle},
                          headers={"authorization": f"Bearer {su_token}"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    await reviews.send(wid, "grounds_submitted", {"id": "su-1", "role": "service_user"},
                       {"why_wrong": "missed", "wanted": "x"})  # fmt: skip
    await until_stage(reviews, wid, "challenge_assessment")
    await reviews.send(wid, "challenge_assessment", OWNER, {"actionable": True, "analysis": "names it"})
    await reviews.send(wid, "case_owner_review", OWNER, {"finding": "no_genuine_doubt"})
    await reviews.send(wid, "oat_outcome", OAT, {"outcome": "accepted"})
    await until_stage(reviews, wid, "oat_consideration")
    await reviews.send(wid, "oat_decision", OAT, NDI)
    address = case["organisation"]["email"]
    link = link_in(await letter_to(inbox, address, "ndi_proposal"))
    async with browser_page(1280, 900) as page:
        await page.goto(link)
        await page.wait_for_url("**/me/case")
        text = await page.locator("main").inner_text()
        for secret in ("ADJ_SECRET", "complainant-secret", "OAT_SECRET_ANALYSIS", "Sam Patel", "missed"):
            assert secret not in await page.content(), f"the organisation sees {secret}"
        assert "Letters we sent you" in text
        await plain_and_accessible(page, "organisation-case", 1280)
        await page.get_by_role("button", name="Comment on our plan to look at the complaint again").click()
        await page.get_by_role("button", name="Send").click()
        await page.locator(".govuk-error-summary").get_by_role("link", name="Enter your comments").wait_for()
        await page.get_by_label("Your comments").fill("The summary leaves out the second visit.")
        await page.get_by_role("button", name="Send").click()
        await page.wait_for_url("**/me/case")
        await page.get_by_text("We have your comments.").wait_for()
        # The organisation's session reaches no staff page and no other party's letter.
        await page.goto(f"{live.url}/ui/tasks")
        await page.wait_for_url("**/ui/login")
        await page.goto(f"{live.url}/ui/cases/{wid}")
        await page.wait_for_url("**/ui/login")
    status = await reviews.status(wid)
    comments = [h for h in status.history if h.action.startswith("party_comment")]
    assert comments and "organisation" in comments[-1].actor


def every_word_of(message: Any, tmp_path: Path) -> str:
    """Every part a reader could open: the text, the HTML, and each PDF's words."""
    words = []
    for part in message.walk():
        if part.get_content_type() == "application/pdf":
            from tests.test_delivery import pdf_text

            words.append(pdf_text(part.get_content(), tmp_path))
        elif part.get_content_maintype() == "text":
            words.append(part.get_content())
    return "\n".join(words)


async def test_only_the_partys_own_email_carries_its_link(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str], tmp_path: Path
) -> None:  # design.md, "Letters": the link signs in as the party, so nobody else is sent it
    inbox, _ = mail
    advocate = f"advocate-{uuid.uuid4().hex[:6]}@example.org"
    reviews, wid, case = await open_case(server, live, reasonable_adjustments=[
        {"kind": "large_print"},
        {"kind": "advocate_copy", "contact": {"name": "Leeds Advocacy", "email": advocate}}])  # fmt: skip
    theirs = await letter_to(inbox, case["complainant"]["email"], "grounds_request")
    link = link_in(theirs)
    html = theirs.get_body(preferencelist=("html",)).get_content()
    assert f"<a href='{link}'>{link}</a>" in html  # the large-print page links it too
    again = link.rsplit("/", 1)[0]
    assert f"go to <a href='{again}'>{again}</a>" in html  # and where to ask for a new one
    pdfs = [p for p in theirs.walk() if p.get_content_type() == "application/pdf"]
    assert pdfs and all("/me/sign-in" not in every_word_of(p, tmp_path) for p in pdfs)  # a print lasts
    copy = await letter_to(inbox, advocate, "grounds_request")
    assert "Please give your case reference" in every_word_of(copy, tmp_path)
    assert "/me/sign-in" not in every_word_of(copy, tmp_path)  # not in its text, HTML or PDF
    # Staff reading the stored letter by the API get it as sent, less the link.
    from api.auth import mint
    from domain.models import Actor

    staff = mint(live.settings.secret or "", Actor(id="cw-alice", role="caseworker"))
    listed = httpx.get(f"{live.url}/cases/{wid}/letters", headers={"authorization": f"Bearer {staff}"}).json()
    n = next(
        item["n"]
        for item in listed
        if item["kind"] == "grounds_request" and item["to_role"] == "service_user"
    )
    raw = httpx.get(f"{live.url}/cases/{wid}/letters/{n}", headers={"authorization": f"Bearer {staff}"})
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("message/rfc822")
    from email import policy
    from email.parser import BytesParser

    read = BytesParser(policy=policy.default).parsebytes(raw.content)
    assert "Please give your case reference" in every_word_of(read, tmp_path)
    assert (
        "/me/sign-in" not in every_word_of(read, tmp_path) and "See your case online" not in read.as_string()
    )
    assert httpx.get(link).status_code == 303  # and the link, unread by anyone else, still works


async def complainant_token(live: LiveApi, wid: str) -> str:
    from api.auth import mint
    from domain.models import Actor

    return mint(live.settings.secret or "", Actor(id="su-1", role="service_user"), case=wid)


def csrf_of(client: httpx.Client, url: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text)
    assert found, "no CSRF token on the page"
    return found[1]


async def test_asking_for_a_link_answers_the_same_whoever_asks_and_is_limited(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str]
) -> None:  # design.md: "answered the same way whether or not it is known"
    inbox, _ = mail
    _, wid, case = await open_case(server, live)
    known = case["complainant"]["email"]
    await letter_to(inbox, known, "grounds_request")
    unknown = f"nobody-{uuid.uuid4().hex[:6]}@example.org"
    with httpx.Client(base_url=live.url) as browser:
        token = csrf_of(browser, "/me/sign-in")
        said = {a: browser.post("/me/sign-in", data={"csrf": token, "email": a}) for a in (known, unknown)}
        assert {r.status_code for r in said.values()} == {200}
        assert said[known].text.replace(known, "ADDRESS") == said[unknown].text.replace(unknown, "ADDRESS")
        assert "Check your email" in said[known].text
        # Someone stuck is given the number to ring, and the address, as the letters give them.
        assert f"or phone us on {OFFICE['phone']}" in said[known].text
        assert f'href="mailto:{OFFICE["email"]}"' in said[known].text
        assert 'href="tel:03005550199"' in said[known].text  # a phone rings it from the page
        for _ in range(100):
            links = [r for r in inbox.to(known) if r.message["Subject"] == "Your link to see your case"]
            if links:
                break
            await asyncio.sleep(0.1)
        assert links and not inbox.to(unknown)
        assert httpx.get(link_in(links[0].message), follow_redirects=True).status_code == 200  # it signs in
        # A second recipient smuggled in, or no address: an error summary, nothing sent.
        for bad in (f"{known}, thief@example.org", f"{known}\nBcc: thief@example.org", ""):
            refused = browser.post("/me/sign-in", data={"csrf": token, "email": bad})
            assert refused.status_code == 422 and "govuk-error-summary" in refused.text
        assert not inbox.to("thief@example.org")
        # Without the form's CSRF token: refused.
        assert browser.post("/me/sign-in", data={"email": known}).status_code == 403
        # Three links an hour for one address, then a wait, said in words.
        for _ in range(2):
            browser.post("/me/sign-in", data={"csrf": token, "email": known})
        limited = browser.post("/me/sign-in", data={"csrf": token, "email": known.upper()})
        assert limited.status_code == 429 and "You have asked for too many links" in limited.text


async def test_a_partys_session_reaches_nothing_but_its_own_case(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str], tmp_path: Path
) -> None:  # design.md, "The trust boundary"
    inbox, _ = mail
    reviews, wid, case = await open_case(server, live)
    _, other, _ = await open_case(server, live)
    secret = tmp_path / "other-case.txt"
    secret.write_text("another case's evidence")
    with secret.open("rb") as handle:
        stored = httpx.post(f"{live.url}/cases/{other}/evidence", files={"file": handle},
                            headers={"authorization": f"Bearer {await complainant_token(live, other)}"}).json()  # fmt: skip
    link = link_in(await letter_to(inbox, case["complainant"]["email"], "grounds_request"))
    with httpx.Client(base_url=live.url) as browser:
        assert browser.get(link).status_code == 303
        assert browser.get("/me/case", headers={"accept": "text/html"}).status_code == 200
        assert browser.get("/me/letters/99").status_code == 404
        assert browser.get(f"/me/documents/{stored['sha256']}").status_code == 404
        assert browser.get("/ui/tasks").headers["location"] == "/ui/login"
        assert browser.get(f"/ui/cases/{wid}").headers["location"] == "/ui/login"
        assert browser.get(f"/cases/{wid}").status_code == 401  # the API needs a token, never the cookie
        # Another case's document, forged into the form, is not this case's: dropped.
        token = csrf_of(browser, "/me/send/evidence_submitted")
        forged = browser.post(
            "/me/send/evidence_submitted", data={"csrf": token, "document": stored["sha256"]}
        )
        assert forged.status_code == 422 and "Choose at least one file" in forged.text
        assert not [d for d in (await reviews.status(wid)).documents if d.sha256 == stored["sha256"]]
        # The files sent ahead of a form (with JavaScript): the same checks, and this
        # session's CSRF token; a form that takes no files takes none this way either.
        ahead = "/me/send/evidence_submitted/files"
        sent = browser.post(ahead, data={"csrf": token}, files={"documents": ("note.txt", b"my note")})
        assert sent.status_code == 200 and [d["name"] for d in sent.json()["kept"]] == ["note.txt"]
        assert (
            browser.post(ahead, data={"csrf": "forged"}, files={"documents": ("n.txt", b"x")}).status_code
            == 403
        )
        program = browser.post(
            ahead, data={"csrf": token}, files={"documents": ("a.pdf", b"MZ\x90\x00" * 20)}
        )
        assert program.status_code == 422 and "a.pdf was not uploaded" in program.json()["error"]
        assert browser.post(ahead, data={"csrf": token, "document": stored["sha256"]}).json()["kept"] == []
        nothing = browser.post("/me/send/more_time_requested/files", data={"csrf": token},
                               files={"documents": ("n.txt", b"x")})  # fmt: skip
        assert nothing.status_code == 404
        # Too large: one file over the evidence limit, and a body over the whole limit.
        over = browser.post("/me/send/evidence_submitted", data={"csrf": token},
                            files={"documents": ("notes.txt", b"x" * 10_000)})  # fmt: skip
        assert over.status_code == 422 and "notes.txt was not uploaded" in over.text
        huge = browser.post("/me/send/evidence_submitted", data={"csrf": token},
                            files={"documents": ("huge.txt", b"x" * 200_000)})  # fmt: skip
        assert huge.status_code == 413 and "govuk-error-summary" in huge.text
        assert "text/html" in huge.headers["content-type"]
        # A form the party may not send now (the organisation's, a staff step): not there.
        assert browser.get("/me/send/late_explanation").status_code == 404
        assert browser.get("/me/send/oat_decision").status_code == 404
    # Without a session, a browser is sent to sign in and a program gets a 401 problem.
    assert (
        httpx.get(f"{live.url}/me/case", headers={"accept": "text/html"}).headers["location"] == "/me/sign-in"
    )
    assert httpx.get(f"{live.url}/me/case").status_code == 401
    # Staff reading the letter do not get the complainant's link.
    with httpx.Client(base_url=live.url) as staff:
        token = csrf_of(staff, "/ui/login")
        staff.post("/ui/login", data={"csrf": token, "person": "cw-alice"})
        page = staff.get(f"/ui/cases/{wid}/letters/0")
        assert page.status_code == 200 and "/me/sign-in/" not in page.text


async def test_without_javascript_and_by_keyboard_a_complainant_asks_for_more_time_and_an_adjustment(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str]
) -> None:  # paras 31-32
    inbox, _ = mail
    reviews, wid, case = await open_case(server, live)
    link = link_in(await letter_to(inbox, case["complainant"]["email"], "grounds_request"))
    async with browser_page(390, 900, javascript=False) as page:
        await page.goto(link)
        await page.wait_for_url("**/me/case")
        await page.get_by_role("link", name="Ask for more time").click()
        await page.get_by_label("Why do you need more time?").fill(
            "I am in hospital until the end of the month."
        )
        await page.get_by_label("Day").fill("31")
        await page.get_by_label("Month").fill("2")
        await page.get_by_label("Year").fill("2027")
        await page.get_by_role("button", name="Send").click()
        summary = page.locator(".govuk-error-summary")
        await summary.get_by_text("Enter a real date").wait_for()  # 31 February
        assert await summary.get_by_role("link").get_attribute("href") == "#until-day"  # its first box
        await page.screenshot(path="test-artifacts/ui/door-more-time-error-no-js-390.png", full_page=True)
        await page.get_by_label("Day").fill("28")
        await page.get_by_role("button", name="Send").click()
        await page.get_by_text("A manager will decide").wait_for()
        cookies = await page.context.cookies()
    # By keyboard only (scripts on, as most people have): the adjustment form, from the case page.
    async with browser_page(390, 900) as page:
        await page.context.add_cookies(cookies)  # type: ignore[arg-type]
        await page.goto(f"{live.url}/me/case")
        for _ in range(40):
            await page.keyboard.press("Tab")
            if (
                await page.evaluate("document.activeElement.textContent.trim()")
                == "Ask us to change how we work with you"
            ):
                break
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/me/send/adjustment_requested")
        await page.locator("#kind").focus()
        await page.keyboard.press("Space")
        await page.keyboard.press("Tab")
        await page.keyboard.type("Please send my letters in large print.")
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")
        await page.get_by_text("Your case owner will contact you").wait_for()
    status = await reviews.status(wid)
    actions = [h.action for h in status.history]
    assert "the complainant asks for more time" in actions, actions
    assert any("adjustment" in a for a in actions), actions
    tasks = [t.task for t in status.tasks]
    assert any("time" in t for t in tasks) and any("adjustment" in t for t in tasks), tasks


async def test_the_sign_in_pages_read_plainly_and_a_complainant_can_withdraw(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str]
) -> None:  # para 24
    inbox, _ = mail
    reviews, wid, case = await open_case(server, live)
    async with browser_page(390, 900) as page:
        await page.goto(f"{live.url}/me/sign-in")
        await plain_and_accessible(page, "sign-in", 390)
        await page.get_by_role("button", name="Send me a link").click()
        await page.locator(".govuk-error-summary").get_by_text("Enter an email address").wait_for()
        await accessible(page, "door-sign-in-error-390", every=True)
        await page.get_by_label("Email address").fill(f"nobody-{uuid.uuid4().hex[:4]}@example.org")
        await page.get_by_role("button", name="Send me a link").click()
        await page.get_by_role("heading", name="Check your email").wait_for()
        await plain_and_accessible(page, "check-email", 390)
        await page.goto(f"{live.url}/me/sign-in/not-a-link")
        await page.get_by_role("heading", name="Your link has run out").wait_for()
        await plain_and_accessible(page, "link-run-out", 390)
        # Signed in from the letter: withdraw, through a check of what they are saying.
        await page.goto(link_in(await letter_to(inbox, case["complainant"]["email"], "grounds_request")))
        await page.get_by_role("link", name="Withdraw your complaint").click()
        await page.get_by_role("button", name="Continue").click()
        await page.locator(".govuk-error-summary").get_by_text("Tick the box").wait_for()
        await page.get_by_label("I am satisfied and want to withdraw my complaint").check()
        await page.get_by_role("button", name="Continue").click()
        await page.get_by_role("heading", name="Check your answers").wait_for()
        await page.get_by_role("button", name="Send", exact=True).click()
        await page.get_by_text("You have withdrawn your complaint.").wait_for()
        await page.get_by_role("button", name="Sign out").click()
        await page.get_by_role("heading", name="You have signed out").wait_for()
        await page.goto(f"{live.url}/me/case")
        await page.wait_for_url("**/me/sign-in")  # the session is over
    for _ in range(100):
        if (await reviews.status(wid)).outcome is not None:
            break
        await asyncio.sleep(0.1)
    assert (await reviews.status(wid)).outcome == "withdrawn"


async def test_an_upload_answered_by_anything_but_its_json_still_sends_the_form(
    server: WorkflowEnvironment, live: LiveApi, mail: tuple[Inbox, str], tmp_path: Path
) -> None:  # nothing lost: a page in place of the upload's answer (a sign-in page, a proxy's)
    inbox, _ = mail
    _, wid, case = await open_case(server, live)
    link = link_in(await letter_to(inbox, case["complainant"]["email"], "grounds_request"))
    note = tmp_path / "my-note.txt"
    note.write_text("What the nurse said to me.")
    async with browser_page(390, 900) as page:
        await page.goto(link)
        await page.wait_for_url("**/me/case")
        await page.goto(f"{live.url}/me/send/evidence_submitted")
        answered: list[str] = []

        async def not_json(route: Any) -> None:
            answered.append(route.request.url)
            await route.fulfill(
                status=200, content_type="text/html", body="<html><body>Sign in</body></html>"
            )

        await page.route("**/me/send/evidence_submitted/files", not_json)
        await page.locator("#documents").set_input_files([str(note)])
        await page.get_by_role("button", name="Send").click()
        await page.wait_for_url("**/me/case")  # the form went with its file, as without JavaScript
        await page.get_by_text("my-note.txt").first.wait_for()
        assert answered, "the upload went ahead of the form first"
