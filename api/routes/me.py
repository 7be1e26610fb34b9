"""The complainant's own view of their case (issue 13, design.md "Back-office HTTP API"):
`GET /me/case` with a service user's or organisation's token, in plain English, as JSON
or as a page. Never staff notes, OAT's analysis or anyone else's data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from api.auth import Identity
from api.deps import identity, reviews
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
    # Issue 27: what this party owes and by when, in their words; the adjustments agreed
    # (the complainant's only: never shown to the organisation).
    owed: str | None = None
    adjustments: list[str] = []


def my_case(status: Any, request: Request, caller: Identity, step: Any = None) -> MyCase:
    """`step`: the step to speak of, when it is a child's the party owes (front door)."""
    staff = request.app.state.staff
    holder_id = status.handler.id if status.handler else status.owner
    person = staff.get(holder_id) if holder_id else None
    held_by = person.in_words() if person else "your case owner"
    step = step or status.awaiting
    party = caller.actor.role.value
    # Its own documents and letters only: never the other party's (design.md, "The trust
    # boundary"); the organisation is never shown the complainant's. A document sent with
    # grounds and again on its own is one document (issue 27: it was listed twice).
    documents: dict[str, MyDocument] = {}
    for d in status.documents:
        if d.party == party:
            key = d.sha256 or f"name:{d.name}"
            seen = documents.get(key)
            documents[key] = MyDocument(name=d.name, received=d.received or bool(seen and seen.received))
    mine = [letter for letter in status.letters if letter.to_role in (letters_for(caller) or ())]
    owes = step is not None and party in step.actor_role.split(",") and status.outcome is None
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
        documents=list(documents.values()),
        closed=status.outcome is not None,
        owed=owed_words(step.action, step.due) if owes and step else None,
        adjustments=[agreed_words(a) for a in status.reasonable_adjustments]
        if party == "service_user"
        else [],
    )


AGREED = {
    "large_print": "Large print letters",
    "easy_read": "Easy read letters",
    "plain_text": "Plain text emails",
    "phone_call": "A phone call to explain each letter",
    "advocate_copy": "A copy of our letters to the person helping you",
    "post": "Letters by post",
    "interpreter": "An interpreter",
}


def agreed_words(adjustment: Any) -> str:
    """What we agreed to do, never why: the reason can be a health detail, and the page
    may be read on a shared screen (design.md, "The trust boundary")."""
    kind = getattr(getattr(adjustment, "kind", None), "value", "other")
    return AGREED.get(kind, "Another change we agreed with you. Ask us if you want to check it.")


OWED = {
    "grounds_submitted": "Send us your reasons for a review",
    "late_explanation": "Tell us why your reasons reached us late",
    "party_comment": "Send us any comments on our plan to look at the complaint again",
}


def owed_words(action: str, due: Any) -> str:
    """What the party owes, in their words: "Send us your reasons for a review by 1 April 2027"."""
    what = OWED.get(action, "Send us what we asked for")
    return f"{what} by {date_in_words(due)}." if due else f"{what}."


@router.get("/me/case", response_model=MyCase, responses={200: {"content": {"text/html": {}}}})
async def me(request: Request) -> Response:
    """With a party's token: its view as JSON (or a page). In a browser signed in from a
    letter's link: their case page (issue 27); a browser not signed in is sent to sign in."""
    from api.ui import front_door

    party = front_door.party_of(request)
    wants_page = "text/html" in request.headers.get("accept", "")
    if not request.headers.get("authorization"):
        if party is not None:
            return await front_door.case_page(request, party)
        if wants_page:
            return RedirectResponse("/me/sign-in", status_code=303)
    caller = identity(request)
    if not caller.bound or caller.case is None:
        raise Problem(
            403, "this is the complainant's view: it needs a service user's or organisation's token"
        )
    view = my_case(await reviews(request).status(caller.case), request, caller)
    if wants_page:
        return templates.TemplateResponse(
            request, "me.html", {"me": view, "person": None, "csrf": "", "forms": [], "letters": []}
        )
    return JSONResponse(view.model_dump())
