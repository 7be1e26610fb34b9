"""Reasonable adjustments honoured, not just listed (para 31; issue 13). For every letter
to the complainant, each adjustment changes what is produced, and the letter's record says
how each was honoured (or that it was not), so a report can count the letters where one
was missed (target: none).

- large print: an HTML letter and a PDF at 18pt (WeasyPrint);
- post: a printable PDF marked for posting, with the address;
- easy read: the letter again, one short sentence a line;
- plain text: the text letter only (what is sent anyway);
- advocate copy: a copy of the letter to the advocate's contact;
- phone call, interpreter, other: a task for the case owner (the letter is the script).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from activities.models import LetterRequest
from domain.calendar import PACKAGE_CALENDAR, london_date
from domain.models import Adjustment, AdjustmentKind

# Only letters to the complainant honour the complainant's adjustments: the organisation's
# letters carry none of them and are never copied to the advocate (design.md).
COMPLAINANT = "service_user"
LARGE_PT = 18
# Tasks an adjustment opens are named with this prefix: they stay open until done, apart
# from the step the case is waiting on (which the workflow's sync opens and closes).
TASK_PREFIX = "adjustment: "
TASKS = {
    AdjustmentKind.PHONE_CALL: "phone the complainant and read them the letter",
    AdjustmentKind.INTERPRETER: "arrange an interpreter for the complainant",
    AdjustmentKind.OTHER: "make the reasonable adjustment agreed for this letter",
}


def page(subject: str, body: str, points: int, note: str = "") -> str:
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n") if p.strip()
    )
    banner = f"<p class='note'>{html.escape(note)}</p>" if note else ""
    return (
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(subject)}</title><style>"
        f"body {{ font-family: 'DejaVu Sans', Arial, sans-serif; font-size: {points}pt; line-height: 1.5; margin: 2cm; }}"
        f" .note {{ font-weight: bold; border: 2px solid black; padding: .3em; }}</style></head>"
        f"<body>{banner}<h1 style='font-size: {points + 4}pt'>{html.escape(subject)}</h1>{paragraphs}</body></html>"
    )


def easy_read(subject: str, body: str) -> str:
    """The letter one sentence a line, with space between: one idea at a time."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if s.strip()]
    return f"Easy read: {subject}\n\n" + "\n\n".join(f"- {s}" for s in sentences) + "\n"


def pdf(document: str, path: Path) -> None:
    from weasyprint import HTML  # loaded only when a letter needs a PDF

    HTML(string=document).write_pdf(str(path))


def honour(
    request: LetterRequest, subject: str, body: str, folder: Path, send_copy: Any, open_task: Any
) -> list[dict[str, Any]]:
    """Produce what each adjustment asks for this letter; how each was honoured."""
    if request.to.role != COMPLAINANT:
        return []
    done: list[dict[str, Any]] = []
    for adjustment in request.reasonable_adjustments:
        done.append(
            {"kind": adjustment.kind.value, "detail": adjustment.detail}
            | _one(adjustment, request, subject, body, folder, send_copy, open_task)
        )
    return done


def _one(
    adjustment: Adjustment,
    request: LetterRequest,
    subject: str,
    body: str,
    folder: Path,
    send_copy: Any,
    open_task: Any,
) -> dict[str, Any]:
    kind, stem = adjustment.kind, folder / request.key
    if kind is AdjustmentKind.LARGE_PRINT:
        document = page(subject, body, LARGE_PT)
        stem.with_suffix(".large-print.html").write_text(document)
        pdf(document, stem.with_suffix(".large-print.pdf"))
        return {"honoured": True, "how": f"large print HTML and PDF at {LARGE_PT}pt"}
    if kind is AdjustmentKind.POST:
        address = request.to.address or ""
        note = "FOR POSTING" + (f" to: {address}" if address else " (no address on the case: check it)")
        pdf(page(subject, body, 12, note), stem.with_suffix(".post.pdf"))
        return {
            "honoured": bool(address),
            "how": "printable PDF marked for post" + ("" if address else ", but no address"),
        }
    if kind is AdjustmentKind.EASY_READ:
        stem.with_suffix(".easy-read.txt").write_text(easy_read(subject, body))
        return {"honoured": True, "how": "an easy-read version: one short sentence a line"}
    if kind is AdjustmentKind.PLAIN_TEXT:
        return {"honoured": True, "how": "plain text only"}
    if kind is AdjustmentKind.ADVOCATE_COPY:
        contact = adjustment.contact
        if contact is None or not (contact.email or contact.address):
            return {"honoured": False, "how": "no contact for the advocate on the case"}
        send_copy(contact)
        return {"honoured": True, "how": f"copy to {contact.name or contact.email or contact.address}"}
    if kind in TASKS and request.tasks_on_case:
        return {"honoured": True, "how": "a task for the case owner, on the case"}
    if kind in TASKS:
        due = PACKAGE_CALENDAR.add_working_days(london_date(request.at), 1)
        open_task(f"{TASK_PREFIX}{TASKS[kind]}{': ' + adjustment.detail if adjustment.detail else ''}", due)
        return {"honoured": True, "how": f"task for the case owner, due {due.isoformat()}"}
    return {"honoured": False, "how": f"{kind.value.replace('_', ' ')} is not produced yet"}
