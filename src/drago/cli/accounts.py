"""`drago user|token|audit`: the accounts of team mode, their API tokens, the audit log."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Annotated

import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, stdout
from drago.errors import UsageError

user_app = typer.Typer(help="Accounts of team mode (drago serve --team).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens of team mode accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

Login = Annotated[str, typer.Argument(help="The account's login.")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _password(from_stdin: bool) -> str:
    """The password, from stdin's first line or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: no password on stdin")
        return password
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def add(
    ctx: typer.Context,
    login: Login,
    role: Annotated[
        str, typer.Option("--role", help="admin, coach, athlete or analyst.")
    ] = "athlete",
    team: Annotated[
        list[str] | None, typer.Option("--team", help="A coach's team (repeat for several).")
    ] = None,
    athlete: Annotated[
        str | None, typer.Option("--athlete", help="The athlete an athlete account is.")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account of team mode (drago serve --team); prompts for its password.

    An athlete account sees its athlete's data, a coach the athletes of their teams, an
    analyst anonymised aggregates, an admin everything.

    Example: drago user add ivan --role athlete --athlete Drago
    """
    lab = open_lab(ctx)
    lab.accounts.add_user(
        login, role=role, password=_password(password_stdin), teams=team or (), athlete=athlete
    )
    stdout.print(f"added {role} {login}", highlight=False)


@user_app.command("list")
def list_(ctx: typer.Context, fmt: Fmt = OutputFormat.table) -> None:
    """Every account with its role, athlete and teams (never a password hash).

    Example: drago user list --format json
    """
    emit(open_lab(ctx).accounts.users(), fmt)


@user_app.command("passwd")
def passwd(ctx: typer.Context, login: Login, password_stdin: PasswordStdin = False) -> None:
    """Set an account's password; its open sessions end (its API tokens stay).

    Example: drago user passwd ivan
    """
    ended = open_lab(ctx).accounts.set_password(login, _password(password_stdin))
    stdout.print(f"password of {login} changed; {ended} session(s) ended", highlight=False)


@user_app.command("remove")
def remove(ctx: typer.Context, login: Login) -> None:
    """Remove an account and its tokens (the audit log keeps its login).

    Example: drago user remove ivan
    """
    open_lab(ctx).accounts.remove_user(login)
    stdout.print(f"removed {login}", highlight=False)


@token_app.command("create")
def create(
    ctx: typer.Context,
    login: Login,
    expires: Annotated[
        int | None, typer.Option("--expires", min=1, help="Days until it expires (default never).")
    ] = None,
) -> None:
    """Create an API token for LOGIN and print it once (only its hash is kept).

    Scripts send it as `Authorization: Bearer TOKEN`.

    Example: drago token create coach --expires 30
    """
    lasting = timedelta(days=expires) if expires else None
    token_id, token = open_lab(ctx).accounts.create_token(login, expires_in=lasting)
    sys.stdout.write(token + "\n")
    shown = f"expires in {expires} day(s)" if expires else "never expires"
    typer.echo(f"token {token_id} for {login}: {shown}; it is not shown again", err=True)


@token_app.command("list")
def tokens(
    ctx: typer.Context,
    login: Annotated[str | None, typer.Option("--login", help="Only this account's.")] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """API tokens with their owner and state (active, expired, revoked), never the tokens.

    Example: drago token list --login coach
    """
    emit(open_lab(ctx).accounts.tokens(login), fmt)


@token_app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[
        int | None, typer.Argument(help="The token's id (drago token list).")
    ] = None,
    login: Annotated[
        str | None, typer.Option("--login", help="Revoke every token and session of LOGIN.")
    ] = None,
) -> None:
    """Revoke one API token by id, or every token and session of an account.

    Example: drago token revoke 3
    """
    if (token_id is None) == (login is None):
        raise UsageError("give a token id or --login LOGIN")
    lab = open_lab(ctx)
    if login is not None:
        count = lab.accounts.revoke_tokens(login)
        stdout.print(f"revoked {count} token(s) and session(s) of {login}", highlight=False)
    else:
        assert token_id is not None
        lab.accounts.revoke_token(token_id)
        stdout.print(f"revoked token {token_id}", highlight=False)


@app.command("audit")
def audit(
    ctx: typer.Context,
    athlete: Annotated[str | None, typer.Option("--athlete", help="Only this athlete.")] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="From this UTC date on."),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """The audit log of team mode: who read or wrote which athlete's data, when, from where.

    Every request for athlete data through the server, with the status it was answered,
    and every login, failed login and logout.

    Example: drago audit --athlete Drago --since 2026-11-01 --format csv
    """
    day = since.date() if since else None
    emit(open_lab(ctx).audit.entries(athlete=athlete, since=day), fmt)
