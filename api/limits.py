"""Nobody's body is read before they are known, and no body is read past its limit
(design.md, "Rules of the house": a JSON body over 1 MB → 413 before it is read; issue
23). A pure ASGI middleware, so it acts before FastAPI parses anything:

- on the API's own routes, the bearer token is checked first: no token, or a bad one, is
  answered 401 without reading a byte of the body;
- a declared Content-Length over the route's limit is answered 413 at once; a chunked body
  is counted as it streams and cut off with 413 the moment it passes the limit (JSON: 1 MB;
  an upload: the evidence limit and room for the multipart envelope);
- volume: each caller may send at most `MESSAGES_PER_MINUTE` messages and
  `UPLOADS_PER_HOUR` documents to one case (429 with Retry-After: issue 23, 30 uploads sent
  38 acknowledgements), and an address that keeps presenting bad tokens is slowed to a
  stop (429) for a while.

The counters are kept in the store (`store/rates.py`), so behind several API processes a
flood meets one limit, not one per process (docs/security.md).
"""

from __future__ import annotations

import json
import math
from typing import Any

from anyio import to_thread
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException

from api.auth import BadToken, Verifier
from store.rates import SharedWindow

JSON_MAX = 1024 * 1024
ENVELOPE = 64 * 1024
PROBLEM = "application/problem+json"
# Routes that take a bearer token (the pages and the sign-in use the session instead).
TOKEN_ROUTES = ("/cases", "/evidence", "/tasks", "/letters")
MESSAGES_PER_MINUTE = 30
UPLOADS_PER_HOUR = 60
BAD_TOKENS_PER_MINUTE = 20


class BodyTooLarge(HTTPException):
    """Raised while the body streams in: an HTTPException, so FastAPI's body parsing passes
    it on as it is (anything else it would turn into a 400) and the app answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than this route takes ({limit} bytes)")


class Limits:
    def __init__(self, app: Any, verifier: Verifier, evidence_max_bytes: int, engine: Engine) -> None:
        self.app = app
        self.verifier = verifier
        self.upload_max = evidence_max_bytes + ENVELOPE
        self.messages = SharedWindow(engine, "messages", MESSAGES_PER_MINUTE, 60)
        self.uploads = SharedWindow(engine, "uploads", UPLOADS_PER_HOUR, 3600)
        self.bad_tokens = SharedWindow(engine, "bad_tokens", BAD_TOKENS_PER_MINUTE, 60)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        if path.startswith(TOKEN_ROUTES):
            client = (scope.get("client") or ("?", 0))[0]
            if wait := await to_thread.run_sync(self.bad_tokens.full, client):
                await _problem(
                    send, 429, "too many bad tokens from this address: wait, then try again", path, wait
                )
                return
            try:
                who = self.verifier.verify(headers.get("authorization"))
            except BadToken as err:
                await to_thread.run_sync(self.bad_tokens.note, client)
                await _problem(send, 401, str(err), path)
                return
            if "/messages/" in path or path.endswith("/evidence"):  # what a case is sent
                window = self.uploads if path.endswith("/evidence") else self.messages
                key = f"{who.actor.id}|{who.actor.role.value}|{path.split('/messages/')[0]}"
                if wait := await to_thread.run_sync(window.take, key):
                    detail = "too many messages to this case at once: wait, then send again"
                    await _problem(send, 429, detail, path, wait)
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


TOO_MUCH_PAGE = """<!DOCTYPE html>
<html lang="en-GB" class="govuk-template"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error: the files are too large</title>
<link rel="stylesheet" href="/ui/govuk/govuk-frontend.min.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
<li><a href="javascript:history.back()">The files you chose are too large together. Go back and choose fewer or smaller files.</a></li>
</ul></div></div></div>
<p class="govuk-body"><a class="govuk-link" href="/me/case">Back to your case</a></p>
</main></div></body></html>"""


async def _problem(send: Any, status: int, detail: str, path: str, retry_after: float | None = None) -> None:
    if status == 413 and path.startswith("/me/"):
        # The front door's people get a page, not a problem document (issue 27).
        page = TOO_MUCH_PAGE.replace('href="javascript:history.back()"', f'href="{path}"').encode()
        html = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(page)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": html})
        await send({"type": "http.response.body", "body": page})
        return
    titles = {401: "Not authenticated", 413: "Too large", 429: "Too many requests"}  # as api/problems
    body = json.dumps(
        {"type": "about:blank", "title": titles[status], "status": status, "detail": detail, "instance": path}
    ).encode()
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
