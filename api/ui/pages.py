"""The pages: sign in, my tasks, my team, a case, and the forms on it (issue 12).

A person signs in (locally: chooses who they are from the staff list); the session is a
signed, HttpOnly, SameSite cookie and every form carries a CSRF token. What a page shows
comes from the store (tasks, cases, letters) or the case's `status`; what a form sends
goes through the same client as the API, as the signed-in person."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import and_, delete, or_
from sqlalchemy.orm import Session

from activities.layout import letter_blocks
from activities.letters import without_front_door
from api.auth import Identity
from api.deps import RowId
from api.ui import words
from api.ui.case_forms import (
    answers_of,
    fill_picks,
    form_for,
    names_field,
    needs_checking,
    without_unchosen,
)
from api.ui.forms import (
    Field,
    data_from,
    entry_fields,
    errors_of,
    fields_of,
    refused_at_fields,
    rules_before_sending,
    with_labels,
)
from api.ui.oidc import OAuthError, person_from
from api.ui.queue import due_words, task_page, team_load
from api.visibility import CaseFacts, may_see
from contract.messages import MESSAGES
from contract.words import message_words
from domain.authority import at_least
from domain.calendar import london_date
from domain.enums import Role
from domain.letters import date_in_words
from domain.staff import Person, Staff
from starter.client import Refusal
from store import allocation, drafts
from store.letters import as_sent, post_pdf_path, post_queue, written
from store.models import CaseRow, EndedSessionRow, LetterRow, TaskRow

router = APIRouter(prefix="/ui", include_in_schema=False)
# Our templates, and GOV.UK Frontend's components as Jinja macros (govuk-frontend-jinja,
# the port of GOV.UK Frontend 6.3.0's own Nunjucks macros: issue 26).
templates = Jinja2Templates(
    env=Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(Path(__file__).with_name("templates")),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
    )
)
words.install(templates.env)
templates.env.filters["combine"] = lambda a, b: {**a, **b}
# GOV.UK's select marks the chosen item `selected`; radios and check boxes say `checked`.
templates.env.filters["rename_checked"] = lambda item: {
    k if k != "checked" else "selected": v for k, v in item.items()
}
PAGE_SIZE = 50


# ------------------------------------------------------------------ sessions


def staff(request: Request) -> Staff:
    found: Staff = request.app.state.staff
    return found


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def signed_in(request: Request) -> Person | None:
    """The person this session belongs to: from the identity provider's claims, or from
    the staff list when signing in locally. A session signed out of is over, even if a
    copy of its cookie is replayed (issue 23)."""
    sid = request.session.get("sid")
    if not sid or session_ended(request, str(sid)):
        return None
    if claims := request.session.get("person_claims"):
        return Person.model_validate(claims)
    person_id = request.session.get("person")
    return staff(request).get(person_id) if person_id else None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def checked_form(request: Request) -> Any:
    """The form, if it carries this session's CSRF token; else a 403 page."""
    form = await request.form()
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(form.get("csrf") or ""), str(expected)):
        raise UiError(403, "This form has expired or did not come from this site. Go back and try again.")
    return form


class UiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A staff page: the person signed in, and the names the directory gives."""
    directory = staff(request)
    person = signed_in(request)
    return rendered(request, template, status, context | {
        "person": person, "leads_a_team": bool(person and directory.leads(person.id)),
        "name_of": lambda person_id: words.person_words(directory, person_id)})  # fmt: skip


def rendered(request: Request, template: str, status: int, context: dict[str, Any]) -> HTMLResponse:
    """Any page, staff's or a party's: its CSRF token and the notice of what was just done."""
    context |= {"csrf": csrf_token(request), "notice": request.session.pop("notice", None)}
    return templates.TemplateResponse(request, template, context, status_code=status)


def need_person(request: Request) -> Person | RedirectResponse:
    person = signed_in(request)
    if person is None:
        return RedirectResponse("/ui/login", status_code=303)
    return person


# ------------------------------------------------------------------- pages


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/ui/tasks" if signed_in(request) else "/ui/login", status_code=303)


@router.get("/login")
async def login_page(request: Request) -> Response:
    idp = request.app.state.oidc_client
    if idp is not None:  # a deployment: the organisation's identity provider
        return await idp.authorize_redirect(request, str(request.url_for("oidc_callback")))  # type: ignore[no-any-return]
    require_local_sign_in(request)
    return page(request, "login.html", people=sorted(staff(request).people.values(), key=lambda p: p.name))


def require_local_sign_in(request: Request) -> None:
    """Choosing who you are from the staff list is for a machine of your own: `reviews dev`,
    or the API on loopback (issue 23: it let anyone who reached a deployment sign in as
    the Ombudsman). Anywhere else staff sign in with the identity provider."""
    client = request.client.host if request.client else ""
    anywhere = request.app.state.sign_in_from_anywhere
    if not request.app.state.local_sign_in or not (anywhere or client in LOOPBACK):
        raise UiError(
            403,
            "Signing in here needs the organisation's identity provider (REVIEWS_OIDC_METADATA_URL); "
            "the staff list is offered only on your own machine.",
        )


SESSION_HOURS = 8


def session_ended(request: Request, sid: str) -> bool:
    with Session(request.app.state.engine) as db:
        return db.get(EndedSessionRow, sid) is not None


def end_session(request: Request, sid: str) -> None:
    """Kept in the store, so every API process refuses it, and a restart too; rows older
    than any session could live are cleared as new ones come."""
    now = datetime.now(UTC)
    with Session(request.app.state.engine) as db:
        db.execute(
            delete(EndedSessionRow).where(EndedSessionRow.ended_at < now - timedelta(hours=SESSION_HOURS))
        )
        if db.get(EndedSessionRow, sid) is None:
            db.add(EndedSessionRow(sid=sid, ended_at=now))
        db.commit()


def start_session(request: Request) -> None:
    request.session.clear()
    request.session["sid"] = secrets.token_urlsafe(24)
    request.session["csrf"] = secrets.token_urlsafe(32)


@router.get("/auth/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    idp, settings = request.app.state.oidc_client, request.app.state.oidc_settings
    if idp is None:
        raise UiError(404, "Signing in with an identity provider is not set up here.")
    try:
        token = await idp.authorize_access_token(request)
        person = person_from(token.get("userinfo") or {}, settings)
    except (OAuthError, ValueError) as err:
        raise UiError(401, f"Signing in did not work: {err}") from None
    start_session(request)
    request.session["person_claims"] = person.model_dump(mode="json")
    return RedirectResponse("/ui/tasks", status_code=303)


@router.post("/login")
async def login(request: Request) -> Response:
    require_local_sign_in(request)
    form = await checked_form(request)
    person = staff(request).get(str(form.get("person") or ""))
    if person is None:
        return page(
            request,
            "login.html",
            422,
            people=list(staff(request).people.values()),
            error="Choose who you are.",
        )
    start_session(request)
    request.session["person"] = person.id
    return RedirectResponse("/ui/tasks", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    return await signed_out(request, "/ui/login")


async def signed_out(request: Request, then: str) -> Response:
    """Sign out (a staff person or a party): the session is over, even for a copy of its
    cookie (issue 23)."""
    await checked_form(request)
    if sid := request.session.get("sid"):
        end_session(request, str(sid))
    request.session.clear()
    return RedirectResponse(then, status_code=303)


@router.get("/tasks")
async def my_tasks(request: Request) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    # Yours, and your role's that nobody else has taken (issue 26: claim).
    tasks, paging = task_page(
        request,
        or_(
            TaskRow.actor_id == person.id,
            and_(
                TaskRow.actor_id.is_(None),
                TaskRow.actor_role == person.role.value,
                or_(TaskRow.claimed_by.is_(None), TaskRow.claimed_by == person.id),
            ),
        ),
    )
    return page(
        request, "tasks.html", tasks=tasks, paging=paging, views=saved_views(request, person, "tasks")
    )


def saved_views(request: Request, person: Person, queue: str) -> list[dict[str, Any]]:
    return [
        {"id": v.id, "name": v.name, "query": v.query}
        for v in allocation.saved_views(request.app.state.engine, person.id, queue)
    ]


@router.get("/team")
async def my_team(request: Request) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    directory = staff(request)
    reports = sorted(directory.reports_of(person.id))
    team = [p for p in (directory.get(pid) for pid in reports) if p is not None]
    # The team's own steps, those it has taken, and its roles' steps nobody has taken yet.
    roles = sorted({p.role.value for p in team})
    team_tasks, paging = task_page(
        request,
        or_(
            TaskRow.actor_id.in_(reports),
            CaseRow.owner.in_(reports),
            TaskRow.claimed_by.in_(reports),
            and_(TaskRow.actor_id.is_(None), TaskRow.actor_role.in_(roles)),
        ),
    )
    # Only the approvals the Delegation Scheme lets this role give (this role or below).
    may_give = [r.value for r in Role if at_least(person.role, r)]
    approvals, first = task_page(
        request, TaskRow.action == "approve", TaskRow.actor_role.in_(may_give), paged=False, counted=False
    )
    # Steps of your team that were escalated: overdue, and now yours to unblock.
    ours = or_(TaskRow.actor_id.in_(reports), CaseRow.owner.in_(reports))
    escalated, _ = task_page(request, TaskRow.escalated.is_(True), ours, paged=False, counted=False)
    return page(
        request, "team.html", tasks=team_tasks, paging=paging, approvals=approvals, more_approvals=first["more"],
        escalated=escalated, load=team_load(request, reports), views=saved_views(request, person, "team"),
        givers=[{"id": p.id, "name": p.in_words(), "role": p.role.value} for p in team],
    )  # fmt: skip


async def case_for(request: Request, person: Person, workflow_id: str) -> Any:
    """The case's status, if this person may open it; else, to them, there is no case."""
    try:
        status = await request.app.state.reviews.status(workflow_id)
    except Refusal:
        raise UiError(404, f"There is no case {workflow_id}.") from None
    seen = CaseFacts.of_status(workflow_id, status)
    if not may_see(Identity(actor=person.actor), seen, staff(request), team=person.team or None):
        raise UiError(404, f"There is no case {workflow_id} for you.")
    return status


async def offered(request: Request, person: Person, workflow_id: str) -> list[str]:
    """The forms this person is offered: exactly the updates whose own validators would
    take them from this person now (the `offers` query)."""
    try:
        names: list[str] = await request.app.state.reviews.offers(workflow_id, person.actor)
    except Refusal:
        return []
    return names


def next_words(request: Request, status: Any) -> str:
    """What happens next, in words: who owes what, by when."""
    if status.stage.value == "closed":
        return f"This case is closed: {words.outcome_name(status.outcome).lower()}."
    waiting = status.awaiting
    if waiting is None:
        return "Nothing is waiting for anyone: the case will move on by itself."
    who = words.person_words(staff(request), waiting.actor_id, waiting.actor_role)
    what = words.action_name(waiting.action)
    if waiting.actor_role.startswith("service_user"):
        who = (
            "the complainant and the organisation"
            if "organisation" in waiting.actor_role
            else "the complainant"
        )
        what = words.PARTY_OWES.get(waiting.action, what)
    text = f"Waiting for {who}: {what[:1].lower() + what[1:]}"
    if waiting.due:
        due, late = due_words(waiting.due, london_date(datetime.now(UTC)))
        text += f", by {date_in_words(waiting.due)} ({due})"
    if waiting.paused_since:
        text += ". The clock is paused"
    return text + "."


def timeline(request: Request, status: Any, show: str) -> list[dict[str, Any]]:
    directory = staff(request)
    items = []
    for h in reversed(status.history):
        person_id, role = words.actor_of(h.actor)
        group = words.timeline_group(role, h.action)
        if show and group != show:
            continue
        by = "" if role == "system" else words.person_words(directory, person_id, role)
        if role == "service_user":
            by = "The complainant"
        items.append({"label": words.plain(h.action, directory), "by": by, "at": h.at, "group": group,
                      "detail": words.plain(h.detail, directory) if h.detail else "",
                      "paragraphs": h.paragraphs, "within": h.from_case})  # fmt: skip
    return items


async def case_page(
    request: Request,
    workflow_id: str,
    status_code: int = 200,
    failed: tuple[str, list[Any], str] | None = None,
) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    status = await case_for(request, person, workflow_id)
    letters = letter_rows(request, workflow_id)
    forms = []
    # A child (an OAT review, a new investigation) is reached through its case: its steps
    # are the case's forms, sent to the case (design.md, "The trust boundary").
    names = [] if status.links.parent else await offered(request, person, workflow_id)
    if status.stage.value == "closed":  # tasks outlive no case: done through the store (design.md)
        names = ["complete_task"] if any(t.done_at is None for t in status.tasks) else []
    for name in names:
        if failed is not None and failed[0] == name:
            forms.append(form_for(name, failed[1], failed[2]))
            continue
        fields = fields_of(MESSAGES[name].model, message=name)
        fill_picks(request, fields, status)
        forms.append(form_for(name, fields))
    for f in forms:
        f["other"] = f["other"] and status.stage.value != "closed"  # all that is left to do
    awaited = status.awaiting.action if status.awaiting else ""
    forms.sort(key=lambda f: (f["other"], f["name"] != awaited))
    complainant = next(
        (row.to_name for row in letters if row.to_role == "service_user" and row.to_name), None
    )
    show = request.query_params.get("show", "")
    ui_url = request.app.state.web_ui_url
    return page(
        request, "case.html", status_code, case=status, letters=letters, forms=forms,
        failed=failed[0] if failed else "", complainant=complainant,
        owner=words.person_words(staff(request), status.owner, status.owner_role and status.owner_role.value),
        manager=words.person_words(staff(request), status.manager) if status.manager else "",
        next_words=next_words(request, status), timeline=timeline(request, status, show if show in
                                                                   ("people", "system", "letters") else ""),
        canonical=f"/ui/cases/{workflow_id}", show=show, web_ui=f"{ui_url}/namespaces/default/workflows/{quote(workflow_id, safe='')}" if ui_url else None,
    )  # fmt: skip


@router.get("/cases/{workflow_id:case}")
async def case(request: Request, workflow_id: str) -> Response:
    person = signed_in(request)
    draft = request.query_params.get("draft", "")
    found = drafts.kept(request.app.state.engine, draft, person.id, workflow_id) if person and draft else None
    if found is None:
        return await case_page(request, workflow_id)
    name, kept = found
    fields = [Field.from_dict(f) for f in kept.get("fields") or []]
    return await case_page(request, workflow_id, 200, (name, fields, str(kept.get("told") or "")))


def sent_back(
    request: Request, person: Person, workflow_id: str, name: str, fields: list[Field], told: str
) -> Response:
    """The form back on the case page, with its errors, by a redirect (post/redirect/get):
    the address bar holds the case page and a reload sends nothing (issue 26)."""
    token = drafts.keep(request.app.state.engine, person.id, workflow_id, name,
                        {"fields": [f.to_dict() for f in fields], "told": told})  # fmt: skip
    return RedirectResponse(f"/ui/cases/{workflow_id}?draft={token}", status_code=303)


def letter_rows(request: Request, workflow_id: str) -> list[LetterRow]:
    """The case's letters in the order written: the page's list and the index a letter is
    opened by."""
    return written(request.app.state.engine, [workflow_id])


def _letter_message(request: Request, workflow_id: str, n: int) -> tuple[LetterRow, EmailMessage]:
    rows = letter_rows(request, workflow_id)
    parsed = as_sent(rows[n]) if 0 <= n < len(rows) else None
    if parsed is None:
        raise UiError(404, "There is no such letter on this case.")
    return rows[n], parsed


def pdf_version(message: EmailMessage, filename: str) -> Response:
    """One of a letter's PDF versions (large print, easy read), by its file name."""
    for part in message.iter_attachments():
        if part.get_filename() == filename and part.get_content_type() == "application/pdf":
            return Response(part.get_content(), media_type="application/pdf")
    raise UiError(404, "That letter has no such version.")


@router.get("/cases/{workflow_id:case}/letters/{n}")
async def letter(request: Request, workflow_id: str, n: int) -> Response:
    """One letter as it was sent, read as a page (issue 26: it was a raw .eml), with its
    large-print, easy-read or print versions linked."""
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    status = await case_for(request, person, workflow_id)
    row, message = _letter_message(request, workflow_id, n)
    body = message.get_body(preferencelist=("plain",))
    # Without the party's sign-in link: it would let staff in as the complainant.
    text = without_front_door(body.get_content() if body is not None else row.body)
    versions = [
        {"name": part.get_filename(), "href": f"/ui/cases/{workflow_id}/letters/{n}/{part.get_filename()}"}
        for part in message.iter_attachments()
        if part.get_filename()
    ]
    return page(
        request, "letter.html", case=status, letter=row, blocks=letter_blocks(text), versions=versions, n=n
    )


@router.get("/cases/{workflow_id:case}/letters/{n}/{filename}")
async def letter_version(request: Request, workflow_id: str, n: int, filename: str) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    await case_for(request, person, workflow_id)
    _, message = _letter_message(request, workflow_id, n)
    return pdf_version(message, filename)


# Opened in the browser; anything else is downloaded (uploads are checked by type: issue 23).
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})


@router.get("/cases/{workflow_id:case}/documents/{sha256}")
async def case_document(request: Request, workflow_id: str, sha256: str) -> Response:
    """A document the case holds, for whoever may see the case (issue 26: documents could
    not be opened from the page)."""
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    status = await case_for(request, person, workflow_id)
    return document_response(request, next((d for d in status.documents if d.sha256 == sha256), None), sha256)


def document_response(request: Request, record: Any, sha256: str) -> Response:
    """A document the case records, opened in the browser if it is a kind that is safe to
    (else downloaded); a record the caller may not see is None: no such document."""
    path = request.app.state.evidence.path(sha256) if record is not None else None
    if record is None or path is None:
        raise UiError(404, "There is no such document on this case.")
    media = record.media_type or "application/octet-stream"
    how = "inline" if media in INLINE_TYPES else "attachment"
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", record.name or sha256)[:120]
    return FileResponse(
        path, media_type=media, headers={"Content-Disposition": f'{how}; filename="{safe_name}"'}
    )


@router.post("/cases/{workflow_id:case}/messages/{name}")
async def send(request: Request, workflow_id: str, name: str) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    form = await checked_form(request)
    if name not in MESSAGES:
        raise UiError(404, f"There is no message {name}.")
    reviews = request.app.state.reviews
    status = await case_for(request, person, workflow_id)
    fields = fields_of(MESSAGES[name].model, message=name)
    fill_picks(request, fields, status)
    data, readable = data_from(fields, form, name)
    data = without_unchosen(name, data)
    rules_before_sending(fields, data)
    loose = refused_at_fields(fields, MESSAGES[name].model, data, person.actor.model_dump(mode="json"))
    if not readable or loose or errors_of(fields, name):
        return sent_back(request, person, workflow_id, name, fields, "; ".join(loose))
    if form.get("change"):
        return sent_back(request, person, workflow_id, name, fields, "")
    if needs_checking(name, data) and not form.get("confirmed"):
        return page(request, "check.html", case=status, form_name=name, said=message_words(name),
                    answers=answers_of(fields), carried=[(k, v) for k, v in form.multi_items()
                                                         if k not in ("csrf", "confirmed", "change")])  # fmt: skip
    try:
        await reviews.send(workflow_id, name, person.actor, data)
    except Refusal as refusal:
        said = str(refusal).split(" refused: ", 1)[-1]
        at = next((f for f in fields if names_field(said, f.key)), None)
        told = with_labels(said, fields)
        if at is not None and refusal.kind == "invalid":
            at.error, told = told[:1].upper() + told[1:], ""
        return sent_back(request, person, workflow_id, name, fields, told)
    return RedirectResponse(f"/ui/cases/{workflow_id}?sent={name}#top", status_code=303)


@router.get("/post")
async def letters_to_post(request: Request) -> Response:
    """The post queue (design.md, issue 25): print, post, then mark posted."""
    return await post_page(request)


async def post_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    """The page, with what went wrong (never from the query string: a link cannot put
    words of its own on the page)."""
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    today = london_date(datetime.now(UTC)).isoformat()
    letters = [
        row
        | {
            "written": date_in_words(datetime.fromisoformat(row["written_at"])),
            # The day it is posted is never before the day it was written.
            "post_by_default": max(today, london_date(datetime.fromisoformat(row["written_at"])).isoformat()),
        }
        for row in post_queue(request.app.state.engine)
    ]
    return page(
        request, "post.html", status_code, letters=letters, today=today, error=error, canonical="/ui/post"
    )


@router.get("/post/{letter_id}.pdf")
async def letter_to_post_pdf(request: Request, letter_id: RowId) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    found = post_pdf_path(request.app.state.engine, letter_id)
    if found is None or not Path(found[1]).exists():
        raise UiError(404, "There is no such letter to post.")
    return Response(Path(found[1]).read_bytes(), media_type="application/pdf")


@router.post("/post/{letter_id}")
async def mark_letter_posted(request: Request, letter_id: RowId) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    form = await checked_form(request)
    queued = {row["id"]: row for row in post_queue(request.app.state.engine)}
    row = queued.get(letter_id)
    if row is None or row["letter"] is None:
        return await post_page(request, "That letter is not waiting to be posted any more.", 409)
    data = {"letter": row["letter"], "key": row["key"], "posted_on": str(form.get("posted_on") or "")}
    try:
        await request.app.state.reviews.send(row["workflow_id"], "mark_posted", person.actor, data)
    except Refusal as refusal:
        return await post_page(request, f"The letter was not marked as posted: {refusal}", 422)
    return RedirectResponse("/ui/post?posted=1", status_code=303)


@router.get("/forms/{message}/{name}")
async def another_entry(request: Request, message: str, name: str, n: int = 1) -> Response:
    """One more entry of a repeatable group (htmx: "Add another learning point")."""
    if not isinstance(need_person(request), Person) or message not in MESSAGES:
        raise UiError(404, "No such form.")
    found = next((f for f in fields_of(MESSAGES[message].model) if f.name == name and f.model), None)
    if found is None or found.model is None or not 0 <= n < 50:
        raise UiError(404, "No such form.")
    entry = entry_fields(found.model, name, n)
    return templates.TemplateResponse(
        request, "_entry.html", {"field": found, "entry": entry, "n": n, "form_name": message}
    )


async def _ui_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UiError)
    return page(request, "error.html", exc.status, message=exc.message)


def install(app: FastAPI) -> None:
    app.add_exception_handler(UiError, _ui_error)
