"""The front door (design.md, "Letters"; issue 27): a complainant or organisation, with
only the e-mail we sent, signs in from its one-time link, sees their own case in plain
words, opens their letters, and sends what the contract lets their party send.

- `GET /me/sign-in/{token}` uses a link once and starts a session bound to that party
  and that case (signed, HttpOnly, SameSite; Secure behind HTTPS; CSRF on every form).
- `POST /me/sign-in` asks for a new link with the e-mail address the case holds. The
  answer is the same whether or not the address is known; it is rate-limited by address
  and by where the request comes from.
- Everything sent goes through the same client as the API, as that party, so it is
  acknowledged, audited and chased like any other message; a refusal comes back as a
  GOV.UK error summary.

A party's session never reaches a staff page (those need a person) and never shows the
other party's letters or documents, staff notes, or (to the organisation) the
complainant's adjustments."""

from __future__ import annotations

import asyncio
import logging
import secrets
import smtplib
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from activities.dispatch import smtp_session
from activities.layout import letter_blocks
from activities.letters import without_front_door
from api.auth import Identity
from api.evidence import Infected, NotChecked, RefusedType, TooLarge
from api.routes.documents import chunks_of
from api.ui import party_forms
from api.ui.pages import (
    UiError,
    checked_form,
    document_response,
    pdf_version,
    rendered,
    session_ended,
    signed_out,
    start_session,
    templates,
)
from api.visibility import LETTERS_FOR
from domain.bounds import one_email
from domain.letters import date_in_words
from domain.models import Actor
from domain.plain import letter_title
from starter.client import Refusal
from store import front_door
from store.front_door import Party
from store.letters import as_sent, written
from store.models import CaseRow, LetterRow
from store.rates import SharedWindow

log = logging.getLogger("reviews.front_door")
# An error summary's link goes to its field (a date's to its day box: GOV.UK's pattern); a
# radio's choice knows whether it is chosen.
templates.env.filters["error_link"] = lambda item, dates=(): {
    "text": item[1],
    "href": f"#{item[0]}-day" if item[0] in dates else f"#{item[0]}",
}
templates.env.filters["choice_item"] = lambda choice, chosen: {
    "value": choice[0],
    "text": choice[1],
    "checked": choice[0] == chosen,
}
# A case to choose, for someone with several (front_door_account.py): by its reference.
templates.env.filters["case_choice"] = lambda case: {
    "value": case["workflow_id"],
    "text": f"Case {case['case_ref']}",
}
router = APIRouter(prefix="/me", include_in_schema=False)

PARTY_SESSION = timedelta(hours=2)  # a shared computer: the case is not left open all day
LINKS_PER_ADDRESS_PER_HOUR = 3
LINKS_PER_PLACE_PER_HOUR = 20
SENDINGS_PER_MINUTE = 10
UPLOADS_PER_MINUTE = 20
FILES_AT_ONCE = 10


# ------------------------------------------------------------------ sessions


def party_of(request: Request) -> Party | None:
    """The party this browser signed in as, while its session lasts."""
    found = request.session.get("party")
    sid = request.session.get("sid")
    until = request.session.get("party_until")
    if not isinstance(found, dict) or not sid or not until:
        return None
    if datetime.fromisoformat(str(until)) < datetime.now(UTC) or session_ended(request, str(sid)):
        return None
    return Party(str(found["workflow_id"]), str(found["role"]), str(found["id"]))


def identity_of(party: Party) -> Identity:
    return Identity(actor=Actor(id=party.id, role=party.role), case=party.workflow_id)


def need_party(request: Request) -> Party:
    party = party_of(request)
    if party is None:
        raise SignInFirst()
    return party


class SignInFirst(Exception):
    """No party session: the browser goes to the sign-in page."""


def door(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A party's page: no person, no staff names."""
    account = request.app.state.party_oidc_settings
    return rendered(request, template, status, context | {
        "person": None, "party": party_of(request), "leads_a_team": False, "name_of": lambda _: "",
        "account_sign_in": account.label if account else None})  # fmt: skip


def windows(request: Request) -> dict[str, SharedWindow]:
    state = request.app.state
    if not hasattr(state, "door_windows"):
        engine = state.engine
        state.door_windows = {
            "address": SharedWindow(engine, "sign_in_address", LINKS_PER_ADDRESS_PER_HOUR, 3600),
            "place": SharedWindow(engine, "sign_in_place", LINKS_PER_PLACE_PER_HOUR, 3600),
            "sending": SharedWindow(engine, "door_sending", SENDINGS_PER_MINUTE, 60),
            "uploads": SharedWindow(engine, "door_uploads", UPLOADS_PER_MINUTE, 60),
        }
    found: dict[str, SharedWindow] = state.door_windows
    return found


# ------------------------------------------------------------------ signing in


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    return door(request, "me_sign_in.html", left=bool(request.query_params.get("signed_out")))


@router.post("/sign-in")
async def ask_for_a_link(request: Request) -> Response:
    form = await checked_form(request)
    typed = str(form.get("email") or "").strip()
    try:
        address = one_email(typed) if typed else None
    except ValueError:
        address = None
    if not address:
        return door(request, "me_sign_in.html", 422, email=typed[:320],
                    error="Enter an email address in the correct format, like name@example.com")  # fmt: skip
    place = request.client.host if request.client else "?"
    for key, window in ((address.lower(), windows(request)["address"]), (place, windows(request)["place"])):
        if wait := await asyncio.to_thread(window.take, key):
            minutes = max(1, round(wait / 60))
            return door(request, "me_sign_in.html", 429, email=address,
                        error=f"You have asked for too many links. Wait {minutes} minutes, then try again.")  # fmt: skip
    await asyncio.to_thread(send_links, request, address)
    # The same page whether or not we hold the address (design.md): it tells nobody whose it is.
    return door(request, "me_check_email.html", email=address)


def send_links(request: Request, address: str) -> None:
    engine = request.app.state.engine
    found = front_door.parties_with_email(engine, address)
    if not found:
        return
    settings = request.app.state.settings.store
    ttl = timedelta(minutes=settings.sign_in_link_minutes)
    tokens = front_door.links_for(engine, [party for party, _ in found], ttl)
    with Session(engine) as session:
        refs = {r.workflow_id: r.case_ref for r in session.scalars(
            select(CaseRow).where(CaseRow.workflow_id.in_([p.workflow_id for p, _ in found])))}  # fmt: skip
    lines = [f"Case {refs.get(p.workflow_id, '')}: {settings.public_url}/me/sign-in/{t}"
             for (p, _), t in zip(found, tokens, strict=True)]  # fmt: skip
    message = EmailMessage()
    message["From"] = settings.letters_from
    message["To"] = found[0][1]
    message["Subject"] = "Your link to see your case"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="reviews.invalid")
    message.set_content(
        "You asked for a link to see your case online.\n\n"
        + "\n".join(lines)
        + f"\n\nThe link works once, for {settings.sign_in_link_minutes} minutes.\n\n"
        "If you did not ask for this, you do not need to do anything. Nobody can see your "
        "case without this email.\n"
    )
    deliver(settings, message)


def deliver(settings: Any, message: EmailMessage) -> None:
    """By the SMTP server letters go through, or into the data folder's outbox on a
    machine without one (`reviews dev`). A failure is logged, never shown: the page must
    not say whether the address was known."""
    if settings.smtp_url:
        try:
            with smtp_session(settings.smtp_url) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as err:
            log.error("a sign-in link could not be sent: %s", err)
        return
    folder = Path(settings.outbox_dir) / "sign-in"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml").write_bytes(bytes(message))


@router.get("/sign-in/{token}")
async def use_a_link(request: Request, token: str) -> Response:
    party = await asyncio.to_thread(front_door.use_link, request.app.state.engine, token)
    if party is None:
        return door(request, "me_sign_in.html", 410, expired=True)
    return await begin(request, party)


async def begin(request: Request, party: Party) -> Response:
    """A fresh session for this party of this case (nothing of the session before is kept:
    no fixation), counted for the measures."""
    party = await the_case_of(request, party)
    start_session(request)
    request.session["party"] = asdict(party)
    request.session["party_until"] = (datetime.now(UTC) + PARTY_SESSION).isoformat()
    await asyncio.to_thread(front_door.note_use, request.app.state.engine, party, "signed_in")
    return RedirectResponse("/me/case", status_code=303)


async def the_case_of(request: Request, party: Party) -> Party:
    """A letter from a child (a new investigation's proposal, 63) signs the party into
    its case: the case is what they know, and what reaches the child (design.md)."""
    for _ in range(5):
        try:
            parent = (await request.app.state.reviews.status(party.workflow_id)).links.parent
        except Refusal:
            return party
        if not parent:
            return party
        party = Party(parent, party.role, party.id)
    return party


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    return await signed_out(request, "/me/sign-in?signed_out=1")


# ------------------------------------------------------------------ their case


async def status_of(request: Request, party: Party) -> Any:
    try:
        return await request.app.state.reviews.status(party.workflow_id)
    except Refusal:
        raise UiError(404, "We cannot find your case. Please contact us.") from None


def their_letters(request: Request, party: Party, status: Any) -> list[LetterRow]:
    """Letters to this party (and, for the complainant, to their advocate), on the case and
    its children, in the order written; a letter is opened by its place in this list."""
    cases = [party.workflow_id, *status.links.children]
    roles = LETTERS_FOR[identity_of(party).actor.role]
    return written(request.app.state.engine, cases, roles)


async def case_page(request: Request, party: Party) -> Response:
    from api.routes.me import my_case  # the JSON view's facts: one answer for both

    status = await status_of(request, party)
    view = my_case(status, request, identity_of(party), step=await owed_by_them(request, status, party))
    letters = their_letters(request, party, status)
    forms = party_forms.offered(status, party.role)
    return door(request, "me.html", me=view, forms=forms,
                letters=[{"n": n, "title": letter_title(r.kind), "sent_on": date_in_words(r.created_at)}
                         for n, r in reversed(list(enumerate(letters)))])  # newest first  # fmt: skip


async def owed_by_them(request: Request, status: Any, party: Party) -> Any:
    """The step this party owes, on the case or on the child it runs (a new
    investigation's comment window, 63): what they are asked for, by when."""
    for child in reversed(status.links.children):
        try:
            waiting = (await request.app.state.reviews.status(child)).awaiting
        except Refusal:
            continue
        if waiting is not None and party.role in waiting.actor_role.split(","):
            return waiting
    return status.awaiting


@router.get("/letters/{n}")
async def letter(request: Request, n: int) -> Response:
    party = need_party(request)
    row = await a_letter(request, party, n)
    text = without_front_door(row.body)  # its link is spent: they are signed in already
    large = any("large" in str(a).lower() for a in row.adjustments or [])
    return door(request, "me_letter.html", letter=row, n=n, sent_on=date_in_words(row.created_at),
                title=letter_title(row.kind),
                blocks=letter_blocks(text), large=large,
                versions=versions_of(row))  # fmt: skip


async def a_letter(request: Request, party: Party, n: int) -> LetterRow:
    letters = their_letters(request, party, await status_of(request, party))
    if not 0 <= n < len(letters):
        raise UiError(404, "We cannot find that letter.")
    return letters[n]


def versions_of(row: LetterRow) -> list[dict[str, str]]:
    message = as_sent(row)
    names = {"letter-large-print.pdf": "Large print (PDF)", "letter-easy-read.pdf": "Easy read (PDF)"}
    return [{"file": str(part.get_filename()), "name": names.get(str(part.get_filename()), "PDF")}
            for part in (message.iter_attachments() if message is not None else [])
            if part.get_content_type() == "application/pdf"]  # fmt: skip


@router.get("/letters/{n}/{filename}")
async def letter_version(request: Request, n: int, filename: str) -> Response:
    message = as_sent(await a_letter(request, need_party(request), n))
    if message is None:
        raise UiError(404, "That letter has no such version.")
    return pdf_version(message, filename)


@router.get("/documents/{sha256}")
async def document(request: Request, sha256: str) -> Response:
    """A document this party sent: never the other party's (design.md)."""
    party = need_party(request)
    status = await status_of(request, party)
    record = next((d for d in status.documents if d.sha256 == sha256 and d.party == party.role), None)
    return document_response(request, record, sha256)


# ------------------------------------------------------------------ what they send


def limits_words(request: Request) -> str:
    most = request.app.state.settings.evidence_max_bytes
    size = f"{most / (1024 * 1024):g} MB" if most >= 1024 * 1024 else f"{most / 1024:g} KB"
    return (f"You can upload up to {FILES_AT_ONCE} files at a time, {size} in total. Files can be "
            "PDF, Word, plain text, email, or pictures (PNG, JPEG, GIF or TIFF).")  # fmt: skip


def form_for(status: Any, party: Party, name: str) -> party_forms.PartyForm:
    found = next((f for f in party_forms.offered(status, party.role) if f.name == name), None)
    if found is None:
        raise UiError(404, "You cannot send that now. Go back to your case to see what you can do.")
    return found


def form_page(request: Request, form: party_forms.PartyForm, status_code: int = 200, *,
              values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
              kept: list[Any] | None = None, told: str = "") -> HTMLResponse:  # fmt: skip
    return door(request, "me_form.html", status_code, form=form, values=values or {}, errors=errors or {},
                kept=kept or [], told=told, limits=limits_words(request))  # fmt: skip


@router.get("/send/{name}")
async def send_page(request: Request, name: str) -> Response:
    party = need_party(request)
    form = form_for(await status_of(request, party), party, name)
    return form_page(request, form)


@router.post("/send/{name}")
async def send(request: Request, name: str) -> Response:
    party = need_party(request)
    data = await checked_form(request)
    status = await status_of(request, party)
    form = form_for(status, party, name)
    values = {k: v for k, v in data.multi_items() if isinstance(v, str) and k not in ("csrf", "document")}
    answers, errors = party_forms.answers_from(form, data)
    kept = kept_documents(request, party, data.getlist("document"))
    if refused := await save_uploads(request, party, data.getlist("documents"), kept):
        errors["documents"] = refused
    if any(q.key == "documents" and q.required for q in form.questions) and not kept:
        errors.setdefault("documents", "Choose at least one file")
    if errors or data.get("change"):
        return form_page(request, form, 422 if errors else 200, values=values, errors=errors, kept=kept)
    if form.check_answers and not data.get("confirmed"):
        return door(request, "me_check.html", form=form, values=values, kept=kept, answers=answers)
    if wait := await asyncio.to_thread(windows(request)["sending"].take, f"{party.role}|{party.workflow_id}"):
        return form_page(request, form, 429, values=values, kept=kept,
                         told=f"You have sent a lot at once. Wait {max(1, round(wait))} seconds, then send again.")  # fmt: skip
    if form.documents_field:
        answers[form.documents_field] = [d.model_dump() for d in kept]
    answers.pop("confirm", None)
    try:
        await request.app.state.reviews.send(party.workflow_id, name, identity_of(party).actor, answers)
    except Refusal as refusal:
        return form_page(
            request, form, 422, values=values, kept=kept, told=party_forms.refusal_words(str(refusal))
        )
    await asyncio.to_thread(front_door.note_use, request.app.state.engine, party, name)
    request.session["notice"] = form.done
    return RedirectResponse("/me/case", status_code=303)


async def save_uploads(request: Request, party: Party, files: list[Any], kept: list[Any]) -> str:
    """Store the files chosen, through the API's own checks of size and type, adding each
    to `kept`; the words of a refusal, or "" when every file was taken."""
    uploads = [f for f in files if getattr(f, "filename", "")]
    if len(uploads) + len(kept) > FILES_AT_ONCE:
        return f"Choose {FILES_AT_ONCE} files or fewer"
    for upload in uploads:
        try:
            kept.append(await request.app.state.evidence.save(chunks_of(upload), upload.filename,
                                                              party.workflow_id))  # fmt: skip
        except Infected:
            return (f"{upload.filename} was not uploaded: our virus check found a problem with it. "
                    "Check the file, or send a different copy")  # fmt: skip
        except NotChecked:
            return f"We could not check {upload.filename} for viruses just now. Try again in a few minutes"
        except (TooLarge, RefusedType) as err:
            return f"{upload.filename} was not uploaded: {party_forms.refusal_words(str(err))}"
    return ""


@router.post("/send/{name}/files")
async def upload(request: Request, name: str) -> Response:
    """The files of a form sent ahead of it, so the page can show them going (issue 27:
    "progress shown"). With JavaScript the form then sends only their references; without
    it, the files go with the form and this is never called."""
    party = need_party(request)
    data = await checked_form(request)
    form = form_for(await status_of(request, party), party, name)
    if not any(q.kind == "files" for q in form.questions):
        raise UiError(404, "That form takes no files.")
    if wait := await asyncio.to_thread(windows(request)["uploads"].take, f"{party.role}|{party.workflow_id}"):
        return JSONResponse(
            {"error": f"Wait {max(1, round(wait))} seconds, then try again."}, status_code=429
        )
    kept: list[Any] = kept_documents(request, party, data.getlist("document"))
    if refused := await save_uploads(request, party, data.getlist("documents"), kept):
        return JSONResponse({"error": refused}, status_code=422)
    return JSONResponse({"kept": [{"sha256": d.sha256, "name": d.name} for d in kept]})


def kept_documents(request: Request, party: Party, shas: list[Any]) -> list[Any]:
    """Files uploaded on an earlier step of this form, as the store holds them for this
    case: a forged reference to another case's document is dropped (design.md)."""
    store = request.app.state.evidence
    found = [store.describe(str(sha), party.workflow_id) for sha in shas[:FILES_AT_ONCE]]
    return [d for d in found if d is not None]


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/me/sign-in", status_code=303)


def install(app: Any) -> None:
    app.add_exception_handler(SignInFirst, _sign_in_first)
