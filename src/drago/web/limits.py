"""Body limits per route, enforced while the body streams in: a body announced larger than its
route's limit is refused before a byte is read, and one sent without a length (chunked) is
cut off as soon as it passes the limit; either way the answer is 413 and nothing more is read.

References
----------
OWASP Denial of Service Cheat Sheet (limit request sizes per endpoint, before processing);
RFC 9110 §15.5.14 (413 Content Too Large).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

KIB, MIB = 1024, 1024 * 1024
#: Largest upload accepted, body included (docs/web.md).
MAX_UPLOAD_BYTES = 64 * MIB
#: One upload's recordings, archives expanded: at most this many files and bytes, else it is
#: refused before anything is decoded, so one request's CPU and disk stay bounded (OWASP
#: Denial of Service Cheat Sheet; the figures are drago's convention: a year of daily sessions
#: is 365 files, a year of FIT files tens to hundreds of MiB; whole-account exports go through
#: `drago import`, which keeps only the limits per archive).
MAX_UPLOAD_FILES = 1_000
MAX_UPLOAD_EXPANDED_BYTES = 1024 * MIB
#: Bodies of logins (a login and a password) and of everything not listed below.
LOGIN_BYTES, DEFAULT_BYTES = 8 * KIB, 256 * KIB
#: The upload route (its limit is MAX_UPLOAD_BYTES) and the logins.
UPLOADS = re.compile(r"/api/athletes/[^/]+/imports")
LOGINS = re.compile(r"/(api/)?login")


def body_limit(method: str, path: str) -> tuple[int, str]:
    """The largest body a request to `path` may send, and the sentence of a 413."""
    if method == "POST" and UPLOADS.fullmatch(path):
        return MAX_UPLOAD_BYTES, upload_too_large(MAX_UPLOAD_BYTES)
    limit = LOGIN_BYTES if method == "POST" and LOGINS.fullmatch(path) else DEFAULT_BYTES
    return limit, f"request body larger than {limit // KIB} KiB"


def upload_too_large(limit: int) -> str:
    size = f"{limit // MIB} MiB" if limit >= MIB else f"{limit:,} bytes"
    return f"upload larger than {size}: send fewer files at once"


class BodyTooLarge(Exception):
    """Raised into the app when its body passes the limit (answered 413)."""


class BodyLimit:
    """The ASGI middleware of `LIMITS` (see the module docstring)."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        answer: Callable[[Request, int, str], Any],
    ) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = body_limit(scope["method"], scope["path"])
        request = Request(scope)
        length = request.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > limit):
            await self._refuse(request, message, receive, send)
            return
        read, over, started = 0, False, False

        async def limited() -> Message:
            nonlocal read, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if over:  # the app answered its parse error: 413 is the answer
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(request, message, receive, send)

    async def _refuse(self, request: Request, message: str, receive: Receive, send: Send) -> None:
        answer = self.answer(request, 413, message)
        answer.headers["Connection"] = "close"  # what is left of the body is not read
        await answer(request.scope, receive, send)
