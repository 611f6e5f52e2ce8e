"""`drago serve`: the dashboard and JSON API on this machine (loopback only), or with
`--team` for a gym: accounts, logins and per-athlete authorisation on any address."""

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
    team: Annotated[
        bool,
        typer.Option("--team", help="Team mode: logins and per-athlete access (docs/team.md)."),
    ] = False,
    proxy: Annotated[
        str | None,
        typer.Option(
            "--proxy",
            help="Team mode: the reverse proxy's address; only its "
            "X-Forwarded-For/-Proto headers are believed.",
        ),
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="Team mode: TLS certificate (PEM).")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", help="Team mode: TLS private key (PEM).")
    ] = None,
) -> None:
    """Serve the dashboard and the JSON API (docs at /api/docs) on this machine.

    The store is opened per request, so `drago import` can run while the server does.

    Example: drago --db ~/lab/drago.duckdb serve --team --host 0.0.0.0 --port 8000
    """
    root = ctx.find_root()
    db = (root.obj or {}).get("db")
    if team:
        run_team_server(db, host=host, port=port, proxy=proxy, tls=(tls_cert, tls_key))
    elif proxy or tls_cert or tls_key:
        error("--proxy, --tls-cert and --tls-key need --team")
        raise typer.Exit(2)
    else:
        run_server(db, host=host, port=port)


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


def run_team_server(
    db: str | Path | None,
    *,
    host: str,
    port: int,
    proxy: str | None,
    tls: tuple[Path | None, Path | None],
) -> None:
    """Serve `db` in team mode until Ctrl-C (docs/team.md); refuses a store without accounts."""
    import uvicorn

    from drago.lab import Lab
    from drago.web import create_app
    from drago.web.auth import TeamConfig

    if (tls[0] is None) != (tls[1] is None):
        error("--tls-cert and --tls-key go together")
        raise typer.Exit(2)
    with Lab(db) as lab:
        lab.sessions.check_writable()  # team mode writes its audit log and logins
        if lab.accounts.users().height == 0:
            error("team mode needs an account: add one with drago user add LOGIN --role admin")
            raise typer.Exit(2)
    scheme = "https" if tls[0] else "http"
    typer.echo(
        f"drago team server on {scheme}://{host}:{port}/ ({db or 'the default store'}); "
        "Ctrl-C stops it"
    )
    if not tls[0] and not proxy and not is_loopback(host):
        typer.echo(
            "warning: plain HTTP beyond this machine: put it behind a TLS proxy "
            "(--proxy) or give --tls-cert/--tls-key",
            err=True,
        )
    uvicorn.run(
        create_app(db, team=TeamConfig()),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=proxy is not None,
        forwarded_allow_ips=proxy or "",
        ssl_certfile=str(tls[0]) if tls[0] else None,
        ssl_keyfile=str(tls[1]) if tls[1] else None,
    )
