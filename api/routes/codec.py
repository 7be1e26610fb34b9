"""The codec server for the Temporal Web UI (Temporal's remote codec format): an operator
holding a staff token sees decoded payloads; anyone without the codec sees ciphertext."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.deps import require_staff
from api.problems import COMMON, Problem, documented
from api.visibility import sees_every_case

router = APIRouter(prefix="/codec", tags=["codec"], responses=documented(*COMMON, 403))


async def _payloads(request: Request) -> Payloads:
    if not request.app.state.codec_open:
        # A payload names no case, so only those who see every case may decode one
        # (api/visibility): a team's caseworker reads their cases through the API.
        caller = request.app.state.verifier.verify(request.headers.get("authorization"))
        require_staff(caller, "use the codec")
        if not sees_every_case(caller):
            raise Problem(
                403, f"a {caller.actor.role.value} may not use the codec: it decodes any case's data"
            )
    try:
        body: Any = await request.json()
        return json_format.ParseDict(body, Payloads())
    except (ValueError, json_format.ParseError) as err:
        raise Problem(400, f"the body is not Temporal's payloads JSON: {err}") from None


def _answer(payloads: list[Any]) -> JSONResponse:
    return JSONResponse(json_format.MessageToDict(Payloads(payloads=payloads)))


@router.post("/encode")
async def encode(request: Request) -> JSONResponse:
    payloads = await _payloads(request)
    codec = request.app.state.codec
    return _answer(list(await codec.encode(payloads.payloads)) if codec else list(payloads.payloads))


@router.post("/decode")
async def decode(request: Request) -> JSONResponse:
    payloads = await _payloads(request)
    codec = request.app.state.codec
    try:
        return _answer(list(await codec.decode(payloads.payloads)) if codec else list(payloads.payloads))
    except Exception:  # a tampered or foreign ciphertext: the caller's data, never a 500 (issue 23)
        raise Problem(
            422,
            "a payload could not be decoded: it was not encrypted with a key this server holds, "
            "or it names a payload this server's case store does not hold",
        ) from None
