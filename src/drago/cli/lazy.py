"""Commands load when they run: `drago X` imports only the modules that define command X.

`COMMANDS` declares every top-level command, the `drago.cli` modules that register it (a
group may get subcommands from several modules: `athlete export` lives with the backups) and
the first paragraph of its help, so `drago --help` lists every command without importing any
of them. tests/test_cli_lazy.py checks the table against the real commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import typer
from typer.main import get_command_from_info, get_command_name, get_group_from_info

if TYPE_CHECKING:
    from typer.core import TyperCommand, TyperGroup


class Entry(NamedTuple):
    """A top-level command: the modules that register it, its line in `drago --help`."""

    modules: tuple[str, ...]
    help: str


#: Every top-level command, in the order `drago --help` lists them (getting data in, the
#: everyday listings, the science, the camp and fight night, then the lab's housekeeping).
COMMANDS: dict[str, Entry] = {
    "athlete": Entry(("athletes", "backups"), "Add, change, list and show athletes."),
    "team": Entry(("teams",), "Add and list teams."),
    "import": Entry(
        ("imports",),
        "Import recordings (FIT, TCX, GPX; also gzipped, in zips, zips in zips) for an athlete.",
    ),
    "log": Entry(
        ("imports",),
        "Log a session by hand: minutes and perceived exertion count as much as a sensor file.",
    ),
    "watch": Entry(
        ("watch",),
        "Import recordings as they arrive in FOLDER, with the same outcomes as `drago import`.",
    ),
    "wellness": Entry(
        ("readiness",),
        "Log the morning wellness check (Hooper & Mackinnon items, 1-7, 1 best) in 20 seconds.",
    ),
    "weight": Entry(("camp",), "Record a weigh-in: one a day, with exactly one of --kg or --lb."),
    "sessions": Entry(
        ("sessions",),
        "List sessions, oldest first, each with its load on the one scale of drago load.",
    ),
    "session": Entry(("corrections",), "Show, correct and delete one session."),
    "status": Entry(
        ("load",),
        "Today's fitness, fatigue, form and ACWR in plain words, and the last 14 days.",
    ),
    "load": Entry(
        ("load",),
        "Daily load, fitness (CTL), fatigue (ATL), form (TSB), ACWR, monotony and strain.",
    ),
    "readiness": Entry(
        ("readiness",),
        "Each morning's readiness verdict (green/amber/red) and the signal that drove it.",
    ),
    "hrv": Entry(
        ("readiness",), "HRV of one RR recording, its artefacts, and whether it can be trusted."
    ),
    "punches": Entry(
        ("punches",),
        "Punches (time, hand, type, peak acceleration, speed and power proxies) and rounds.",
    ),
    "compare": Entry(("compare",), "The tale of the tape: two fighters side by side."),
    "plot": Entry(("plots",), "Draw charts to .png, .svg or interactive .html files."),
    "test": Entry(("camp",), "Record performance tests."),
    "suspension": Entry(("camp",), "Record medical suspensions."),
    "model": Entry(
        ("camp",),
        "The athlete's performance model: parameters, standard errors and the fit (R², RMSE).",
    ),
    "camp": Entry(("camp",), "Plan a fight camp and follow it."),
    "fight": Entry(("fight",), "Fight night: punch stats, scorecards, the towel."),
    "live": Entry(
        ("live",), "Run a live session on /live and store each athlete's session when it ends."
    ),
    "serve": Entry(
        ("serve",),
        "Serve the dashboard and the JSON API (docs at /api/docs) on this machine.",
    ),
    "demo": Entry(
        ("demo",),
        "Build the demo lab: drago's camp from real FIT files, rocky's logged by hand in the snow.",
    ),
    "lake": Entry(
        ("lake",),
        "A federation's Parquet lake: export, synthesise, compute on local/Dask/Spark, attach.",
    ),
    "recompute": Entry(
        ("load",),
        "Recompute every per-session load (zones, TRIMPs, sRPE) from the stored records.",
    ),
    "backup": Entry(("backups",), "Write a consistent backup of the store and every original."),
    "restore": Entry(
        ("backups",), "Restore a backup into an empty data directory (the --db file's folder)."
    ),
    "user": Entry(("accounts",), "Accounts of team mode (drago serve --team)."),
    "token": Entry(("accounts",), "API tokens of team mode accounts."),
    "audit": Entry(
        ("accounts",),
        "The audit log of team mode: who read or wrote which athlete's data, when, from where.",
    ),
}


def load(app: typer.Typer, name: str) -> TyperCommand | TyperGroup | None:
    """Import the modules of command `name` and build its Click command from `app`."""
    for module in COMMANDS[name].modules:
        # __import__, not importlib.import_module: it goes through the interpreter's import
        # machinery, so `python -X importtime` lists the module (tests/test_startup.py).
        __import__(f"drago.cli.{module}")
    for info in app.registered_commands:
        assert info.callback is not None
        if (info.name or get_command_name(info.callback.__name__)) == name:
            command = get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
            return command  # type: ignore[return-value]
    for group_info in app.registered_groups:
        if group_info.name == name:
            return get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    return None
