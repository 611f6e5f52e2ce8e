"""The FastAPI app: a lab per request, drago's errors as JSON, plotly.js served locally."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from drago.errors import (
    BadInput,
    DragoError,
    ImplausibleValue,
    NotFound,
    ReadOnly,
    UsageError,
)
from drago.lab import Lab, Memo, fault_message
from drago.lab.scoped import Forbidden
from drago.plots import plotly_js_path
from drago.web.keeper import StoreKeeper
from drago.web.limits import MAX_UPLOAD_BYTES as MAX_UPLOAD_BYTES
from drago.web.limits import BodyLimit
from drago.web.limits import upload_too_large as too_large
from drago.web.protect import Protections

if TYPE_CHECKING:
    from drago.web.auth import TeamConfig

HERE = Path(__file__).parent
#: How long a browser may keep plotly.js and drago's static files (they change with releases).
STATIC_MAX_AGE_S = 3600


#: The lab the web opens per request.
WebLab = Lab


templates = Jinja2Templates(directory=HERE / "templates")


def lab_dependency(request: Request) -> Iterator[WebLab]:
    """A lab opened for one request and closed after it: DuckDB allows one writing process,
    and `drago import` in another process must get its turn (`keeper.StoreKeeper` keeps the
    store warm while busy and lets go of it when idle and regularly under load)."""
    keeper: StoreKeeper = request.app.state.keeper
    keeper.before_request()
    lab = request.app.state.open_lab(request)  # team mode: a lab scoped to the caller
    try:
        yield lab
    finally:
        lab.close()
        keeper.after_request()


def error_status(exc: DragoError) -> int:
    """The HTTP status of one of drago's errors."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, ImplausibleValue):
        return 422  # a value no body produces: understood, and refused
    if isinstance(exc, UsageError | BadInput):
        return 400
    return 503  # the store is busy (another process holds it) or cannot be opened


def drago_error_response(request: Request, exc: DragoError) -> Response:
    """The answer to one of drago's errors: its status (`error_status`) and its sentence."""
    return error_response(request, error_status(exc), str(exc), retry=not isinstance(exc, ReadOnly))


def error_response(request: Request, status: int, message: str, *, retry: bool = True) -> Response:
    """The one error body of the API, `{"ok": false, "error": ..., "status": ...}`; pages
    get the same sentence as a small HTML page. A 503 says when to ask again (`Retry-After`)
    unless `retry` is false: asking again would not help."""
    headers = {"Retry-After": "5"} if status == 503 and retry else None
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        body = {"ok": False, "error": message, "status": status}
        return JSONResponse(body, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "title": f"{status}"},
        status_code=status,
        headers=headers,
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def create_app(
    db_path: str | Path | None = None,
    *,
    linger_s: float | None = None,
    team: TeamConfig | None = None,
) -> FastAPI:
    """The dashboard over the store at `db_path` (default: `$DRAGO_HOME/drago.duckdb`);
    `linger_s`: how long the store stays open after the last request (0: open per request
    only; default `$DRAGO_WEB_LINGER_S`, else 1 s); `team`: team mode, with accounts and
    authorisation on every route (`drago.web.team`), None for the local dashboard."""
    from drago.web import camp, fights, gym  # the routers use this module's helpers
    from drago.web.api import router as api_router
    from drago.web.federation import router as federation_router
    from drago.web.live import router as live_router
    from drago.web.pages import router as pages_router

    keeper = StoreKeeper(None if db_path is None else Path(db_path), WebLab, linger_s=linger_s)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        keeper.start()
        try:
            yield
        finally:
            keeper.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="drago",
        summary="An open sports-science lab for boxers: athletes, sessions, load, readiness.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.db_path = keeper.path
    #: The address links are built from (`next` pages); default: the address served.
    app.state.public_url = os.environ.get("DRAGO_PUBLIC_URL", "").rstrip("/") or None
    app.state.keeper = keeper
    app.state.memo = Memo()
    app.state.open_lab = lambda request: WebLab(keeper.path, memo=app.state.memo)

    @app.exception_handler(DragoError)
    async def drago_error(request: Request, exc: DragoError) -> Response:
        return drago_error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception) -> Response:
        """A damaged store, a full disk or a path the system refuses: 503 with its one line;
        anything else (a bug, logged by the server) still answers in the API's error body."""
        message = fault_message(exc)
        if message is not None:
            return error_response(request, 503, message)
        return error_response(request, 500, "internal error: the server's log has the details")

    @app.middleware("http")
    async def server_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Say how long the answer took in the app (`Server-Timing`, read by bench_web)."""
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        """plotly.js from the installed `plotly` package: the dashboard works offline."""
        headers = {"Cache-Control": f"max-age={STATIC_MAX_AGE_S}"}
        return FileResponse(plotly_js_path(), media_type="text/javascript", headers=headers)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api_router)
    app.include_router(fights.api)
    app.include_router(gym.api)
    app.include_router(camp.api)
    app.include_router(gym.writes)
    app.include_router(pages_router)
    app.include_router(fights.pages)
    app.include_router(gym.pages)
    app.include_router(gym.page_writes)
    app.include_router(camp.pages)
    app.include_router(federation_router)
    app.include_router(live_router)
    if team is not None:
        from drago.web.team import install

        install(app, team)
    app.add_middleware(BodyLimit, answer=error_response)  # before any body is read
    app.add_middleware(Protections, answer=error_response, plain=team is None)  # outermost
    return app


def upload_too_large() -> str:
    return too_large(MAX_UPLOAD_BYTES)
