"""Every document is checked for viruses before it is kept (issue 27: "the virus/type
checks of the API"), by a real scanner: Debian's ClamAV `clamscan`, with a signature
database made here for the EICAR test file (the machines cannot download ClamAV's own).
A document the scanner flags is refused (415) and not kept; a scanner that cannot say
refuses it for now (503: the store fails closed); the front door says so in words."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.evidence import EvidenceStore, Infected, NotChecked
from starter.client import ReviewsClient
from tests.conftest import decision_case, today
from tests.live import LiveApi
from tests.test_api import BACK_OFFICE, api_on, open_case

# The EICAR test file: harmless, and every scanner's agreed way to say "this is a virus".
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
WHOSE = {"party": "service_user"}  # the back office says whose a document is


def clamscan() -> str:
    found = shutil.which("clamscan")
    assert found, "the virus scan tests need Debian's clamav: apt-get install clamav (make test does)"
    return found


@pytest.fixture
def signatures(tmp_path: Path) -> Path:
    """A ClamAV hash database (MD5:size:name) that knows the EICAR file."""
    db = tmp_path / "eicar.hdb"
    db.write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")  # noqa: S324
    return db


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def test_the_scanner_keeps_a_clean_document_and_refuses_a_virus(
    tmp_path: Path, signatures: Path
) -> None:
    store = EvidenceStore(
        tmp_path / "evidence", 1024 * 1024, scan=(clamscan(), "--no-summary", "-d", str(signatures))
    )
    clean = await store.save(chunks(b"My GP's letter of 3 March.\n"), "gp.txt", "case-1")
    assert store.describe(str(clean.sha256), "case-1") is not None
    with pytest.raises(Infected, match="Eicar-Test-Signature"):
        await store.save(chunks(EICAR), "statement.txt", "case-1")
    kept = [p.name for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert hashlib.sha256(EICAR).hexdigest() not in kept
    assert not [name for name in kept if name.startswith(".upload-")], kept  # nothing left half-kept


async def test_a_scanner_that_cannot_say_keeps_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "no-signatures"
    empty.mkdir()
    broken = EvidenceStore(
        tmp_path / "evidence", 1024 * 1024, scan=(clamscan(), "--no-summary", "-d", str(empty))
    )
    with pytest.raises(NotChecked, match="could not check it"):
        await broken.save(chunks(b"a letter\n"), "letter.txt", "case-1")
    missing = EvidenceStore(tmp_path / "evidence", 1024 * 1024, scan=(str(tmp_path / "no-such-scanner"),))
    with pytest.raises(NotChecked, match="did not answer"):
        await missing.save(chunks(b"a letter\n"), "letter.txt", "case-1")
    assert not [p for p in (tmp_path / "evidence").rglob("*") if p.is_file() and not p.name.endswith(".lock")]


async def test_the_api_refuses_a_virus_and_asks_again_when_it_cannot_check(
    env: WorkflowEnvironment, tmp_path: Path, signatures: Path
) -> None:
    scanner = (clamscan(), "--no-summary", "-d", str(signatures))
    async with api_on(env, tmp_path, evidence_scan=scanner) as api:
        wid = await open_case(api, env)
        url = f"/cases/{wid}/evidence"
        infected = await api.http.post(
            url, files={"file": ("statement.txt", EICAR)}, data=WHOSE, headers=BACK_OFFICE
        )
        assert infected.status_code == 415 and "Eicar-Test-Signature" in infected.json()["detail"]
        fine = await api.http.post(
            url, files={"file": ("note.txt", b"a note\n")}, data=WHOSE, headers=BACK_OFFICE
        )
        assert fine.status_code == 201
    (tmp_path / "broken").mkdir()
    (tmp_path / "second").mkdir()
    unsure = (clamscan(), "--no-summary", "-d", str(tmp_path / "broken"))
    async with api_on(env, tmp_path / "second", evidence_scan=unsure) as api:
        wid = await open_case(api, env)
        later = await api.http.post(
            f"/cases/{wid}/evidence",
            files={"file": ("note.txt", b"a note\n")},
            data=WHOSE,
            headers=BACK_OFFICE,
        )
        assert later.status_code == 503 and "could not check it" in later.json()["detail"]
        assert later.headers["retry-after"]


async def test_the_front_door_says_in_words_that_a_file_had_a_virus(
    server: WorkflowEnvironment, tmp_path: Path, signatures: Path
) -> None:
    (tmp_path / "live").mkdir()
    scanner = (clamscan(), "--no-summary", "-d", str(signatures))
    live = LiveApi(server.client.service_client.config.target_host, tmp_path / "live", evidence_scan=scanner)
    live.start()
    try:
        reviews = ReviewsClient(server.client, live.settings.task_queue)
        case = decision_case("C-SCAN-1", decided_on=await today(server))
        case["complainant"] = {"name": "Sam Patel", "email": "sam-scan@example.org"}
        wid = await reviews.open("decision_complaint", case)
        await reviews.send(
            wid, "case_owner_resolution", {"id": "cw-alice", "role": "caseworker"}, {"resolved": False}
        )
        letters: list[Path] = []
        for _ in range(100):
            letters = sorted((tmp_path / "live").rglob("*grounds_request.eml"))
            if letters:
                break
            await asyncio.sleep(0.1)
        link = re.search(rb"(/me/sign-in/[A-Za-z0-9_-]+)", letters[0].read_bytes())
        assert link, "no sign-in link in the letter"
        with httpx.Client(base_url=live.url) as browser:
            assert browser.get(link[1].decode()).status_code == 303
            form = browser.get("/me/send/evidence_submitted").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', form)
            assert csrf
            sent = browser.post("/me/send/evidence_submitted", data={"csrf": csrf[1]},
                                files={"documents": ("statement.txt", EICAR)})  # fmt: skip
            assert sent.status_code == 422 and "govuk-error-summary" in sent.text
            assert "statement.txt was not uploaded: our virus check found a problem with it" in sent.text
            assert "Eicar" not in sent.text  # the scanner's words are for staff, not the complainant
        assert not [d for d in (await reviews.status(wid)).documents if d.name == "statement.txt"]
    finally:
        live.close()
