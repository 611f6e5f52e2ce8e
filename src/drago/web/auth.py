"""Team mode's gate: who is asking (session cookie or bearer token), whether a form post is
theirs (CSRF), and whether they may have what they ask (`access.RULES`); every access to
athlete data goes to the audit log.

A pure ASGI middleware, so it sees every request (API, pages, the schema, static files) before
any route runs, without a line in the routes themselves.

References
----------
OWASP Session Management Cheat Sheet (random ids kept hashed, HttpOnly/Secure/SameSite
cookies, idle and absolute timeouts, renewal at login);
OWASP Cross-Site Request Forgery Prevention Cheat Sheet (a token bound to the session,
HMAC of the session id, sent in a header by scripts and a hidden field by forms; SameSite as
defence in depth); OWASP Authorization Cheat Sheet (deny by default, check on every request).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from drago.errors import DragoError
from drago.lab.accounts import Principal
from drago.web.access import Decision, Kind, Rule, ScopedLab, decide, match_rule
from drago.web.app import drago_error_response, error_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger("drago.web")
SESSION_COOKIE, CSRF_COOKIE = "drago_session", "drago_csrf"
CSRF_HEADER, CSRF_FIELD = "x-csrf-token", "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Largest form body read for its CSRF field (forms of fields, not files).
MAX_FORM_BYTES = 64 * 1024
#: The login form, checked against the pre-session CSRF cookie (double submit), and the JSON
#: login, which needs no CSRF token: it takes JSON only, which a cross-site form cannot send
#: (and a cross-site script cannot without a CORS preflight that drago never allows).
LOGIN_FORM, JSON_LOGIN = "/login", "/api/login"


@dataclass(frozen=True)
class TeamConfig:
    """Team mode's settings: sessions end `session_s` after login (absolute) or after
    `idle_s` without a request; logins fail fast (429) after `max_failures` wrong passwords
    for one login from one address, `max_failures_per_address` from one address, or
    `max_failures_per_login` for one login from addresses it never logged in from, within
    `window_s` (`login.LoginLimiter`); at most `max_password_checks` passwords are checked
    at once, a login waiting longer than `check_wait_s` for its turn answers 503."""

    session_s: float = 12 * 3600
    idle_s: float = 2 * 3600
    max_failures: int = 5
    max_failures_per_address: int = 20
    max_failures_per_login: int = 100
    window_s: float = 15 * 60
    max_password_checks: int = 2
    check_wait_s: float = 20.0


def csrf_for(session_token: str) -> str:
    """The CSRF token of a session: an HMAC keyed by the session's secret id, so only its
    holder can make it and nothing more has to be stored."""
    return hmac.new(session_token.encode(), b"drago-csrf", hashlib.sha256).hexdigest()


def with_lab(request: Request, work: Callable[[ScopedLab], Any]) -> Any:
    """Run `work` on a lab of the request's app, taking turns with `drago import` like every
    request does (`keeper.StoreKeeper`)."""
    keeper = request.app.state.keeper
    keeper.before_request()
    lab = ScopedLab(request.app.state.db_path, None)
    try:
        return work(lab)
    finally:
        lab.close()
        keeper.after_request()


def presented_token(request: Request) -> tuple[str | None, bool]:
    """The token a request carries, and whether it came as the session cookie (bearer
    tokens win: a script's header says who it is; a browser's cookie may come uninvited)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def is_secure(request: Request) -> bool:
    """Served over TLS (uvicorn's own, or a configured proxy's X-Forwarded-Proto)."""
    return request.url.scheme == "https"


def set_session_cookies(response: Response, request: Request, token: str, max_age: int) -> None:
    secure = is_secure(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_for(token),
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


class TeamGuard:
    """The ASGI middleware of team mode; see the module docstring."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        pattern, found, params = match_rule(request.method, scope["path"])
        # Deny by default: a path without a rule answers 404, a method without one 405, to
        # logged-in accounts only (anonymous requests learn nothing of the routes).
        rule = found or Rule(Kind.account)
        token, by_cookie = presented_token(request)
        config: TeamConfig = request.app.state.team

        def check(lab: ScopedLab) -> tuple[Principal | None, Decision]:
            return self._check(lab, token, config, rule, params, request)

        try:
            principal, decision = await run_in_threadpool(with_lab, request, check)
        except DragoError as exc:
            await drago_error_response(request, exc)(scope, receive, send)
            return
        except Exception:  # a fault of the guard is answered and audited, never a reset
            log.exception("access check of %s %s failed", request.method, scope["path"])
            failed = Decision(500, "internal error while checking access: see the server log")
            await error_response(request, 500, failed.message)(scope, receive, send)
            await self._audit_safely(request, None, rule, failed, 500)
            return
        if principal is None and rule.kind is not Kind.public:
            await self._unauthenticated(request, token is not None)(scope, receive, send)
            return
        if found is None:
            missing = (404, "not found") if pattern is None else (405, "method not allowed")
            decision = Decision(*missing)
        elif (
            request.method not in SAFE_METHODS
            and request.url.path != JSON_LOGIN
            and ((principal is not None and by_cookie) or request.url.path == LOGIN_FORM)
        ):
            checked = await self._check_csrf(request, receive, token)
            if checked is None:
                decision = Decision(403, "missing or wrong CSRF token: reload the page")
            else:
                receive = checked
        state = scope.setdefault("state", {})
        state["principal"] = principal
        if principal is not None and by_cookie and token:
            state["csrf"] = csrf_for(token)
        status: list[int] = []

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            if decision.status is not None:
                answer = error_response(request, decision.status, decision.message)
                await answer(scope, receive, send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:  # a request that failed is audited too (status 500)
            answered = status[0] if status else 500
            await self._audit_safely(request, principal, rule, decision, answered)

    async def _audit_safely(
        self,
        request: Request,
        principal: Principal | None,
        rule: Rule,
        decision: Decision,
        status: int,
    ) -> None:
        """Audit a request to data (athletes, aggregates) or one the guard failed on; an
        entry that cannot be written is said in the server log (the answer is gone)."""
        if rule.kind not in (Kind.athletes, Kind.aggregates) and status != 500:
            return

        def audit(lab: ScopedLab) -> None:
            self._audit(lab, request, principal, rule, decision, status)

        try:
            await run_in_threadpool(with_lab, request, audit)
        except Exception as exc:  # the answer is gone; say it where admins look
            log.error("audit entry of %s %s lost: %s", request.method, request.url.path, exc)

    @staticmethod
    def _check(
        lab: ScopedLab,
        token: str | None,
        config: TeamConfig,
        rule: Rule,
        params: dict[str, str],
        request: Request,
    ) -> tuple[Principal | None, Decision]:
        principal = lab.accounts.principal(token, idle_s=config.idle_s) if token else None
        if principal is None or rule.kind in (Kind.public, Kind.account):
            return principal, Decision(None)
        return principal, decide(lab, principal, rule, params, request.query_params)

    @staticmethod
    def _unauthenticated(request: Request, had_token: bool) -> Response:
        """401 for the API (JSON, `WWW-Authenticate: Bearer`); pages go to the login form."""
        why = "session expired or token not valid" if had_token else "not logged in"
        if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
            answer = error_response(
                request, 401, f"{why}: log in (POST /api/login) or send Authorization: Bearer TOKEN"
            )
            answer.headers["WWW-Authenticate"] = "Bearer"
        else:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            answer = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        if had_token:
            clear_session_cookies(answer)
        return answer

    @staticmethod
    async def _check_csrf(
        request: Request, receive: Receive, session_token: str | None
    ) -> Receive | None:
        """The receive channel to go on with when a post made with the session cookie (or
        to the login form) carries the right CSRF token (header, or a form's hidden field),
        None when it does not. The login form's token must match the pre-session cookie
        (double submit). Posts with a bearer token, and anonymous posts to the JSON login
        (JSON only, which a cross-site form cannot send), need none."""
        if request.url.path == LOGIN_FORM or session_token is None:
            expected = request.cookies.get(CSRF_COOKIE, "")
        else:
            expected = csrf_for(session_token)
        sent = request.headers.get(CSRF_HEADER, "")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not sent and kind == "application/x-www-form-urlencoded":
            body, receive = await _read_body(receive)
            if body is not None:
                sent = parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0]
        if expected and sent and hmac.compare_digest(sent.encode(), expected.encode()):
            return receive
        return None

    @staticmethod
    def _audit(
        lab: ScopedLab,
        request: Request,
        principal: Principal | None,
        rule: Rule,
        decision: Decision,
        status: int,
    ) -> None:
        action = "write" if rule.write else "read"
        for athlete_id in decision.athlete_ids or (None,):
            lab.audit.record(
                login=principal.login if principal else None,
                role=principal.role if principal else None,
                action=action,
                method=request.method,
                path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                athlete_id=athlete_id,
                status=status,
                remote=request.client.host if request.client else None,
            )


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """Read a small body and hand back a receive that replays it (None: too large)."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = bool(message.get("more_body"))
        if size > MAX_FORM_BYTES:
            return None, receive
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def new_csrf() -> str:
    """A pre-session CSRF token for the login form (double submit)."""
    return secrets.token_urlsafe(32)
