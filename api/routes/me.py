"""The complainant's own view of their case (issue 13, design.md "Back-office HTTP API"):
`GET /me/case` with a service user's or organisation's token, in plain English, as JSON
or as a page. Never staff notes, OAT's analysis or anyone else's data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.auth import Identity
from api.deps import Caller, Reviews
from api.problems import COMMON, Problem, documented
from api.ui.pages import templates
from api.visibility import letters_for
from domain.letters import date_in_words
from domain.plain import letter_title, stage_words, waiting_words

router = APIRouter(tags=["complainant"], responses=documented(*COMMON, 403, 404))


class MyLetter(BaseModel):
    n: int
    title: str
    sent_on: str


class MyDocument(BaseModel):
    name: str
    received: bool


class MyCase(BaseModel):
    case_ref: str
    where: str
    held_by: str
    waiting_for: str | None
    next_date: str | None
    letters: list[MyLetter]
    documents: list[MyDocument]
    closed: bool


def my_case(status: Any, request: Request, caller: Identity) -> MyCase:
    staff = request.app.state.staff
    holder_id = status.handler.id if status.handler else status.owner
    person = staff.get(holder_id) if holder_id else None
    held_by = (
        f"{person.name}, {person.team.replace('-', ' ')} team"
        if person and person.team
        else (person.name if person else "your case owner")
    )
    step = status.awaiting
    party = caller.actor.role.value
    # Its own documents and letters only: never the other party's (design.md, "The trust
    # boundary"); the organisation is never shown the complainant's.
    documents = [MyDocument(name=d.name, received=d.received) for d in status.documents if d.party == party]
    mine = [letter for letter in status.letters if letter.to_role in (letters_for(caller) or ())]
    return MyCase(
        case_ref=status.case_ref,
        where=stage_words(status.stage),
        held_by=held_by,
        waiting_for=waiting_words(step.action, step.actor_role) if step else None,
        next_date=date_in_words(step.due) if step and step.due else None,
        letters=[
            MyLetter(n=n, title=letter_title(x.kind), sent_on=date_in_words(x.sent_at))
            for n, x in enumerate(mine)
        ],
        documents=documents,
        closed=status.outcome is not None,
    )


@router.get("/me/case", response_model=MyCase, responses={200: {"content": {"text/html": {}}}})
async def me(request: Request, caller: Caller, reviews: Reviews) -> Response:
    if not caller.bound or caller.case is None:
        raise Problem(
            403, "this is the complainant's view: it needs a service user's or organisation's token"
        )
    view = my_case(await reviews.status(caller.case), request, caller)
    if "text/html" in request.headers.get("accept", ""):
        return templates.TemplateResponse(request, "me.html", {"me": view, "person": None, "csrf": ""})
    return JSONResponse(view.model_dump())
