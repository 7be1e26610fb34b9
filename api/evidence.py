"""Evidence stored by content (SHA-256), never inside Temporal payloads: workflows carry
only `{sha256, name, size, media_type}` (design.md, "Back-office HTTP API").

An upload is streamed to a temporary file in the store's folder, hashed as it goes,
fsync'd and renamed into place, so a crash never leaves half a document under a hash; the
same bytes uploaded twice are stored once. The type is read from the bytes, not the
name; the name is kept only as text and never used as a path."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

from domain.models import Evidence

PDF, PNG, JPEG, GIF, TIFF = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff"
TEXT, EMAIL = "text/plain", "message/rfc822"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = (PDF, PNG, JPEG, GIF, TIFF, TEXT, EMAIL, DOC, DOCX)
EMAIL_HEADERS = (b"from:", b"received:", b"return-path:", b"mime-version:", b"date:", b"subject:", b"to:")


class TooLarge(Exception):
    pass


class RefusedType(Exception):
    pass


def sniff(path: Path) -> str | None:
    """The document's type from its first bytes (and, for Word, its zip contents)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return DOCX if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 4:  # not just a character cut at the 4096th byte
            return None
    return EMAIL if head.lstrip().lower().startswith(EMAIL_HEADERS) else TEXT


def clean_name(name: str | None) -> str:
    """A file name as text for people: its last part, printable, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w .,()+-]", "_", base).strip(" .")
    return (base or "document")[:200]


class EvidenceStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path | None:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        path = self.root / sha256[:2] / sha256
        return path if path.exists() else None

    def cases_for(self, sha256: str) -> set[str]:
        refs = self.root / sha256[:2] / f"{sha256}.cases"
        return set(refs.read_text().split("\n")) - {""} if refs.exists() else set()

    async def save(self, chunks: AsyncIterator[bytes], name: str | None, case_id: str) -> Evidence:
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge(f"evidence larger than {self.max_bytes} bytes is refused")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            media_type = sniff(temp)
            if media_type is None:
                raise RefusedType(
                    "only PDF, images (PNG, JPEG, GIF, TIFF), plain text, Word documents and e-mails are accepted"
                )
            sha = digest.hexdigest()
            final = self.root / sha[:2] / sha
            final.parent.mkdir(exist_ok=True)
            if final.exists():
                temp.unlink()  # the same bytes are stored once
            else:
                temp.replace(final)
            with (final.parent / f"{sha}.cases").open("a") as refs:
                refs.write(case_id + "\n")
            return Evidence(sha256=sha, name=clean_name(name), size=size, media_type=media_type)
        finally:
            if temp.exists():
                temp.unlink()
