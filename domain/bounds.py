"""The bounds of what a caller may send (design.md, "Rules of the house"): enforced in the
contract's models, so the client library, the CLI and the HTTP API refuse alike, at the
edge, with the field named — and a case never holds what it cannot keep.

- free text at most 20,000 characters; names and addresses 500; at most 50 documents and
  20 reasonable adjustments in one message;
- case references `[A-Za-z0-9-]{1,40}`;
- one e-mail address per contact, checked by email-validator (no display names, no
  second recipient, no CR/LF);
- no control characters but newline and tab (a CR/LF pair is read as a newline);
- dates from 2000-01-01 to 2099-12-31 here; the HTTP API also refuses a decision date or a
  `received_on` in the future and any date more than a year ahead (it knows today; a
  model read inside a workflow must not ask the wall clock).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# Imported here, not when first used: a model may be read inside the workflow sandbox,
# which must not import anything new there.
from email_validator import EmailNotValidError, validate_email

validate_email("warm@example.org", check_deliverability=False)  # loads what it loads lazily (idna)

TEXT_MAX = 20_000
NAME_MAX = 500
EMAIL_MAX = 254  # RFC 5321's path limit, less the angle brackets
PHONE_MAX = 40
EXTRA_MAX = 2_000  # what an older or newer sender may add beyond a signal's fields
AMOUNT_MAX_GBP = 10_000_000
DOCUMENTS_MAX = 50  # documents named in one message
CASE_DOCUMENTS_MAX = 500  # documents one case holds: its state travels in every continue-as-new
SHOWN_DETAIL = 2_000  # of an audit entry's words, what `status` shows (the store has them all)
ADJUSTMENTS_MAX = 20
EVIDENCE_MAX_BYTES = 1024**3  # no document the store takes is larger (the API's own limit is lower)
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
REF_PATTERN = r"^[A-Za-z0-9-]{1,40}$"

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators; not \t or \n.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(value: Any) -> Any:
    """A string with Windows line ends read as newlines; refused if it holds any other
    control character (a NUL breaks PostgreSQL, a CR/LF a mail header, an escape a
    terminal)."""
    if type(value) is not str:  # an enum's value, a date: already what it must be
        return value
    value = value.replace("\r\n", "\n")
    found = CONTROL.search(value)
    if found:
        raise ValueError(
            f"must not contain control characters (found U+{ord(found.group()):04X}); only newlines and tabs"
        )
    return value


def one_line(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        raise ValueError("must be one line")
    return value


def one_email(value: Any) -> Any:
    """Exactly one e-mail address, as email-validator reads it (its syntax, not whether
    the domain takes mail: nothing here may wait on the network)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("an e-mail address is text")
    if len(value) > EMAIL_MAX:
        raise ValueError(f"an e-mail address is at most {EMAIL_MAX} characters")
    if any(c in value for c in ",;<>\n\r\t") or value.count("@") != 1:
        raise ValueError("give exactly one e-mail address, such as sam@example.org")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as err:
        raise ValueError(f"not a valid e-mail address: {err}") from None


def in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value.isoformat()} is out of range: dates run from {EARLIEST} to {LATEST}")
    return value
