"""Evidence stored by content (SHA-256), never inside Temporal payloads: workflows carry
only `{sha256, name, size, media_type}` (design.md, "Back-office HTTP API").

An upload is streamed to a temporary file in the store's folder, hashed as it goes,
fsync'd and renamed into place, so a crash never leaves half a document under a hash; the
same bytes uploaded twice are stored once. The type is read from the bytes, not the
name; the name is kept only as text and never used as a path."""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
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


class Infected(RefusedType):
    """The virus scanner found something in it: refused like a type we do not take."""


class NotChecked(Exception):
    """The virus scanner could not say (it failed, or took too long): the document is not
    kept, and the sender is asked to try again (the store fails closed)."""


SCAN_SECONDS = 120


# Markup a browser would run: never stored as evidence, whatever its first bytes claim.
ACTIVE = re.compile(rb"<\s*(script|html|svg|iframe|object|embed|!doctype)\b", re.IGNORECASE)
# A Word document is a zip: refused past these, so a zip bomb never unpacks (issue 23).
UNPACKED_MAX = 200 * 1024 * 1024
MEMBERS_MAX = 5_000
RATIO_MAX = 100


def sniff(path: Path) -> str | None:
    """The document's type from its bytes, checked beyond the first few (issue 23: `%PDF-`
    then HTML was stored as a PDF, an SVG with script as text, a zip bomb as Word): a PDF
    must look like one to its end, an image must decode, a Word document must unpack within
    limits, and nothing holding active markup is accepted."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if ACTIVE.search(head):
        return None
    kind = _by_magic(path, head)
    if kind == PDF and not _pdf_whole(path):
        return None
    if kind in (PNG, JPEG, GIF, TIFF) and not _decodes(path):
        return None
    if kind == DOCX and not _unpacks_safely(path):
        return None
    return kind


def _by_magic(path: Path, head: bytes) -> str | None:
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
        if err.start < len(head) - 4:  # not just a character cut at the buffer's end
            return None
    return EMAIL if head.lstrip().lower().startswith(EMAIL_HEADERS) else TEXT


def _pdf_whole(path: Path) -> bool:
    """A PDF has objects and ends with %%EOF (give or take trailing whitespace)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 2048))
        tail = handle.read()
        handle.seek(0)
        body = handle.read(1024 * 1024)
    return b"%%EOF" in tail and b" obj" in body and not ACTIVE.search(tail)


def _decodes(path: Path) -> bool:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = 100_000_000  # a decompression bomb is refused, not decoded
    try:
        with Image.open(path) as image:
            image.verify()
        return True
    except Exception:  # Pillow's errors for a broken or hostile image are many
        return False


def _unpacks_safely(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        packed = max(1, sum(m.compress_size for m in members))
    return len(members) <= MEMBERS_MAX and unpacked <= UNPACKED_MAX and unpacked / packed <= RATIO_MAX


def clean_name(name: str | None) -> str:
    """A file name as text for people: its last part, printable, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w .,()+-]", "_", base).strip(" .")
    return (base or "document")[:200]


CASE_QUOTA = 500 * 1024 * 1024  # what one case may hold in all (issue 23: no quota)


class EvidenceStore:
    def __init__(
        self, root: Path, max_bytes: int, case_quota: int = CASE_QUOTA, scan: tuple[str, ...] = ()
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.case_quota = case_quota
        self.scan = scan  # a virus scanner's command, the file's path added (ClamAV's exit codes)

    async def _scanned(self, path: Path) -> None:
        """Checked by the virus scanner, if one is set (`REVIEWS_EVIDENCE_SCAN`): its exit
        code 0 is clean, 1 found something, anything else (or no answer) is not checked.
        ClamAV's `clamdscan --fdpass --no-summary` and `clamscan --no-summary` answer so."""
        if not self.scan:
            return
        try:
            process = await asyncio.create_subprocess_exec(
                *self.scan, str(path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            said, _ = await asyncio.wait_for(process.communicate(), SCAN_SECONDS)
        except (OSError, TimeoutError) as err:
            if "process" in locals():
                process.kill()
            raise NotChecked(f"the virus scanner did not answer: {err or 'it took too long'}") from None
        if process.returncode == 1:
            found = said.decode(errors="replace").rpartition(": ")[2].strip().removesuffix(" FOUND")
            raise Infected(f"the virus scanner found {found or 'a virus'} in it: it was not kept")
        if process.returncode != 0:
            raise NotChecked(f"the virus scanner could not check it (exit {process.returncode})")

    def _usage_file(self, case_id: str) -> Path:
        return self.root / "usage" / f"{hashlib.sha256(case_id.encode()).hexdigest()}.bytes"

    @contextmanager
    def _case_lock(self, case_id: str) -> Iterator[None]:
        """An exclusive lock on the case's usage, across threads and processes (flock)."""
        lock = self._usage_file(case_id).with_suffix(".lock")
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def used_by(self, case_id: str) -> int:
        """Bytes stored for a case so far."""
        usage = self._usage_file(case_id)
        return int(usage.read_text() or 0) if usage.exists() else 0

    def path(self, sha256: str) -> Path | None:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        path = self.root / sha256[:2] / sha256
        return path if path.exists() else None

    def cases_for(self, sha256: str) -> set[str]:
        refs = self.root / sha256[:2] / f"{sha256}.cases"
        return set(refs.read_text().split("\n")) - {""} if refs.exists() else set()

    def describe(self, sha256: str, case_id: str) -> Evidence | None:
        """The document as the store has it, if it was stored for this case: its size and
        type are the store's, never a message's (issue 23: a sha256 never uploaded, a size
        of 10^30 and text/html were recorded as "document received")."""
        path = self.path(sha256)
        if path is None or case_id not in self.cases_for(sha256):
            return None
        facts = path.with_name(f"{sha256}.json")
        if facts.exists():
            return Evidence.model_validate_json(facts.read_text())
        return Evidence(sha256=sha256, name="document", size=path.stat().st_size, media_type=sniff(path))

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
            await self._scanned(temp)
            sha = digest.hexdigest()
            with self._case_lock(case_id):  # two uploads to one case at once: one at a time here
                already = self.used_by(case_id)
                new_here = case_id not in self.cases_for(sha)
                if new_here and already + size > self.case_quota:
                    raise TooLarge(
                        f"this case already holds {already} bytes of documents; it may hold {self.case_quota} "
                        "in all: ask the case owner how to send the rest"
                    )
                final = self.root / sha[:2] / sha
                final.parent.mkdir(exist_ok=True)
                if final.exists():
                    temp.unlink()  # the same bytes are stored once
                else:
                    temp.replace(final)
                if new_here:
                    with (final.parent / f"{sha}.cases").open("a") as refs:
                        refs.write(case_id + "\n")
                    self._usage_file(case_id).write_text(str(already + size))
            document = Evidence(sha256=sha, name=clean_name(name), size=size, media_type=media_type)
            facts = final.parent / f"{sha}.json"
            if not facts.exists():
                facts.write_text(document.model_dump_json())
            return document
        finally:
            if temp.exists():
                temp.unlink()
