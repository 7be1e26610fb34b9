"""Letters rendered from jinja2 templates (one per kind, in templates/)."""

from __future__ import annotations

import functools
import html
import os
import re
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from activities.adjustments import Form
from activities.models import LetterRequest
from domain.letters import date_in_words, time_in_words
from domain.policy import Office
from domain.staff import Staff

TEMPLATES = Path(__file__).with_name("templates")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
# Dates in letters are London dates in words (design.md, "Time").
_env.filters["in_words"] = date_in_words
_env.filters["time_in_words"] = time_in_words


def render(request: LetterRequest, office: Office | None = None) -> tuple[str, str]:
    """(subject, body) of a letter. Its first template line is `Subject: ...`."""
    try:
        template = _env.get_template(f"{request.kind}.txt.j2")
    except TemplateNotFound:
        raise ValueError(f"no letter template for kind {request.kind!r}") from None
    context = with_names(request.context)
    text = template.render(
        letter=request, case_ref=request.case_ref, ctx=context, held_by=held_by(request),
        signatory=signatory(request, context), office=office or Office(),
    )  # fmt: skip
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"template {request.kind} must start with 'Subject: '")
    return first.removeprefix("Subject: ").strip(), body.lstrip("\n")


def front_door_words(link: str, sign_in_page: str, minutes: int) -> str:
    """The front door in a letter (design.md): plain words, the link, and what to do once
    it has been used or has run out."""
    return (
        "See your case online\n"
        "You can see where your case is, read our letters and send us what we ask for here:\n"
        f"{link}\n"
        f"This link works once, for {minutes} minutes. After that, go to {sign_in_page}\n"
        "and we will email you a new link."
    )


def front_door_by_post(sign_in_page: str) -> str:
    """For a letter that goes by post: where to see the case, but no link (a print outlives
    it, and its reader could not use it in time). It holds nothing secret."""
    return (
        "See your case online\n"
        "If you give us your email address, you can also see your case online. Go to\n"
        f"{sign_in_page}\n"
        "and we will email you a link."
    )


FRONT_DOOR = re.compile(r"\n*See your case online\n.*?and we will email you a new link\.\n?", re.S)
FRONT_DOOR_HTML = re.compile(r"<section class='front-door'>.*?</section>", re.S)


def with_front_door(body: str, door: str) -> str:
    """The letter as its party receives it: the way into their case comes last, after how
    to contact us (issue 27). Only the e-mail they are sent carries it: the record, the
    PDFs, an advocate's copy and what staff read do not (the link would sign them in)."""
    return f"{body.rstrip()}\n\n{door}\n" if door else body


WEB_ADDRESS = re.compile(r"https?://[^\s<>'\"]+")


def with_front_door_html(document: str | None, door: str) -> str | None:
    """The HTML part of the letter with the same words, the link a link."""
    if document is None or not door:
        return document
    lines = [html.escape(line) for line in door.splitlines()]
    linked = [WEB_ADDRESS.sub(lambda found: f"<a href='{found[0]}'>{found[0]}</a>", line) for line in lines]
    section = f"<section class='front-door'><h2>{linked[0]}</h2><p>{'<br>'.join(linked[1:])}</p></section>"
    return document.replace("</body>", section + "</body>")


def without_front_door(body: str) -> str:
    """The letter without its sign-in link: for an advocate's copy, and for staff reading
    a letter stored before the link was kept out of the record."""
    return FRONT_DOOR.sub("\n", body)


def without_front_door_message(message: EmailMessage) -> EmailMessage:
    """A letter as sent, with its sign-in link taken out of every part that carries it:
    what the API gives anyone who reads a stored letter (design.md; issue 27)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            part.set_content(without_front_door(part.get_content()))
        elif part.get_content_type() == "text/html" and not part.get_filename():
            part.set_content(FRONT_DOOR_HTML.sub("", part.get_content()), subtype="html")
    return message


@functools.cache
def _directory(path: str | None) -> Staff:
    return Staff.load(path)


def person(staff_id: str) -> str:
    """A member of staff as a letter names them: name and title from the directory (the id
    only for someone it does not know, such as a team's mailbox)."""
    found = _directory(os.environ.get("REVIEWS_STAFF")).get(staff_id)
    return found.in_words() if found is not None else staff_id


_env.filters["person"] = person


def with_names(context: dict[str, Any]) -> dict[str, Any]:
    """The workflow names an approver as "id, Title" (it cannot read the staff directory);
    a letter names them by name and title (72-73), the id only for someone it does not know."""
    approver = context.get("approved_by")
    if not isinstance(approver, str):
        return context
    found = _directory(os.environ.get("REVIEWS_STAFF")).get(approver.partition(",")[0].strip())
    if found is None:
        return context
    return context | {"approved_by": found.in_words(), "approver_name": found.name}


def signatory(request: LetterRequest, context: dict[str, Any]) -> str:
    """Who signs: whoever approved the decision, else the case owner, by name and title
    from the staff directory; never a staff id (design.md). Someone the directory does not
    know is signed for by the team."""
    directory = _directory(os.environ.get("REVIEWS_STAFF"))
    approver = context.get("approved_by")
    if isinstance(approver, str) and context.get("approver_name"):
        return approver
    found = directory.get(request.case_owner or "")
    return found.in_words() if found is not None else "The Review and Feedback Team"


def held_by(request: LetterRequest) -> str | None:
    """Who holds the case, by name and title, for letters to the parties (design.md,
    `reassign`: later letters name the new holder); None if the directory does not know
    them (a letter never names a person by their staff id)."""
    if request.to.role not in ("service_user", "organisation", "advocate") or request.kind == "closing":
        return None
    person = _directory(os.environ.get("REVIEWS_STAFF")).get(request.case_owner or "")
    return person.in_words() if person is not None else None


def to_email(
    request: LetterRequest, subject: str, body: str, sender: str, form: Form | None = None
) -> EmailMessage:
    """The letter as the person receives it: the text, and the HTML part and attachments
    their adjustments ask for (31). `To:` is only ever a real address: a letter to someone
    without one goes by post, and its .eml says so instead (design.md)."""
    message = EmailMessage()
    message["From"] = sender
    if request.to.email:
        message["To"] = request.to.email
    else:
        message["X-Reviews-Delivery"] = "post"
    if request.cc:
        message["Cc"] = ", ".join(c.email or c.id for c in request.cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(request.at)
    # Stable per letter: a receiving system can drop a duplicate after a crash mid-send.
    # (make_msgid would add the time and a random part, so a resend would look new.)
    message["Message-ID"] = message_id(request)
    message["X-Reviews-Case"] = request.case_ref
    message["X-Reviews-Letter"] = request.kind
    message.set_content(body)
    if form is not None and form.html:
        message.add_alternative(form.html, subtype="html")
    for attachment in form.attachments if form is not None else []:
        maintype, _, subtype = attachment.media_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def message_id(request: LetterRequest) -> str:
    """The same for every send of one letter to one recipient."""
    local = re.sub(r"[^A-Za-z0-9.\-]", ".", f"{request.workflow_id}.{request.key}.{request.to.role}")
    return f"<{local}@reviews.invalid>"
