"""Errors as RFC 9457 problem details (`application/problem+json`), one shape for all:
400 malformed body, 422 field errors, 401 no or bad token, 403 not allowed, 404 unknown
case (or one the token is not bound to), 409 wrong stage, closed case or a message this
kind does not take (with `allowed`), 413/415 evidence, 503 Temporal or the store down."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
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
    405: "Method not allowed",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many requests",
    502: "Temporal refused the request",
    422: "Not accepted",
    503: "Unavailable",
}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error is answered."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    refusal: str | None = None
    allowed: list[str] | None = None
    errors: list[dict[str, str]] | None = None


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problems a route may answer."""
    return {
        status: {"model": ProblemDetails, "description": TITLES[status], "content": {PROBLEM: {}}}
        for status in statuses
    }


# Every route may answer these: a bad token, a malformed body, Temporal or the store down.
# Every route may answer these; 413 and 429 come from api/limits before a route runs.
COMMON = (400, 401, 413, 422, 429, 502, 503)


class Problem(Exception):
    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def problem(
    status: int,
    detail: str,
    request: Request | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"https://reviews.example/problems/{status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **({"instance": str(request.url.path)} if request is not None else {}),
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 503:
        headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def refusal_problem(refusal: Refusal, request: Request | None = None) -> JSONResponse:
    status = STATUS_OF_REFUSAL.get(refusal.kind, 422)
    extra: dict[str, Any] = {"refusal": refusal.kind}
    if refusal.allowed:
        extra["allowed"] = refusal.allowed
    return problem(status, str(refusal), request, **extra)


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods the OpenAPI lists for this path (what a 405's `Allow` must say)."""
    from api.routes import CaseIdConvertor

    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = re.sub(
            r"\{workflow_id\}",
            f"(?:{CaseIdConvertor.regex})",
            re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
        )
        pattern = re.sub(r"\{[a-z_0-9]+\}", "[^/]+", pattern)
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods) or ["GET"]


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
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path takes, not only the first route's
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        return problem(exc.status_code, str(exc.detail), request, headers=headers)


def no_duplicate_keys(raw: bytes) -> None:
    """400 for a JSON object that names a key twice: which one counts is not the caller's
    to leave to the parser (issue 23: the last silently won)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise Problem(400, f"the body names {', '.join(twice)} more than once")
        return dict(items)

    if raw.strip():
        try:
            json.loads(raw, object_pairs_hook=pairs)
        except ValueError:
            return  # not JSON at all: the route's own parsing says so


def require_unicode(value: Any, where: str = "body") -> None:
    """Text must be real Unicode: a lone surrogate (which JSON escapes can carry) could
    never be written to a letter or the store, so it is refused at the edge (400)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Problem(400, f"{where}: text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            require_unicode(key, where)
            require_unicode(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            require_unicode(item, f"{where}[{n}]")
