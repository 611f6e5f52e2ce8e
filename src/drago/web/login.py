"""Logging in and out of team mode (a form for browsers, JSON for scripts), who am I, and
the anonymised aggregates analysts read. Wrong passwords are rate limited per login and per
address (OWASP Authentication Cheat Sheet: throttle, same answer for a wrong login or a wrong
password)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from drago.csv_cells import write_csv
from drago.lab.accounts import Login, Principal
from drago.lab.passwords import MAX_PASSWORD
from drago.web.api import DEFAULT_LIMIT, ERRORS, LabDep, Limit, Offset, Page, page
from drago.web.app import WebLab, error_response, templates
from drago.web.auth import (
    CSRF_COOKIE,
    TeamConfig,
    clear_session_cookies,
    is_secure,
    new_csrf,
    presented_token,
    set_session_cookies,
)

router = APIRouter(tags=["accounts"])
WRONG = "wrong login or password"
#: Keys of failures kept before the ones without a recent failure are dropped.
MAX_KEYS = 10_000


class LoginLimiter:
    """Counts wrong passwords in a sliding window, per login and address together, per
    address, and per login from addresses it never logged in from; an attempt counts as
    wrong from before its password is checked (so simultaneous guesses cannot race past
    the limit) until it turns out right. At most `TeamConfig.max_password_checks` passwords
    are checked at once (argon2id takes 64 MiB each).

    The policy keeps an attacker from locking anyone else out: their guesses close the
    login to their own address (`max_failures`), their address to all logins
    (`max_failures_per_address`), and the login to new addresses only after
    `max_failures_per_login` guesses; an address the login has succeeded from stays open to
    it (OWASP Authentication Cheat Sheet: account lockout, denial of service)."""

    def __init__(self, config: TeamConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._known: dict[str, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        self._checks = threading.BoundedSemaphore(config.max_password_checks)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.config.window_s:
            times.popleft()
        return times

    def _forget_old(self, now: float) -> None:
        """Drop keys without a recent failure (many logins or addresses tried stay cheap)."""
        if len(self._failures) > MAX_KEYS:
            for key in [k for k in self._failures if not self._recent(k, now)]:
                del self._failures[key]

    def _keys(self, login: str, address: str) -> list[tuple[str, int]]:
        who = login.strip().casefold()
        keys = [
            (f"pair:{who}\x00{address}", self.config.max_failures),
            (f"addr:{address}", self.config.max_failures_per_address),
        ]
        if address not in self._known.get(who, ()):
            keys.append((f"login:{who}", self.config.max_failures_per_login))
        return keys

    def _wait(self, login: str, address: str, now: float) -> int | None:
        waits = []
        for key, limit in self._keys(login, address):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(self.config.window_s - (now - times[0]))
        return max(1, int(max(waits)) + 1) if waits else None

    def retry_after(self, login: str, address: str) -> int | None:
        """Seconds until another try is allowed, None when it is now."""
        with self._lock:
            return self._wait(login, address, self.clock())

    def begin(self, login: str, address: str) -> int | None:
        """Start an attempt: None when it may go on (it counts as wrong until `succeeded`),
        else the seconds to wait."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            wait = self._wait(login, address, now)
            if wait is None:
                who = login.strip().casefold()
                for key in (f"pair:{who}\x00{address}", f"addr:{address}", f"login:{who}"):
                    self._failures[key].append(now)
            return wait

    def failed(self, login: str, address: str) -> None:
        """Count a wrong password (`begin` already does)."""
        now = self.clock()
        with self._lock:
            who = login.strip().casefold()
            for key in (f"pair:{who}\x00{address}", f"addr:{address}", f"login:{who}"):
                self._failures[key].append(now)

    def succeeded(self, login: str, address: str) -> None:
        """The password was right: forget the login's failures from this address, and keep
        the address open to the login."""
        who = login.strip().casefold()
        with self._lock:
            self._failures.pop(f"pair:{who}\x00{address}", None)
            for key in (f"addr:{address}", f"login:{who}"):
                if self._failures.get(key):
                    self._failures[key].pop()
            self._known[who].add(address)

    def checking(self) -> bool:
        """Take a turn to check a password (False: none free within `check_wait_s`); give it
        back with `done`."""
        return self._checks.acquire(timeout=self.config.check_wait_s)

    def done(self) -> None:
        self._checks.release()


class Credentials(BaseModel):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)


class LoggedIn(BaseModel):
    """A session: `token` is also a bearer token (`Authorization: Bearer TOKEN`)."""

    ok: Literal[True] = True
    token: str
    login: str
    role: str


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def landing(principal: Principal) -> str:
    """Where a login lands: an athlete on their page, an analyst on the aggregates."""
    if principal.role == "athlete" and principal.athlete:
        return "/athletes/" + principal.athlete.replace("/", "%2F").replace(" ", "%20")
    return "/api/aggregates" if principal.role == "analyst" else "/"


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after login, never another site ("/": each role's own
    landing page)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@dataclass(frozen=True)
class Attempt:
    """A login attempt's outcome: 200 with the session, 401, or 429 (too many wrong) or 503
    (too many at once) with seconds to wait."""

    status: int
    session: Login | None = None
    wait_s: int = 0


def _attempt(request: Request, lab: WebLab, login: str, password: str) -> Attempt:
    """Try a login, within the rate limits; every attempt goes to the audit log."""
    limiter: LoginLimiter = request.app.state.limiter
    config: TeamConfig = request.app.state.team
    address = _address(request)
    wait = limiter.begin(login, address)
    if wait is not None:
        outcome = Attempt(429, wait_s=wait)
    elif not limiter.checking():
        outcome = Attempt(503, wait_s=5)
    else:
        try:
            session = lab.accounts.login(login, password, session_s=config.session_s)
        finally:
            limiter.done()
        if session is None:
            outcome = Attempt(401)
        else:
            limiter.succeeded(login, address)
            outcome = Attempt(200, session)
    lab.audit.record(
        login=login[:200],
        role=outcome.session.principal.role if outcome.session else None,
        action={200: "login", 401: "login-failed", 429: "login-limited", 503: "login-busy"}[
            outcome.status
        ],
        method="POST",
        path=request.url.path,
        athlete_id=None,
        status=outcome.status,
        remote=_address(request),
    )
    return outcome


def _too_many(request: Request, status: int, wait: int) -> Response:
    why = "too many wrong passwords" if status == 429 else "too many logins at once"
    answer = error_response(request, status, f"{why}: try again in {wait} s")
    answer.headers["Retry-After"] = str(wait)
    return answer


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form (with the pre-session CSRF token of a double-submit cookie)."""
    csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
    context = {"title": "Log in", "csrf": csrf, "next": safe_next(next) or "", "message": ""}
    answer = templates.TemplateResponse(request, "login.html", context)
    answer.set_cookie(CSRF_COOKIE, csrf, path="/", secure=is_secure(request), samesite="strict")
    return answer


@router.post("/login", include_in_schema=False)
async def login_form(
    request: Request,
    lab: LabDep,
    login: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Log in from the form: a new session (cookies renewed), then back where the user was."""
    tried = await run_in_threadpool(_attempt, request, lab, login, password)
    if tried.session is None and tried.status in (429, 503):
        return _too_many(request, tried.status, tried.wait_s)
    if tried.session is None:
        context = {
            "title": "Log in",
            "csrf": request.cookies.get(CSRF_COOKIE, ""),
            "next": safe_next(next) or "",
            "message": WRONG,
        }
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    target = safe_next(next)
    where = landing(tried.session.principal) if target in (None, "/") else target
    answer = RedirectResponse(str(where), status_code=303)
    set_session_cookies(answer, request, tried.session.token, int(request.app.state.team.session_s))
    return answer


@router.post("/api/login", response_model=LoggedIn, responses=ERRORS)
async def login_api(request: Request, lab: LabDep, credentials: Credentials) -> Response:
    """Log in with JSON `{"login": ..., "password": ...}`: sets the session cookie and answers
    the session's token, usable as `Authorization: Bearer TOKEN` until the session ends."""
    tried = await run_in_threadpool(_attempt, request, lab, credentials.login, credentials.password)
    if tried.session is None and tried.status in (429, 503):
        return _too_many(request, tried.status, tried.wait_s)
    if tried.session is None:
        return error_response(request, 401, WRONG)
    value = tried.session
    body = {
        "ok": True,
        "token": value.token,
        "login": value.principal.login,
        "role": value.principal.role,
    }
    answer = JSONResponse(body)
    set_session_cookies(answer, request, value.token, int(request.app.state.team.session_s))
    return answer


def _logout(request: Request, lab: WebLab) -> None:
    token, _ = presented_token(request)
    if token:
        lab.accounts.logout(token)
    principal = request.state.principal
    lab.audit.record(
        login=principal.login,
        role=principal.role,
        action="logout",
        method="POST",
        path=request.url.path,
        athlete_id=None,
        status=200,
        remote=_address(request),
    )


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, lab: LabDep) -> Response:
    """End the session and go back to the login form."""
    _logout(request, lab)
    answer = RedirectResponse("/login", status_code=303)
    clear_session_cookies(answer)
    return answer


@router.post("/api/logout", responses=ERRORS)
def logout_api(request: Request, lab: LabDep) -> Response:
    """End the session (or revoke the API token) this request came with."""
    _logout(request, lab)
    answer = JSONResponse({"ok": True})
    clear_session_cookies(answer)
    return answer


@router.get("/api/me", responses=ERRORS)
def me(request: Request) -> Response:
    """Who this request is: login, role, and for an athlete account the athlete."""
    who: Principal = request.state.principal
    return JSONResponse(
        {"login": who.login, "role": who.role, "athlete": who.athlete, "via": who.via}
    )


@router.get("/api/aggregates", response_model=Page, responses=ERRORS)
def aggregates(
    request: Request,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    format: Annotated[Literal["json", "csv"], Query(description="json or csv (export).")] = "json",
) -> Response:
    """Anonymised training volume per team and in all (no names, no birth dates; groups of
    fewer than three athletes left out)."""
    frame = lab.audit.aggregates()
    if format == "csv":
        return Response(write_csv(frame), media_type="text/csv")
    return page(request, frame, limit, offset)
