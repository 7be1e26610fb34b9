"""Reasonable adjustments honoured, not just listed (para 31; issues 13 and 25). For every
letter to the complainant, each adjustment changes what is delivered, and the letter's
record says how each was honoured (or that it was not), so a report can count the letters
where one was missed (target: none). What the record says is what the delivered e-mail
carries: the same `Form` builds both.

- large print: the e-mail's HTML part at 18pt, and the letter as a PDF at 18pt, attached;
- easy read: the letter again, one short sentence a line, as the HTML part and a PDF;
- plain text: the text letter only, no HTML part and no PDF;
- post: a print-ready PDF, addressed in the window position, in the post queue;
- advocate copy: the same letter, in the same form, to the advocate's contact;
- phone call, interpreter, other: a task for the case owner (the letter is the script).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from activities.layout import Block, letter_blocks
from activities.models import LetterRequest
from domain.calendar import PACKAGE_CALENDAR, london_date
from domain.models import Adjustment, AdjustmentKind

# Only letters to the complainant honour the complainant's adjustments: the organisation's
# letters carry none of them and are never copied to the advocate (design.md).
COMPLAINANT = "service_user"
PUBLIC = frozenset({"service_user", "organisation"})
LARGE_PT = 18
EASY_READ_PT = 16
PRINT_PT = 12
# Tasks an adjustment opens are named with this prefix: they stay open until done, apart
# from the step the case is waiting on (which the workflow's sync opens and closes).
TASK_PREFIX = "adjustment: "
TASKS = {
    AdjustmentKind.PHONE_CALL: "phone the complainant and read them the letter",
    AdjustmentKind.INTERPRETER: "arrange an interpreter for the complainant",
    AdjustmentKind.OTHER: "make the reasonable adjustment agreed for this letter",
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str = "application/pdf"


@dataclass
class Form:
    """What one letter is delivered as, besides its text: an HTML part and attachments."""

    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def page(subject: str, body: str, points: int, address: str = "") -> str:
    """The letter as a page: at `points` (large print: 18), and for post with the address
    where a window envelope shows it (45 mm down, 20 mm in: a DL window)."""
    paragraphs = "".join(_block(b) for b in letter_blocks(body))
    window = (
        "<div class='window'>" + "<br>".join(html.escape(line.strip()) for line in address.splitlines()
                                             if line.strip()) + "</div>"
        if address else ""
    )  # fmt: skip
    return (
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(subject)}</title><style>"
        "@page { size: A4; margin: 20mm; }"
        f"body {{ font-family: 'DejaVu Sans', Arial, sans-serif; font-size: {points}pt; line-height: 1.5;"
        " max-width: 38em; margin: 0 auto; padding: 0 0.5em; overflow-wrap: anywhere; }"
        " @media print { body { max-width: none; padding: 0; } }"
        " .window { position: absolute; top: 25mm; left: 0; width: 90mm; height: 35mm; font-size: 12pt; }"
        f" h1 {{ font-size: {points + 4}pt; margin-top: {'70mm' if address else '0'}; }}</style></head>"
        f"<body>{window}<h1>{html.escape(subject)}</h1>{paragraphs}</body></html>"
    )


def _block(block: Block) -> str:
    """A paragraph or list of the text letter as HTML (activities/layout.py)."""
    if block.items:
        tag = "ol" if block.numbered else "ul"
        return (
            f"<{tag}>"
            + "".join("<li>" + "<br>".join(map(html.escape, item)) + "</li>" for item in block.items)
            + f"</{tag}>"
        )
    return "<p>" + "<br>".join(map(html.escape, block.lines)) + "</p>"


def easy_read(subject: str, body: str) -> str:
    """The letter one sentence a line, with space between: one idea at a time."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if s.strip()]
    return f"Easy read: {subject}\n\n" + "\n\n".join(f"- {s}" for s in sentences) + "\n"


def pdf(document: str) -> bytes:
    from weasyprint import HTML  # loaded only when a letter needs a PDF

    data: bytes = HTML(string=document).write_pdf()
    return data


def for_post(request: LetterRequest) -> bool:
    """A letter goes by post to someone with an address and no e-mail, or who asked for
    post (design.md: no letter ever goes to a made-up address)."""
    if not request.to.address:
        return False
    asked = request.to.role == COMPLAINANT and any(
        item.kind is AdjustmentKind.POST for item in request.reasonable_adjustments
    )
    return asked or not request.to.email


def post_pdf(request: LetterRequest, subject: str, body: str) -> bytes:
    """Print-ready: A4, the address in the window position, nothing meant for staff on it
    (the post queue says it is for posting, not the letter)."""
    return pdf(page(subject, body, _print_size(request), request.to.address or ""))


def _print_size(request: LetterRequest) -> int:
    kinds = (
        {item.kind for item in request.reasonable_adjustments} if request.to.role == COMPLAINANT else set()
    )
    return LARGE_PT if AdjustmentKind.LARGE_PRINT in kinds else PRINT_PT


def honour(
    request: LetterRequest,
    subject: str,
    body: str,
    folder: Path,
    open_task: Callable[[str, date], None],
) -> tuple[list[dict[str, Any]], Form]:
    """What each adjustment asks of this letter, and how each was honoured."""
    form = Form()
    if request.to.role in PUBLIC:
        # Every public letter reads as a page too (an HTML part), unless plain text was asked for.
        form.html = page(subject, body, PRINT_PT)
    if request.to.role != COMPLAINANT:
        return [], form
    kinds = {item.kind for item in request.reasonable_adjustments}
    if AdjustmentKind.PLAIN_TEXT in kinds:
        form.html = None
    done: list[dict[str, Any]] = []
    for adjustment in request.reasonable_adjustments:
        done.append(
            {"kind": adjustment.kind.value, "detail": adjustment.detail}
            | _one(adjustment, kinds, request, subject, body, folder, form, open_task)
        )
    return done, form


def _one(
    adjustment: Adjustment,
    kinds: set[AdjustmentKind],
    request: LetterRequest,
    subject: str,
    body: str,
    folder: Path,
    form: Form,
    open_task: Callable[[str, date], None],
) -> dict[str, Any]:
    kind, stem = adjustment.kind, folder / request.key
    plain_only = AdjustmentKind.PLAIN_TEXT in kinds
    if kind is AdjustmentKind.LARGE_PRINT:
        if plain_only:
            return {"honoured": False, "how": "plain text was asked for too: sent as plain text"}
        document = page(subject, body, LARGE_PT)
        form.html = document
        printed = pdf(document)
        form.attachments.append(Attachment("letter-large-print.pdf", printed))
        stem.with_suffix(".large-print.html").write_text(document)
        stem.with_suffix(".large-print.pdf").write_bytes(printed)
        return {
            "honoured": True,
            "how": f"large print: the e-mail at {LARGE_PT}pt, with the PDF at {LARGE_PT}pt",
        }
    if kind is AdjustmentKind.EASY_READ:
        words = easy_read(subject, body)
        stem.with_suffix(".easy-read.txt").write_text(words)
        if plain_only:
            return {"honoured": True, "how": "an easy-read version in the plain-text e-mail"}
        document = page(f"Easy read: {subject}", words.partition("\n\n")[2], EASY_READ_PT)
        if AdjustmentKind.LARGE_PRINT not in kinds:
            form.html = document
        form.attachments.append(Attachment("letter-easy-read.pdf", pdf(document)))
        return {"honoured": True, "how": "easy read: one short sentence a line, in the e-mail and as a PDF"}
    if kind is AdjustmentKind.POST:
        if not request.to.address:
            return {"honoured": False, "how": "no postal address on the case"}
        return {"honoured": True, "how": "a print-ready PDF in the post queue"}
    if kind is AdjustmentKind.PLAIN_TEXT:
        return {"honoured": True, "how": "plain text only"}
    if kind is AdjustmentKind.ADVOCATE_COPY:
        contact = adjustment.contact
        if contact is None or not contact.email:
            return {"honoured": False, "how": "no e-mail address for the advocate on the case"}
        return {"honoured": True, "how": f"copy to {contact.name or contact.email}, in the same form"}
    if kind in TASKS and request.tasks_on_case:
        return {"honoured": True, "how": "a task for the case owner, on the case"}
    if kind in TASKS:
        due = PACKAGE_CALENDAR.add_working_days(london_date(request.at), 1)
        open_task(f"{TASK_PREFIX}{TASKS[kind]}{': ' + adjustment.detail if adjustment.detail else ''}", due)
        return {"honoured": True, "how": f"task for the case owner, due {due.isoformat()}"}
    return {"honoured": False, "how": f"{kind.value.replace('_', ' ')} is not produced yet"}
