"""The pages: sign in, my tasks, my team, a case, and the forms on it (issue 12).

A person signs in (locally: chooses who they are from the staff list); the session is a
signed, HttpOnly, SameSite cookie and every form carries a CSRF token. What a page shows
comes from the store (tasks, cases, letters) or the case's `status`; what a form sends
goes through the same client as the API, as the signed-in person."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import and_, delete, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from api.auth import Identity
from api.ui.forms import data_from, entry_fields, fields_of
from api.ui.oidc import OAuthError, person_from
from api.visibility import CaseFacts, may_see
from contract.messages import MESSAGES
from domain.authority import at_least
from domain.calendar import PACKAGE_CALENDAR, london_date
from domain.enums import Role
from domain.letters import date_in_words
from domain.staff import Person, Staff
from starter.client import Refusal
from store.letters import post_pdf_path, post_queue
from store.models import CaseRow, EndedSessionRow, LetterRow, TaskRow

router = APIRouter(prefix="/ui", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.filters["in_words"] = date_in_words
STATUS_OF_REFUSAL = {"not_allowed": 403, "not_now": 409, "closed": 409, "not_taken": 409, "not_found": 404}
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
    context |= {"person": signed_in(request), "csrf": csrf_token(request)}
    return templates.TemplateResponse(request, template, context, status_code=status)


def need_person(request: Request) -> Person | RedirectResponse:
    person = signed_in(request)
    if person is None:
        return RedirectResponse("/ui/login", status_code=303)
    return person


# --------------------------------------------------------------- due dates


def due_words(due: date | None, today: date) -> tuple[str, bool]:
    """ "3 working days left" / "due today" / "overdue by 2 days", and whether overdue."""
    if due is None:
        return "no due date", False
    if due < today:
        days = (today - due).days
        return f"overdue by {days} day{'s' if days != 1 else ''}", True
    if due == today:
        return "due today", False
    left = PACKAGE_CALENDAR.working_days_between(today, due)
    return f"{left} working day{'s' if left != 1 else ''} left", False


def task_page(
    request: Request, *where: Any, paged: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of open tasks with their cases, filtered, ordered (overdue first, then by
    due date) and cut in SQL, so a page costs the same with 10 or 10,000 open tasks."""
    q = request.query_params
    kind, stage, overdue = q.get("kind", ""), q.get("stage", ""), q.get("overdue") == "1"
    number = max(1, int(q.get("page", "1") or 1)) if paged else 1
    today = london_date(datetime.now().astimezone())
    filters = [TaskRow.closed_at.is_(None), *where]
    if kind:
        filters.append(CaseRow.kind == kind)
    if stage:
        filters.append(CaseRow.stage == stage.replace(" ", "_"))
    if overdue:
        filters.append(TaskRow.due < today)
    late = sql_case((TaskRow.due < today, 0), else_=1)
    query = (
        select(
            TaskRow.workflow_id, TaskRow.case_ref, TaskRow.action, TaskRow.actor_role, TaskRow.actor_id,
            TaskRow.due, TaskRow.escalated, CaseRow.kind, CaseRow.stage, CaseRow.risk,
        )
        .outerjoin(CaseRow, CaseRow.workflow_id == TaskRow.workflow_id)
        .where(*filters)
        .order_by(late, TaskRow.due.is_(None), TaskRow.due, TaskRow.id)
        .limit(PAGE_SIZE + 1)
        .offset((number - 1) * PAGE_SIZE)
    )  # fmt: skip
    with Session(request.app.state.engine) as session:
        rows = session.execute(query).all()
        shown = rows[:PAGE_SIZE]
        ids = [r.workflow_id for r in shown]
        statuses: dict[str, Any] = dict(
            session.execute(
                select(CaseRow.workflow_id, CaseRow.status).where(CaseRow.workflow_id.in_(ids))
            ).all()
        )
    tasks = []
    for r in shown:
        words, is_late = due_words(r.due, today)
        adjustments = (statuses.get(r.workflow_id) or {}).get("reasonable_adjustments", [])
        tasks.append(
            {
                "workflow_id": r.workflow_id, "case_ref": r.case_ref, "kind": (r.kind or "").replace("_", " "),
                "stage": (r.stage or "").replace("_", " "), "risk": r.risk, "action": r.action.replace("_", " "),
                "who": r.actor_id or r.actor_role.replace("_", " "), "due": r.due, "due_words": words,
                "overdue": is_late, "adjustments": len(adjustments), "escalated": bool(r.escalated),
            }
        )  # fmt: skip
    paging = {"page": number, "more": len(rows) > PAGE_SIZE, "kind": kind, "stage": stage, "overdue": overdue}
    return tasks, paging


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
    await checked_form(request)
    if sid := request.session.get("sid"):
        end_session(request, str(sid))
    request.session.clear()
    return RedirectResponse("/ui/login", status_code=303)


@router.get("/tasks")
async def my_tasks(request: Request) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    tasks, paging = task_page(
        request,
        or_(
            TaskRow.actor_id == person.id,
            and_(TaskRow.actor_id.is_(None), TaskRow.actor_role == person.role.value),
        ),
    )
    return page(request, "tasks.html", tasks=tasks, paging=paging)


@router.get("/team")
async def my_team(request: Request) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    reports = sorted(staff(request).reports_of(person.id))
    team_tasks, paging = task_page(request, or_(TaskRow.actor_id.in_(reports), CaseRow.owner.in_(reports)))
    # Only the approvals the Delegation Scheme lets this role give (this role or below).
    may_give = [r.value for r in Role if at_least(person.role, r)]
    approvals, first = task_page(
        request, TaskRow.action == "approve", TaskRow.actor_role.in_(may_give), paged=False
    )
    # Steps of your team that were escalated: overdue, and now yours to unblock.
    ours = or_(TaskRow.actor_id.in_(reports), CaseRow.owner.in_(reports))
    escalated, _ = task_page(request, TaskRow.escalated.is_(True), ours, paged=False)
    return page(
        request, "team.html", tasks=team_tasks, paging=paging, approvals=approvals, more_approvals=first["more"],
        escalated=escalated,
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
    with Session(request.app.state.engine) as session:
        letters = list(
            session.scalars(
                select(LetterRow).where(LetterRow.workflow_id == workflow_id).order_by(LetterRow.id)
            )
        )
    forms = []
    for name in await offered(request, person, workflow_id):
        fields = fields_of(MESSAGES[name].model)
        error = ""
        if failed is not None and failed[0] == name:
            fields, error = failed[1], failed[2]
        forms.append({"name": name, "title": name.replace("_", " ").capitalize(), "fields": fields, "error": error,
                      "by": MESSAGES[name].by, "paragraphs": MESSAGES[name].paragraphs})  # fmt: skip
    ui_url = request.app.state.web_ui_url
    return page(
        request, "case.html", status_code, case=status, letters=letters, forms=forms,
        web_ui=f"{ui_url}/namespaces/default/workflows/{workflow_id}" if ui_url else None,
    )  # fmt: skip


@router.get("/cases/{workflow_id:case}")
async def case(request: Request, workflow_id: str) -> Response:
    return await case_page(request, workflow_id)


@router.get("/cases/{workflow_id:case}/letters/{n}")
async def letter(request: Request, workflow_id: str, n: int) -> Response:
    """One letter as it was sent, to read in the browser."""
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    await case_for(request, person, workflow_id)
    with Session(request.app.state.engine) as session:
        rows = list(
            session.scalars(
                select(LetterRow).where(LetterRow.workflow_id == workflow_id).order_by(LetterRow.id)
            )
        )
    if not 0 <= n < len(rows):
        raise UiError(404, f"There is no letter {n} on this case.")
    return Response(Path(rows[n].eml_path or "").read_text(), media_type="text/plain; charset=utf-8")


@router.post("/cases/{workflow_id:case}/messages/{name}")
async def send(request: Request, workflow_id: str, name: str) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    form = await checked_form(request)
    if name not in MESSAGES:
        raise UiError(404, f"There is no message {name}.")
    reviews = request.app.state.reviews
    await case_for(request, person, workflow_id)
    fields = fields_of(MESSAGES[name].model)
    data, readable = data_from(fields, form)
    if not readable:
        return await case_page(request, workflow_id, 422, (name, fields, "Some answers need correcting."))
    try:
        await reviews.send(workflow_id, name, person.actor, data)
    except Refusal as refusal:
        return await case_page(
            request, workflow_id, STATUS_OF_REFUSAL.get(refusal.kind, 422), (name, fields, str(refusal))
        )
    return RedirectResponse(f"/ui/cases/{workflow_id}?sent={name}", status_code=303)


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
    return page(request, "post.html", status_code, letters=letters, today=today, error=error)


@router.get("/post/{letter_id}.pdf")
async def letter_to_post_pdf(request: Request, letter_id: int) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    found = post_pdf_path(request.app.state.engine, letter_id)
    if found is None or not Path(found[1]).exists():
        raise UiError(404, "There is no such letter to post.")
    return Response(Path(found[1]).read_bytes(), media_type="application/pdf")


@router.post("/post/{letter_id}")
async def mark_letter_posted(request: Request, letter_id: int) -> Response:
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
