"""How a plain-text letter reads as a page (the HTML part of the e-mail, the staff letter
page, the front door's letter page): one reading of its layout for all three.

A paragraph is lines of prose (wrapped for plain-text mail: joined again), short lines
kept as they are (an address, a heading), and lists: a line "- item" (or "1. item", a
numbered list: a grounds request's three questions, para 30), with the more deeply
indented lines after it belonging to that item (an acknowledgement's documents under
what they came with). Before, the e-mail's HTML put those documents above the
list they belonged to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBERED = re.compile(r"\d{1,2}\.\s+(.+)")
WRAPPED = 50  # a line this long or more was wrapped: the next line goes on with it


@dataclass
class Block:
    """Lines of a paragraph (`items` empty), or a list whose items are each lines."""

    lines: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    numbered: bool = False


def _item(line: str) -> tuple[bool, str] | None:
    """A list item's words, and whether its list is numbered."""
    if line.startswith(("- ", "• ")):
        return False, line[2:].strip()
    found = NUMBERED.fullmatch(line)
    return (True, found[1].strip()) if found else None


def blocks(paragraph: str) -> list[Block]:
    found: list[Block] = []
    bullet_at: int | None = None  # the indentation of the list's bullets, inside a list
    joining = False
    for raw in paragraph.splitlines():
        line = raw.strip()
        if not line:
            continue
        indent = len(raw) - len(raw.lstrip())
        item = _item(line)
        if item is not None and item[0] and joining and bullet_at is None:
            item = None  # a wrapped sentence's next line can begin "30. …": it goes on with it
        if item is not None:
            numbered, words = item
            if bullet_at is None or found[-1].numbered != numbered:
                found.append(Block(numbered=numbered))
            bullet_at = indent
            found[-1].items.append([words])
            joining = len(line) >= WRAPPED
            continue
        if bullet_at is not None and indent > bullet_at:  # belongs to the item above
            _add(found[-1].items[-1], line, joining)
        else:
            if bullet_at is not None or not found:
                found.append(Block())
                joining = False
            bullet_at = None
            _add(found[-1].lines, line, joining)
        joining = len(line) >= WRAPPED
    return found


def _add(lines: list[str], line: str, joining: bool) -> None:
    if joining and lines:
        lines[-1] += " " + line
    else:
        lines.append(line)


def letter_blocks(text: str) -> list[Block]:
    """The whole letter: its paragraphs (blank-line apart), each as blocks."""
    return [block for paragraph in text.split("\n\n") if paragraph.strip() for block in blocks(paragraph)]
