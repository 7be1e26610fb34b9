"""Nobody's body is read before they are known, and no body is read past its limit
(design.md, "Rules of the house": a JSON body over 1 MB → 413 before it is read; issue
23). A pure ASGI middleware, so it acts before FastAPI parses anything:

- on the API's own routes, the bearer token is checked first: no token, or a bad one, is
  answered 401 without reading a byte of the body;
- a declared Content-Length over the route's limit is answered 413 at once; a chunked body
  is counted as it streams and cut off with 413 the moment it passes the limit (JSON: 1 MB;
  an upload: the evidence limit and room for the multipart envelope).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException

from api.auth import BadToken, Verifier

JSON_MAX = 1024 * 1024
ENVELOPE = 64 * 1024
PROBLEM = "application/problem+json"
# Routes that take a bearer token (the pages and the sign-in use the session instead).
TOKEN_ROUTES = ("/cases", "/evidence", "/tasks", "/letters")


class BodyTooLarge(HTTPException):
    """Raised while the body streams in: an HTTPException, so FastAPI's body parsing passes
    it on as it is (anything else it would turn into a 400) and the app answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than this route takes ({limit} bytes)")


class Limits:
    def __init__(self, app: Any, verifier: Verifier, evidence_max_bytes: int) -> None:
        self.app = app
        self.verifier = verifier
        self.upload_max = evidence_max_bytes + ENVELOPE

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        if path.startswith(TOKEN_ROUTES):
            try:
                self.verifier.verify(headers.get("authorization"))
            except BadToken as err:
                await _problem(send, 401, str(err), path)
                return
        limit = self.upload_max if headers.get("content-type", "").startswith("multipart/") else JSON_MAX
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _problem(send, 413, f"the body is larger than this route takes ({limit} bytes)", path)
            return
        seen = 0
        started = False

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _problem(send, 413, f"the body is larger than this route takes ({limit} bytes)", path)


async def _problem(send: Any, status: int, detail: str, path: str) -> None:
    titles = {401: "Not signed in", 413: "Too large"}
    body = json.dumps(
        {"type": "about:blank", "title": titles[status], "status": status, "detail": detail, "instance": path}
    ).encode()
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
