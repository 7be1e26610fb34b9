"""Evidence: uploaded to a case, stored by content, read back by those who may see a
case that refers to it (design.md, "Back-office HTTP API")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse

from api.deps import Caller, Config, Directory, Documents, Reviews, Store, require_case
from api.evidence import NotChecked, RefusedType, TooLarge
from api.problems import COMMON, Problem, documented
from api.visibility import facts_in_store, may_see
from domain.models import Evidence
from starter.client import Refusal

router = APIRouter(tags=["evidence"], responses=documented(*COMMON, 403, 404, 413, 415))
CHUNK = 1024 * 1024


async def chunks_of(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk


@router.post("/cases/{workflow_id:case}/evidence", status_code=201, response_model=Evidence)
async def upload(
    workflow_id: str, request: Request, file: UploadFile, caller: Caller, reviews: Reviews, store: Documents,
    config: Config, party: Literal["service_user", "organisation"] | None = Form(default=None),
    taken: Literal["phone", "post", "in_person"] | None = Form(default=None),
) -> Evidence:  # fmt: skip
    """A document for the case; send its reference with grounds or a comment. The back
    office relaying a party's document says whose it is (`party`); the case owner entering
    one for the complainant says how it came (`taken`: post or in person, 31)."""
    require_case(caller, workflow_id)
    declared = int(request.headers.get("content-length") or 0)
    if declared > config.evidence_max_bytes + 64 * 1024:  # room for the multipart envelope
        raise Problem(413, f"evidence larger than {config.evidence_max_bytes} bytes is refused")
    await reviews.status(workflow_id)  # the case exists (404 otherwise)
    try:
        document = await store.save(chunks_of(file), file.filename, workflow_id)
    except TooLarge as err:
        raise Problem(413, str(err)) from None
    except RefusedType as err:
        raise Problem(415, str(err)) from None
    except NotChecked as err:
        raise Problem(503, f"{err}: send it again in a few minutes") from None
    # The case records and acknowledges it (issue 13); a kind that takes no documents
    # (positive feedback) keeps it in the store only.
    try:
        sent: dict[str, object] = {"documents": [document.model_dump()]}
        if party is not None:
            sent["party"] = party
        if taken is not None:
            sent["taken"] = taken
        await reviews.send(workflow_id, "evidence_submitted", caller.actor, sent)
    except Refusal as refusal:
        if refusal.kind not in ("not_taken", "closed"):
            raise
    return document


@router.get("/evidence/{sha256}", response_class=FileResponse)
async def document(
    sha256: str, caller: Caller, store: Documents, reviews: Reviews, engine: Store, directory: Directory
) -> FileResponse:
    """The document, for those who may see a case holding it (api/visibility): staff by
    the visibility rule; a party only for a document its own case records as its own."""
    path = store.path(sha256)
    cases = store.cases_for(sha256) if path is not None else set()
    if caller.bound:
        allowed = caller.case in cases and await _partys_own(reviews, caller, sha256)
    else:
        allowed = any(may_see(caller, f, directory) for f in facts_in_store(engine, cases))
    if path is None or not allowed:
        raise Problem(404, f"no document {sha256} for this token")
    return FileResponse(path, media_type="application/octet-stream", filename=sha256)


async def _partys_own(reviews: Reviews, caller: Caller, sha256: str) -> bool:
    try:
        status = await reviews.status(caller.case or "")
    except Refusal:
        return False
    party = caller.actor.role.value
    return any(d.sha256 == sha256 and d.party == party for d in status.documents)
