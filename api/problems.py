"""Errors as RFC 9457 problem details (`application/problem+json`), one shape for all:
400 malformed body, 422 field errors, 401 no or bad token, 403 not allowed, 404 unknown
case (or one the token is not bound to), 409 wrong stage, closed case or a message this
kind does not take (with `allowed`), 413/415 evidence, 503 Temporal or the store down."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from api.auth import BadToken
from starter.client import Refusal

PROBLEM = "application/problem+json"

STATUS_OF_REFUSAL = {
    "invalid": 422,
    "not_allowed": 403,
    "not_now": 409,
    "closed": 409,
    "not_taken": 409,
    "exists": 409,
    "not_found": 404,
    "unavailable": 503,
}
TITLES = {
    400: "Malformed request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the case's state",
    413: "Too large",
    415: "Unsupported media type",
    502: "Temporal refused the request",
    422: "Not accepted",
    503: "Unavailable",
}


class Problem(Exception):
    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def problem(status: int, detail: str, request: Request | None = None, **extra: Any) -> JSONResponse:
    body = {
        "type": f"https://reviews.example/problems/{status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **({"instance": str(request.url.path)} if request is not None else {}),
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 503:
        headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def refusal_problem(refusal: Refusal, request: Request | None = None) -> JSONResponse:
    status = STATUS_OF_REFUSAL.get(refusal.kind, 422)
    extra: dict[str, Any] = {"refusal": refusal.kind}
    if refusal.allowed:
        extra["allowed"] = refusal.allowed
    return problem(status, str(refusal), request, **extra)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem(exc.status, exc.detail, request, **exc.extra)

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
        return refusal_problem(exc, request)

    @app.exception_handler(BadToken)
    async def _bad_token(request: Request, exc: BadToken) -> JSONResponse:
        return problem(401, str(exc), request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "the body is not valid JSON", request)
        fields = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg", "")}
            for e in errors
        ]
        return problem(
            422, "; ".join(f"{f['field']}: {f['message']}" for f in fields), request, errors=fields
        )

    @app.exception_handler(RPCError)
    async def _temporal(request: Request, exc: RPCError) -> JSONResponse:
        down = exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED)
        return problem(503 if down else 502, f"Temporal answered: {exc.message}", request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), request)
