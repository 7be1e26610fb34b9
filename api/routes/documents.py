"""Evidence: uploaded to a case, stored by content, read back by those who may see a
case that refers to it (design.md, "Back-office HTTP API")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse

from api.deps import Caller, Config, Documents, Reviews, require_case
from api.evidence import RefusedType, TooLarge
from api.problems import COMMON, Problem, documented
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
) -> Evidence:  # fmt: skip
    """A document for the case; send its reference with grounds or a comment. The back
    office relaying a party's document says whose it is (`party`)."""
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
    # The case records and acknowledges it (issue 13); a kind that takes no documents
    # (positive feedback) keeps it in the store only.
    try:
        sent: dict[str, object] = {"documents": [document.model_dump()]}
        if party is not None:
            sent["party"] = party
        await reviews.send(workflow_id, "evidence_submitted", caller.actor, sent)
    except Refusal as refusal:
        if refusal.kind not in ("not_taken", "closed"):
            raise
    return document


@router.get("/evidence/{sha256}", response_class=FileResponse)
async def document(sha256: str, caller: Caller, store: Documents) -> FileResponse:
    path = store.path(sha256)
    if path is None or (caller.bound and caller.case not in store.cases_for(sha256)):
        raise Problem(404, f"no document {sha256} for this token")
    return FileResponse(path, media_type="application/octet-stream", filename=sha256)
