"""The live page (`/live`) and its event stream (`GET /api/live/events`, Server-Sent Events).

A `drago live` process attaches its session's hub as `app.state.live_hub`; without one the
page says no session is running, the state says `"running": false` and the stream ends at
once. Each `data:` line of the stream is
one athlete's state as a JSON object (`athlete`, `t_s`, `hr_bpm`, `round`, the clock, HR
metrics, punches, the towel); a page that connects or reloads first gets every athlete's
latest state. In team mode a caller receives only the athletes they may see.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from drago.live.hub import LiveHub
from drago.web.app import templates

router = APIRouter()
#: Seconds between keep-alive comments on an idle stream.
KEEPALIVE_S: Final = 15.0
NO_SESSION: Final = "no live session is running: start one with drago live"


def _hub(request: Request) -> LiveHub | None:
    hub = getattr(request.app.state, "live_hub", None)
    return hub if isinstance(hub, LiveHub) else None


def _visible(request: Request) -> frozenset[int] | None:
    """The athlete ids the caller may see (None: all; the local dashboard has no accounts)."""
    principal = getattr(request.state, "principal", None)
    return None if principal is None else principal.visible


def _allowed(event: dict[str, Any], visible: frozenset[int] | None) -> bool:
    return visible is None or event.get("athlete_id") in visible


def _sse(events: list[dict[str, Any]]) -> str:
    return "".join(f"data: {json.dumps(e, allow_nan=False)}\n\n" for e in events)


@router.get("/live", response_class=HTMLResponse, include_in_schema=False)
def live_page(request: Request) -> Response:
    """The gym's screen: a tile per athlete coloured by zone, and the round clock."""
    hub = _hub(request)
    visible = _visible(request)
    athletes = [] if hub is None else [a for a in hub.athletes if _allowed(a, visible)]
    return templates.TemplateResponse(
        request,
        "live.html",
        {
            "title": "Live",
            "running": hub is not None and not hub.closed,
            "athletes": athletes,
            "clock": {} if hub is None else hub.clock,
        },
    )


@router.get("/api/live/state")
def live_state(request: Request) -> dict[str, Any]:
    """Every athlete's latest state and the round template (the JSON twin of /live)."""
    hub = _hub(request)
    if hub is None:
        return {"running": False, "clock": {}, "athletes": [], "message": NO_SESSION}
    visible = _visible(request)
    return {
        "running": not hub.closed,
        "clock": hub.clock,
        "athletes": [e for e in hub.latest.values() if _allowed(e, visible)],
    }


@router.get("/api/live/events", response_class=StreamingResponse)
async def live_events(request: Request, once: bool = False) -> Response:
    """Server-Sent Events: every athlete's latest state, then each update as it happens.

    `once=true` sends the latest states and ends (for scripts and tests).
    """
    hub = _hub(request) or LiveHub()
    if hub.latest == {} and _hub(request) is None:
        hub.close()
    visible = _visible(request)

    async def stream() -> AsyncIterator[str]:
        queue = hub.subscribe()
        try:
            yield "retry: 2000\n\n"
            if once:
                snapshot = [e for e in hub.latest.values() if _allowed(e, visible)]
                yield _sse(snapshot)
                return
            while True:
                try:
                    first = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                batch = [first]
                while not queue.empty() and batch[-1] is not None:
                    batch.append(queue.get_nowait())
                ended = batch[-1] is None
                events = [e for e in batch if e is not None and _allowed(e, visible)]
                if events:
                    yield _sse(events)
                if ended:
                    yield ": the session has ended\n\n"
                    return
        finally:
            hub.unsubscribe(queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
