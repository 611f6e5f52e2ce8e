"""Everyday commands start without the heavy libraries (issue 19: the first keystroke).

Each command runs in a fresh process under `python -X importtime`, which lists every module
the process imported; the test reads that list (never the times, which depend on the machine).
bench/bench_startup.py measures the times.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer._click.exceptions import BadParameter
from typer._click.types import DateTime

from drago.cli import lazy
from drago.cli.output import Dates
from tests.conftest import Cli, Stores

DATA = Path(__file__).parent / "data"
#: A real recording with heart rate (tests/data/fit/SOURCES.md).
FIT = "garmin-fr110-run.fit"

#: Top-level packages no everyday command may import (they load when a command uses them).
HEAVY = frozenset(
    {
        "scipy",
        "numba",
        "llvmlite",
        "matplotlib",
        "plotly",
        "fastapi",
        "starlette",
        "uvicorn",
        "dask",
        "distributed",
        "pyspark",
        "pydantic",  # typer 0.29 validates options through it: 0.3 s per command
        "pyarrow",  # DuckDB's .pl() and frame registration go through it; drago uses Arrow streams
        "numpy",  # Polars and DuckDB do not need it; these commands' science is Polars
        "pandas",
        "argon2",  # team mode's passwords
        "jinja2",  # the dashboard's templates
    }
)
#: What `drago --help` does not need either: it lists commands from `drago.cli.lazy.COMMANDS`.
NOT_FOR_HELP = frozenset(
    {
        "polars",
        "duckdb",
        "numpy",
        "drago.lab",
        "drago.store",
        "drago.cli.output",
        "drago.cli.tables",
    }
)
#: What the three commands that read or write the store do not need either: Rich (their
#: tables and lines are drawn by `drago.cli.tables`; Rich's import and layout cost them about
#: 0.06 s of CPU; `--help` is Typer's, drawn by Rich), team mode's accounts, the record schema
#: of imports, erasing.
NOT_FOR_EVERYDAY = frozenset(
    {
        "rich",
        "drago.store.accounts",
        "drago.recording",
        "drago.store.privacy",
        # frozen dataclasses (about 1 ms of CPU each to create) of other commands and pages:
        "drago.store.file_info",  # imports
        "drago.lab.session_week",  # the gym pages' week
        "drago.lab.athlete_view",  # athlete show
    }
)
#: What one of them does not need although another does: the athletes' service (sessions
#: shows local times), the status report, and `_strptime` (`drago.cli.output.Dates` reads
#: "2026-10-20" without it).
NOT_FOR_COMMAND = {
    "sessions": frozenset({"drago.lab.status"}),
    "status": frozenset({"drago.lab.athletes", "_strptime"}),
    "log": frozenset({"drago.lab.athletes", "drago.lab.status", "_strptime"}),
}
#: Modules of `drago.cli` that any command may load besides its own: printing.
HELPERS = frozenset({"output", "tables"})

COMMANDS = {
    "help": ["--help"],
    "sessions": ["sessions"],
    "status": ["status", "rocky", "--as-of", "2026-10-20"],
    "log": [
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2026-10-21",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "bag",
    ],
}


def imported_modules(stderr: str) -> set[str]:
    """Module names from `python -X importtime` output ("import time: self | cumulative | name")."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    return names


def test_importtime_parser_reads_names() -> None:
    sample = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   scipy.optimize\n"
        "import time:        80 |        200 | polars\n"
    )
    assert imported_modules(sample) == {"scipy.optimize", "polars"}


def build_store(path: Path) -> None:
    """rocky with three sessions logged by hand, and drago with a real FIT recording (heart
    rate: its load is a TRIMP)."""
    cli = Cli(path)
    cli("athlete", "add", "rocky", "--sex", "m")
    for day in ("2026-10-01", "2026-10-08", "2026-10-15"):
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            day,
            "--minutes",
            "45",
            "--rpe",
            "6",
            "--activity",
            "run",
        )
    cli("athlete", "add", "drago", "--sex", "m", "--hr-rest", "50", "--hr-max", "190")
    cli("import", str(DATA / "fit" / FIT), "--athlete", "drago")


@pytest.fixture
def store(stores: Stores, db: Path) -> Path:
    return stores.copy("startup", build_store, db)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_everyday_commands_import_no_heavy_library(store: Path, command: str) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "drago", "--db", str(store), *COMMANDS[command]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    modules = imported_modules(result.stderr)
    assert "typer" in modules and "drago.cli" in modules  # the list was read
    heavy = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert not heavy, f"drago {command} imported {heavy[:10]}"
    # Only the invoked command's module loads (drago.cli.lazy); help loads none.
    commands = {name.split(".")[2] for name in modules if name.startswith("drago.cli.")}
    expected = {"lazy"} | set(
        lazy.COMMANDS[COMMANDS[command][0]].modules if command != "help" else ()
    )
    assert commands - HELPERS == expected
    if command == "help":
        assert not NOT_FOR_HELP & modules
    else:
        extra = sorted(
            name
            for name in modules
            if any(name == m or name.startswith(f"{m}.") for m in NOT_FOR_EVERYDAY)
        )
        assert not extra, f"drago {command} imported {extra[:10]}"
        needless = sorted(NOT_FOR_COMMAND[command] & modules)
        assert not needless, f"drago {command} imported {needless}"


#: A command counting the collector's runs while it starts and prints its listing.
COUNT_COLLECTIONS = """
import gc, sys
runs = []
gc.callbacks.append(lambda phase, info: runs.append(info) if phase == "stop" else None)
from drago.__main__ import main
sys.argv = ["drago", "--db", sys.argv[1], "sessions", "--format", "csv"]
before = len(runs)
try:
    main()
except SystemExit:
    pass
sys.stderr.write(f"collections {len(runs) - before}\\n")
sys.stderr.write(f"frozen {gc.get_freeze_count()}\\n")
"""


def test_the_collector_is_tuned_before_the_command_loads(store: Path) -> None:
    """`drago.__main__.main` raises the collector's first threshold before it imports
    `drago.cli` (Typer, Polars, DuckDB, the lab): with CPython's 700, starting `sessions` makes
    some 20 collections (5-10 ms of CPU); tuned, none."""
    result = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS, str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("id,athlete,")
    # about 65,000 objects: none with the threshold (a little room for growth), 20 without
    assert int(result.stderr.splitlines()[-2].removeprefix("collections ")) <= 2


def test_the_objects_left_are_frozen_when_the_command_ends(store: Path) -> None:
    """`drago.__main__.main` freezes what is left when the command is done, so that the
    interpreter's full collections at exit do not scan the 40,000-odd objects of the libraries
    again (10-30 ms of CPU): the freeze count is 0 in a process that never froze."""
    result = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS, str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("id,athlete,")
    assert int(result.stderr.splitlines()[-1].removeprefix("frozen ")) > 10_000


def test_status_reads_the_athlete_once(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lab.load.status` finds the athlete's row once and computes the series from it (each
    look-up is a query, 1-2 ms of a command's start)."""
    from drago.lab import Lab
    from drago.store import athletes as athlete_rows

    calls: list[str] = []
    found = athlete_rows.get_athlete

    def counted(store_: object, name: str) -> athlete_rows.AthleteRow:
        calls.append(name)
        return found(store_, name)  # type: ignore[arg-type]

    monkeypatch.setattr(athlete_rows, "get_athlete", counted)
    with Lab(store) as lab:
        report = lab.load.status("rocky", as_of=date(2026, 10, 20))
    assert calls == ["rocky"]
    assert report.athlete == "rocky" and report.day == date(2026, 10, 20)
    assert report.recent.height == 14 and report.today["date"] == date(2026, 10, 20)


def _read(kind: DateTime, text: str) -> tuple[str, object]:
    try:
        return "value", kind.convert(text, None, None)
    except BadParameter as exc:
        return "error", exc.message


@given(
    st.one_of(
        st.text(alphabet="0123456789-: T", max_size=12),
        st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)).map(
            lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"
        ),
        st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
        st.text(max_size=12),
    )
)
def test_dates_read_text_as_typers_datetime(text: str) -> None:
    """`Dates` (the options' type of --date, --since, --as-of, --time) answers every text as
    Typer's `DateTime` with the same formats does: the same datetime or the same error."""
    for formats in (["%Y-%m-%d"], ["%H:%M"]):
        assert _read(Dates(formats), text) == _read(DateTime(formats), text)
