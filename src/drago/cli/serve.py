"""`drago serve`: the dashboard and JSON API on this machine (loopback only)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app
from drago.cli.output import error

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
REFUSED = "binding beyond this machine needs team mode with authentication"


def is_loopback(host: str) -> bool:
    """True for names and addresses of this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Loopback address to listen on; others are refused until team mode."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port to listen on.")
    ] = 8000,
) -> None:
    """Serve the dashboard and the JSON API (docs at /api/docs) on this machine.

    The store is opened per request, so `drago import` can run while the server does.

    Example: drago --db ~/lab/drago.duckdb serve --port 8000
    """
    root = ctx.find_root()
    run_server((root.obj or {}).get("db"), host=host, port=port)


def run_server(db: str | Path | None, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store `db` (None: $DRAGO_HOME, else the user data dir) until Ctrl-C."""
    if not is_loopback(host):
        error(f"--host {host}: {REFUSED}")
        raise typer.Exit(2)
    import uvicorn  # imported here: the rest of the CLI starts without the web stack

    from drago.web import create_app

    shown = db or "the default store"
    typer.echo(f"drago dashboard on http://{host}:{port}/ ({shown}); Ctrl-C stops it")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
