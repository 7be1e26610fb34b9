"""The pages: sign in, my tasks, my team, a case, and the forms on it (issue 12).

A person signs in (locally: chooses who they are from the staff list); the session is a
signed, HttpOnly, SameSite cookie and every form carries a CSRF token. What a page shows
comes from the store (tasks, cases, letters) or the case's `status`; what a form sends
goes through the same client as the API, as the signed-in person."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from api.auth import Identity
from api.ui import words
from api.ui.forms import (
    data_from,
    entry_fields,
    errors_of,
    fields_of,
    refused_at_fields,
    rules_before_sending,
    with_labels,
)
from api.ui.oidc import OAuthError, person_from
from api.visibility import CaseFacts, may_see
from contract.messages import MESSAGES
from contract.words import choice_words, message_words
from domain.authority import at_least
from domain.calendar import PACKAGE_CALENDAR, london_date
from domain.enums import Role
from domain.letters import date_in_words
from domain.staff import Person, Staff
from starter.client import Refusal
from store.letters import post_pdf_path, post_queue
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
    directory = staff(request)
    context |= {"person": signed_in(request), "csrf": csrf_token(request),
                "name_of": lambda person_id: words.person_words(directory, person_id)}  # fmt: skip
    return templates.TemplateResponse(request, template, context, status_code=status)


def need_person(request: Request) -> Person | RedirectResponse:
    person = signed_in(request)
    if person is None:
        return RedirectResponse("/ui/login", status_code=303)
    return person


# --------------------------------------------------------------- due dates


def due_words(due: date | None, today: date) -> tuple[str, bool]:
    """ "3 working days left" / "due today" / "overdue by 2 working days", and whether
    overdue: working days both ways (issue 26: overdue counted calendar days)."""
    if due is None:
        return "no due date", False
    if due < today:
        days = max(1, PACKAGE_CALENDAR.working_days_between(due, today))
        return f"overdue by {days} working day{'s' if days != 1 else ''}", True
    if due == today:
        return "due today", False
    left = PACKAGE_CALENDAR.working_days_between(today, due)
    return f"{left} working day{'s' if left != 1 else ''} left", False


def task_page(
    request: Request, *where: Any, paged: bool = True, counted: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of open tasks with their cases, filtered, ordered (overdue first, then by
    due date) and cut in SQL, so a page costs the same with 10 or 10,000 open tasks; with
    the count of each choice of the filters (issue 26)."""
    q = request.query_params
    kind, stage, risk = q.get("kind", ""), q.get("stage", ""), q.get("risk", "")
    overdue = q.get("overdue") == "1"
    number = max(1, int(q.get("page", "1") or 1) if (q.get("page") or "1").isdigit() else 1) if paged else 1
    today = london_date(datetime.now().astimezone())
    base = [TaskRow.closed_at.is_(None), *where]
    filters = list(base)
    if kind:
        filters.append(CaseRow.kind == kind)
    if stage:
        filters.append(CaseRow.stage == stage)
    if risk:
        filters.append(CaseRow.risk == risk)
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
        # Every count the filters show, from one grouped query (issue 26's counts cost one
        # round trip, not five: bench/ui_pages.py).
        late_flag = sql_case((TaskRow.due < today, 1), else_=0)
        groups = (
            session.execute(
                select(CaseRow.kind, CaseRow.stage, CaseRow.risk, late_flag, func.count())
                .select_from(TaskRow)
                .outerjoin(CaseRow, CaseRow.workflow_id == TaskRow.workflow_id)
                .where(*base)
                .group_by(CaseRow.kind, CaseRow.stage, CaseRow.risk, late_flag)
            ).all()
            if counted
            else []
        )
    counts_of: dict[str, dict[Any, int]] = {"kind": {}, "stage": {}, "risk": {}}
    counts = {"all": 0, "overdue": 0}
    for group_kind, group_stage, group_risk, is_overdue, n in groups:
        for name, value in (("kind", group_kind), ("stage", group_stage), ("risk", group_risk)):
            counts_of[name][value] = counts_of[name].get(value, 0) + n
        counts["all"] += n
        counts["overdue"] += n if is_overdue else 0
    directory = staff(request)
    tasks = []
    for r in shown:
        due, is_late = due_words(r.due, today)
        status = statuses.get(r.workflow_id) or {}
        tasks.append(
            {
                "workflow_id": r.workflow_id, "case_ref": r.case_ref, "kind": words.kind_name(r.kind),
                "stage": words.stage_name(r.stage or ""), "risk": r.risk, "action": words.action_name(r.action),
                "detail": approval_words(r.action, status),
                "who": words.sentence(words.person_words(directory, r.actor_id, r.actor_role)), "due": r.due, "due_words": due,
                "overdue": is_late, "adjustments": len(status.get("reasonable_adjustments") or []),
                "escalated": bool(r.escalated),
            }
        )  # fmt: skip

    def items(name: str, chosen: str, words_of: Any) -> list[dict[str, Any]]:
        found = counts_of.get(name, {})
        return [{"value": v, "text": f"{words_of(v)} ({n})", "selected": v == chosen}
                for v, n in sorted(found.items(), key=lambda kv: str(kv[0])) if v]  # fmt: skip

    chosen = {k: v for k, v in (("kind", kind), ("stage", stage), ("risk", risk)) if v}
    paging = {
        "page": number, "more": len(rows) > PAGE_SIZE, "kind": kind, "stage": stage, "risk": risk,
        "overdue": overdue, "counts": counts, "filtered": bool(chosen or overdue),
        "kinds": items("kind", kind, words.kind_name), "stages": items("stage", stage, words.stage_name),
        "risks": items("risk", risk, choice_words),
        "query": urlencode(chosen | ({"overdue": "1"} if overdue else {})),
    }  # fmt: skip
    return tasks, paging


def approval_words(action: str, status: dict[str, Any]) -> str:
    """What an approval is for, and how much (issue 26: the row said only "approve")."""
    proposal = status.get("proposal") if action == "approve" else None
    if not proposal:
        return ""
    said = f"{choice_words(proposal.get('route', ''))}"
    if proposal.get("amount_gbp"):
        said += f", a payment of \u00a3{proposal['amount_gbp']:,.2f}"
    return said


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
        request, TaskRow.action == "approve", TaskRow.actor_role.in_(may_give), paged=False, counted=False
    )
    # Steps of your team that were escalated: overdue, and now yours to unblock.
    ours = or_(TaskRow.actor_id.in_(reports), CaseRow.owner.in_(reports))
    escalated, _ = task_page(request, TaskRow.escalated.is_(True), ours, paged=False, counted=False)
    return page(
        request, "team.html", tasks=team_tasks, paging=paging, approvals=approvals, more_approvals=first["more"],
        escalated=escalated, load=team_load(request, reports),
    )  # fmt: skip


def team_load(request: Request, reports: list[str]) -> list[dict[str, Any]]:
    """Each member's open steps and how many are overdue, heaviest first (issue 26)."""
    today = london_date(datetime.now(UTC))
    overdue = func.sum(sql_case((TaskRow.due < today, 1), else_=0))
    with Session(request.app.state.engine) as session:
        rows = session.execute(
            select(TaskRow.actor_id, func.count(), overdue)
            .where(TaskRow.closed_at.is_(None), TaskRow.actor_id.in_(reports))
            .group_by(TaskRow.actor_id)
        ).all()
    found = {r[0]: (r[1], r[2] or 0) for r in rows}
    directory = staff(request)
    load = [{"name": words.person_words(directory, pid), "open": found.get(pid, (0, 0))[0],
             "overdue": found.get(pid, (0, 0))[1]} for pid in reports]  # fmt: skip
    return sorted(load, key=lambda row: (-row["overdue"], -row["open"], row["name"]))


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


# Forms for what is rarely done, or done against the case's run: under "Other actions",
# never opened by themselves (issue 26: "Decline for unacceptable behaviour" was the only
# form after a rejection, and opened itself).
OTHER_ACTIONS = frozenset({
    "decline_unacceptable_behaviour", "record_jr_threat", "reassign", "pause_clock", "resume_clock",
    "withdraw", "evidence_submitted", "adjustment_requested", "more_time_requested", "record_adjustment",
    "party_comment", "grounds_submitted", "late_explanation", "complete_task", "mark_posted", "escalate",
    "reclassify_as_decision_complaint", "close_unresolved",
})  # fmt: skip

# oat_decision (paras 50-67): the questions only one route asks, revealed when it is chosen.
REVEALED_BY = {"oat_decision": ("route", {
    "new_detailed_investigation": ("ndi_reason", "summary", "ndi_case_owner"),
    "quash": ("quash_grounds",),
})}  # fmt: skip


# Check your answers first (issue 26): whatever closes a case, spends money or decides
# for good is shown back to the person before it is sent.
CHECKED_ALWAYS = frozenset({
    "decline_unacceptable_behaviour", "close_unresolved", "withdraw", "approve", "reject", "oat_decision",
    "service_complaint_decision", "manager_review", "exceptional_review", "ndi_proceed",
})  # fmt: skip
CHECKED_WHEN = {
    "case_owner_resolution": ("resolved", True),
    "challenge_assessment": ("actionable", False),
    "time_limit_decision": ("accept", False),
    "manager_resolution": ("resolved", True),
}


def needs_checking(name: str, data: dict[str, Any]) -> bool:
    if name in CHECKED_ALWAYS:
        return True
    key, closing_value = CHECKED_WHEN.get(name, ("", None))
    return bool(key) and data.get(key) is closing_value


def answers_of(fields: list[Any]) -> list[dict[str, Any]]:
    """Each answer given, as a row of GOV.UK's summary list: the question, the answer in words."""
    rows = []
    for f in fields:
        if f.widget == "group":
            rows += answers_of(f.fields)
            continue
        if f.widget == "groups":
            for n, group in enumerate(f.groups, 1):
                said = "; ".join(r["value"]["text"] for r in answers_of(group))
                if said:
                    rows.append({"key": {"text": f"{f.label} {n}"}, "value": {"text": said}})
            continue
        value = f.value
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            text = ", ".join(f.labels.get(v) or choice_words(v) for v in value)
        elif f.widget in ("boolean", "radios", "person", "task"):
            text = f.labels.get(value) or choice_words(value)
        elif f.widget == "date":
            text = date_in_words(value)
        elif f.widget == "number" and f.key == "amount_gbp":
            text = f"\u00a3{float(value):,.2f}"
        else:
            text = str(value)
        rows.append({"key": {"text": f.label}, "value": {"text": text}})
    return rows


def names_field(told: str, key: str) -> bool:
    """A refusal that names its field: `new_deadline ...`, or begins with the field's name."""
    if "_" in key:
        return re.search(rf"\b{re.escape(key)}\b", told) is not None
    return told.startswith((f"{key} ", f"{key}:"))


def form_for(name: str, fields: list[Any], error: str = "") -> dict[str, Any]:
    """One message's form: its words, its fields (those revealed by a choice kept apart)."""
    said = message_words(name)
    reveal: dict[str, list[Any]] = {}
    chooser = ""
    if name in REVEALED_BY:
        chooser, routes = REVEALED_BY[name]
        for value, keys in routes.items():
            reveal[value] = [f for f in fields if f.key in keys]
        hidden = {id(f) for group in reveal.values() for f in group}
        fields = [f for f in fields if id(f) not in hidden]
    every = fields + [f for group in reveal.values() for f in group]
    return {"name": name, "title": said.title, "lead": said.lead, "fields": fields, "error": error,
            "reveal": reveal, "chooser": chooser, "errors": errors_of(every, name),
            "other": name in OTHER_ACTIONS, "paragraphs": MESSAGES[name].paragraphs}  # fmt: skip


def without_unchosen(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a route that was not chosen asked is not sent (its inputs were only hidden)."""
    if name not in REVEALED_BY:
        return data
    chooser, routes = REVEALED_BY[name]
    dropped = {k for value, keys in routes.items() if data.get(chooser) != value for k in keys}
    return {k: v for k, v in data.items() if k not in dropped}


def fill_picks(request: Request, fields: list[Any], status: Any) -> None:
    """The lists a person picks from: staff by name and title; the case's open tasks."""
    directory = staff(request)
    for f in fields:
        if f.widget == "person":
            people = sorted(directory.people.values(), key=lambda p: p.name)
            f.choices = [f"{p.id}|{p.role.value}" for p in people]
            f.labels = {f"{p.id}|{p.role.value}": f"{p.name}, {words.role_words(p.role)}" for p in people}
        elif f.widget == "task":
            open_tasks = [t for t in status.tasks if t.done_at is None]
            f.choices = [t.task for t in open_tasks]
            f.labels = {t.task: words.action_name(t.task) for t in open_tasks}


def next_words(request: Request, status: Any) -> str:
    """What happens next, in words: who owes what, by when."""
    if status.stage.value == "closed":
        return f"This case is closed: {words.outcome_name(status.outcome).lower()}."
    waiting = status.awaiting
    if waiting is None:
        return "Nothing is waiting for anyone: the case will move on by itself."
    who = words.person_words(staff(request), waiting.actor_id, waiting.actor_role)
    if waiting.actor_role.startswith("service_user"):
        who = "the complainant"
    what = words.action_name(waiting.action)
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
                      "paragraphs": h.paragraphs})  # fmt: skip
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
    with Session(request.app.state.engine) as session:
        letters = list(
            session.scalars(
                select(LetterRow).where(LetterRow.workflow_id == workflow_id).order_by(LetterRow.id)
            )
        )
    forms = []
    # A child (an OAT review, a new investigation) is reached through its case: its steps
    # are the case's forms, sent to the case (design.md, "The trust boundary").
    for name in [] if status.links.parent else await offered(request, person, workflow_id):
        if failed is not None and failed[0] == name:
            forms.append(form_for(name, failed[1], failed[2]))
            continue
        fields = fields_of(MESSAGES[name].model, message=name)
        fill_picks(request, fields, status)
        forms.append(form_for(name, fields))
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
    return await case_page(request, workflow_id)


def letter_rows(request: Request, workflow_id: str) -> list[LetterRow]:
    with Session(request.app.state.engine) as session:
        return list(
            session.scalars(
                select(LetterRow).where(LetterRow.workflow_id == workflow_id).order_by(LetterRow.id)
            )
        )


def _letter_message(request: Request, workflow_id: str, n: int) -> tuple[LetterRow, EmailMessage]:
    rows = letter_rows(request, workflow_id)
    if not 0 <= n < len(rows) or not rows[n].eml_path or not Path(rows[n].eml_path or "").exists():
        raise UiError(404, "There is no such letter on this case.")
    with Path(rows[n].eml_path or "").open("rb") as eml:
        parsed = BytesParser(policy=email_policy.default).parse(eml)
    assert isinstance(parsed, EmailMessage)
    return rows[n], parsed


def letter_lines(paragraph: str) -> list[str]:
    """A paragraph of the plain-text letter as lines to show: wrapped prose joined again,
    short lines (a heading, an address, a list's items) kept as they were."""
    lines: list[str] = []
    joining = False
    for line in paragraph.strip().splitlines():
        line = line.strip()
        if joining and not line.startswith(("- ", "• ")):
            lines[-1] += " " + line
        else:
            lines.append(line)
        joining = len(line) > 50
    return lines


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
    text = body.get_content() if body is not None else row.body
    versions = [
        {"name": part.get_filename(), "href": f"/ui/cases/{workflow_id}/letters/{n}/{part.get_filename()}"}
        for part in message.iter_attachments()
        if part.get_filename()
    ]
    paragraphs = [letter_lines(p) for p in text.split("\n\n") if p.strip()]
    return page(
        request, "letter.html", case=status, letter=row, paragraphs=paragraphs, versions=versions, n=n
    )


@router.get("/cases/{workflow_id:case}/letters/{n}/{filename}")
async def letter_version(request: Request, workflow_id: str, n: int, filename: str) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    await case_for(request, person, workflow_id)
    _, message = _letter_message(request, workflow_id, n)
    for part in message.iter_attachments():
        if part.get_filename() == filename and part.get_content_type() == "application/pdf":
            return Response(part.get_content(), media_type="application/pdf")
    raise UiError(404, "That letter has no such version.")


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
    record = next((d for d in status.documents if d.sha256 == sha256), None)
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
        return await case_page(request, workflow_id, 422, (name, fields, "; ".join(loose)))
    if form.get("change"):
        return await case_page(request, workflow_id, 200, (name, fields, ""))
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
        return await case_page(
            request, workflow_id, STATUS_OF_REFUSAL.get(refusal.kind, 422), (name, fields, told)
        )
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
