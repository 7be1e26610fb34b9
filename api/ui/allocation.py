"""The queue's own actions (issue 26): take a team's step, give it to someone in your team,
give it back, set a follow-up date, save and delete filters. Each is a form with the
session's CSRF token; what it changes is the store's allocation of work (store/allocation.py),
never who may act on a case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import RowId
from api.ui import words
from api.ui.pages import UiError, checked_form, need_person, page, staff
from domain.authority import Refused
from domain.calendar import london_date
from domain.staff import Person
from store import allocation
from store.models import TaskRow

router = APIRouter(prefix="/ui", include_in_schema=False)
QUEUES = ("/ui/tasks", "/ui/team")


def back_to(form: Any) -> str:
    """Where the form came from: one of the queues with its filters, and nowhere else (an
    address from a form is never a way off this site)."""
    back = str(form.get("back") or "")
    path, _, query = back.partition("?")
    if path not in QUEUES:
        return QUEUES[0]
    kept = allocation.view_query(query)
    return f"{path}?{kept}" if kept else path


def tell(request: Request, said: str) -> None:
    """A line for the notification banner on the next page."""
    request.session["notice"] = words.plain(said, staff(request))


async def acting(request: Request) -> tuple[Person, Any]:
    person = need_person(request)
    if not isinstance(person, Person):
        raise UiError(401, "Sign in first.")
    return person, await checked_form(request)


def told_and_back(request: Request, form: Any, act: Callable[[], str]) -> Response:
    """Do it, say on the next page what happened (or why not), and go back to the queue."""
    try:
        said = act()
    except Refused as refused:
        said = f"Not done: {refused}."
    tell(request, said)
    return RedirectResponse(back_to(form), status_code=303)


@router.post("/steps/{task_id:int}/take")
async def take(request: Request, task_id: RowId) -> Response:
    person, form = await acting(request)
    engine, directory, for_id = request.app.state.engine, staff(request), str(form.get("for") or "")
    return told_and_back(request, form, lambda: allocation.take(engine, directory, task_id, person, for_id))


@router.post("/steps/{task_id:int}/give-back")
async def give_back(request: Request, task_id: RowId) -> Response:
    person, form = await acting(request)
    engine, directory = request.app.state.engine, staff(request)
    return told_and_back(request, form, lambda: allocation.give_back(engine, directory, task_id, person))


def open_step(request: Request, task_id: RowId) -> TaskRow:
    with Session(request.app.state.engine) as session:
        row = session.get(TaskRow, task_id)
    if row is None or row.closed_at is not None:
        raise UiError(404, "This step is no longer open: the case has moved on.")
    return row


@router.get("/steps/{task_id:int}/follow-up")
async def follow_up_form(request: Request, task_id: RowId) -> Response:
    person = need_person(request)
    if not isinstance(person, Person):
        return person
    row = open_step(request, task_id)
    on = row.follow_up_on
    return page(
        request, "follow_up.html", step=row, back=back_to(request.query_params), errors={},
        day=on.day if on else "", month=on.month if on else "", year=on.year if on else "",
        note=row.follow_up_note or "",
    )  # fmt: skip


@router.post("/steps/{task_id:int}/follow-up")
async def follow_up(request: Request, task_id: RowId) -> Response:
    person, form = await acting(request)
    today = london_date(datetime.now(UTC))
    parts = [str(form.get(f"follow-up-{p}") or "").strip() for p in ("day", "month", "year")]
    note = str(form.get("note") or "")
    errors: dict[str, str] = {}
    on: date | None = None
    if form.get("clear"):
        on = None
    elif not all(parts):
        errors["follow-up"] = "Enter the follow-up date as a day, a month and a year, for example 27 3 2027"
    else:
        try:
            on = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            errors["follow-up"] = "Enter a real date, for example 27 3 2027"
    if not errors:
        try:
            tell(request, allocation.follow_up(request.app.state.engine, task_id, person, on, note, today))
            return RedirectResponse(back_to(form), status_code=303)
        except Refused as refused:
            where = "note" if "note" in str(refused) else "follow-up"
            errors[where] = str(refused)[:1].upper() + str(refused)[1:]
    error_list = [{"text": text, "href": f"#{key}-day" if key == "follow-up" else f"#{key}"}
                  for key, text in errors.items()]  # fmt: skip
    return page(  # the step is read only to show its form again
        request, "follow_up.html", status=422, step=open_step(request, task_id), back=back_to(form), errors=errors,
        error_list=error_list,
        day=parts[0], month=parts[1], year=parts[2], note=note,
    )  # fmt: skip


@router.post("/views")
async def save_view(request: Request) -> Response:
    person, form = await acting(request)
    back = back_to(form)
    path, _, query = back.partition("?")
    try:
        said = allocation.save_view(
            request.app.state.engine, person.id, path.rsplit("/", 1)[-1], str(form.get("name") or ""), query
        )
    except Refused as refused:
        said = f"Not saved: {refused}."
    tell(request, said)
    return RedirectResponse(back, status_code=303)


@router.post("/views/{view_id:int}/delete")
async def forget_view(request: Request, view_id: RowId) -> Response:
    person, form = await acting(request)
    tell(request, allocation.forget_view(request.app.state.engine, person.id, view_id))
    return RedirectResponse(back_to(form), status_code=303)
