"""What every answer carries and what every request must show, in both modes: protective
headers (CSP without inline script, no framing, no sniffing, no caching of data, HSTS over
TLS), and for the plain local dashboard the checks that keep other sites out of it: the Host
must be a loopback name (or the address served) with the port served, so that a DNS-rebinding
page cannot read the lab, and a state-changing request whose Origin is another site is
refused (requests without Origin, from scripts, stay allowed). HEAD is answered wherever GET
is, as GET's answer without its body (RFC 9110 §9.3.2).

References
----------
OWASP HTTP Headers Cheat Sheet; OWASP Cross-Site Request Forgery Prevention Cheat Sheet
(verifying origin with standard headers); W3C CSP Level 3 (`frame-ancestors`); RFC 6797
(HSTS); Jackson et al. 2009, "Protecting Browsers from DNS Rebinding Attacks" (check Host).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The pages' policy: scripts and styles from drago only (plotly sets styles inline).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: FastAPI's API docs load Swagger UI from its CDN and start it with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/api/docs", "/docs/oauth2-redirect"})
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the
    # dashboard's own form posts (Fetch standard, "append a request Origin header"), which
    # the plain dashboard's Origin check then refuses; other sites still get no referrer.
    b"referrer-policy": b"same-origin",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
}
HSTS = b"max-age=31536000"
#: Host names of this machine a browser may use for the local dashboard.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _host_port(value: str, default_port: int) -> tuple[str, int] | None:
    """(name, port) of a Host header or an Origin's authority; None when malformed."""
    try:
        parts = urlsplit(f"//{value}")
        return (parts.hostname or "").lower(), parts.port or default_port
    except ValueError:
        return None


def served(scope: Scope) -> tuple[str, int]:
    """The address and port this request came in on."""
    host, port = scope.get("server") or ("127.0.0.1", 80)
    return str(host).lower(), int(port)


def allowed_host(scope: Scope, host_header: str) -> bool:
    """The plain dashboard answers only to its loopback names and the port it serves."""
    address, port = served(scope)
    found = _host_port(host_header, 443 if scope.get("scheme") == "https" else 80)
    if found is None:
        return False
    name, sent_port = found
    return (name in LOOPBACK or name == address) and sent_port == port


def same_origin(origin: str, host_header: str, scheme: str) -> bool:
    """An Origin naming this very site (scheme, host and port of the request)."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False  # "null" (sandboxed frames, file:) and the like
    default = 443 if parts.scheme == "https" else 80
    mine = _host_port(host_header, 443 if scheme == "https" else 80)
    theirs = (parts.hostname.lower(), parts.port or default)
    return parts.scheme == scheme and mine == theirs


class Protections:
    """The ASGI middleware of this module; `plain`: the local dashboard (Host and Origin
    checks); `answer(request, status, message)` makes the error answers."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        answer: Callable[[Request, int, str], Any],
        plain: bool,
    ) -> None:
        self.app = app
        self.answer = answer
        self.plain = plain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        tls = scope.get("scheme") == "https"
        head = scope["method"] == "HEAD"
        if head:  # HEAD works wherever GET does: the GET answer without its body
            scope = dict(scope, method="GET")

        async def with_headers(message: Message) -> None:
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = dict(HEADERS)
                policy = DOCS_CSP if path in DOCS_PATHS else CSP
                extra[b"content-security-policy"] = policy.encode()
                if b"cache-control" not in present and not path.startswith("/static/"):
                    extra[b"cache-control"] = b"no-store"
                if tls:
                    extra[b"strict-transport-security"] = HSTS
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        refusal = self._refusal(scope) if self.plain else None
        if refusal is not None:
            request = Request(scope)
            await self.answer(request, 403 if refusal[0] else 421, refusal[1])(
                scope, receive, with_headers
            )
            return
        await self.app(scope, receive, with_headers)

    @staticmethod
    def _refusal(scope: Scope) -> tuple[bool, str] | None:
        """Why the plain dashboard refuses a request ((is an Origin refusal, sentence)), or
        None."""
        request = Request(scope)
        host = request.headers.get("host", "")
        if not allowed_host(scope, host):
            return False, "this dashboard answers on localhost only: open http://127.0.0.1"
        origin = request.headers.get("origin")
        cross = origin is not None and not same_origin(origin, host, scope.get("scheme", "http"))
        if scope["method"] not in SAFE_METHODS and cross:
            return True, "a request from another site may not change this lab"
        return None
