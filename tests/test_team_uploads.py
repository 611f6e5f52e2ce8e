"""Uploads in team mode (issue 15): "already imported" speaks only of the athlete a file was
sent for, one request's archive work is bounded, and a fight's result is written only by
someone who may see both corners."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web import api, create_app
from drago.web.auth import TeamConfig
from drago.web.limits import MAX_UPLOAD_FILES
from tests.conftest import Stores
from tests.team_store import bearer_tokens, build_team_store, cheap_hashing
from tests.web_store import GPX, RUN, UPLOAD


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stores: Stores) -> Iterator[Path]:
    """The team store, built once per session and copied for each test."""
    cheap_hashing(monkeypatch)
    yield stores.copy("team", build_team_store, tmp_path / "drago.duckdb")


def _upload(client: TestClient, token: str, name: str, payload: bytes) -> Any:
    return client.post(
        "/api/athletes/Drago/imports",
        files={"files": (name, payload)},
        headers={"Authorization": f"Bearer {token}"},
    )


def _statuses(answer: Any) -> list[str]:
    return [result["status"] for result in answer.json()["results"]]


def test_a_file_stored_for_a_hidden_athlete_answers_like_a_new_one(built: Path) -> None:
    """Rocky's GPX, sent by Drago's coach for Drago, is imported for Drago (as a file nobody
    has is), not "already imported": the answer tells nothing of Rocky's files."""
    coach = bearer_tokens(built)["coach"]
    with TestClient(create_app(built, team=TeamConfig())) as client:
        fresh = _upload(client, coach, UPLOAD.name, UPLOAD.read_bytes())
        someone_elses = _upload(client, coach, GPX.name, GPX.read_bytes())
        again = _upload(client, coach, GPX.name, GPX.read_bytes())
    assert fresh.status_code == someone_elses.status_code == 200
    assert _statuses(fresh) == _statuses(someone_elses) == ["imported"]
    assert set(fresh.json()) == set(someone_elses.json())
    assert _statuses(again) == ["already imported"]
    with Lab(built) as lab:
        drago = lab.sessions.list(athlete="Drago")
        rocky = lab.sessions.list(athlete="Rocky")
    assert drago.filter(pl.col("source_format") == "gpx").height == 1
    assert rocky.filter(pl.col("source_format") == "gpx").height == 1


def test_one_original_serves_two_athletes_until_both_let_go(built: Path, tmp_path: Path) -> None:
    """The bytes are kept once; deleting one athlete's session or erasing the athlete keeps
    them while the other still has the file, and a backup carries them once."""
    with Lab(built) as lab:
        lab.sessions.import_paths([GPX], athlete="Drago", workers=1)
        sha = str(lab.sessions.list(athlete="Rocky")["source_sha256"][0])
        original = next(lab.store.originals.root.glob(f"{sha}.*"))
        drago_gpx = int(
            lab.sessions.list(athlete="Drago").filter(pl.col("source_sha256") == sha)["id"][0]
        )
        lab.sessions.delete(drago_gpx)
        assert original.exists()
        lab.sessions.import_paths([GPX], athlete="Drago", workers=1)
        manifest = lab.privacy.backup(tmp_path / "backup.tar.gz")
        lab.privacy.erase("Rocky")
        assert original.exists()
        assert lab.sessions.list(athlete="Drago").filter(pl.col("source_sha256") == sha).height == 1
        lab.privacy.erase("Drago")
        assert not original.exists()
    shown = [f["path"] for f in manifest["files"] if sha in f["path"]]
    assert shown == [f"originals/{original.name}"]


def test_a_moved_session_takes_its_file_row_along(built: Path) -> None:
    with Lab(built) as lab:
        recorded = lab.sessions.list(athlete="Rocky").filter(pl.col("source_sha256").is_not_null())
        session_id = int(recorded["id"][0])
        lab.sessions.set(session_id, athlete="Apollo Creed")
        moved = lab.sessions.list(athlete="Apollo Creed")
        assert moved["source_format"].to_list() == ["gpx"]
        assert moved["original_name"].to_list() == [GPX.name]
        lab.sessions.import_paths([GPX], athlete="Rocky", workers=1)
        assert lab.sessions.list(athlete="Rocky")["source_format"].drop_nulls().to_list() == ["gpx"]


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_upload_of_too_many_files_is_refused_before_any_is_read(built: Path) -> None:
    """A 1,001-member zip: one line, 400, nothing imported; `drago import` keeps only the
    limits per archive and takes the same zip."""
    admin = bearer_tokens(built)["admin"]
    members = {f"runs/{n:04d}.fit": b"not a FIT file" for n in range(MAX_UPLOAD_FILES)}
    members["runs/real.fit"] = RUN.read_bytes()
    with Lab(built) as lab:
        before = lab.sessions.list().height
    with TestClient(create_app(built, team=TeamConfig())) as client:
        answer = _upload(client, admin, "export.zip", _zip_of(members))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "\n" not in error and f"{MAX_UPLOAD_FILES:,} files" in error
    assert "1,001 files" in error
    with Lab(built) as lab:
        assert lab.sessions.list().height == before
        report = lab.sessions.import_paths(
            [_saved(built, _zip_of(members))], athlete="Rocky", workers=1
        )
    assert len(report.outcomes) == MAX_UPLOAD_FILES + 1


def _saved(built: Path, data: bytes) -> Path:
    target = built.parent / "export.zip"
    target.write_bytes(data)
    return target


def test_an_upload_that_expands_too_far_is_refused_over_its_archives(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expanded bytes are counted over every archive and file of one request."""
    admin = bearer_tokens(built)["admin"]
    run = RUN.read_bytes()
    monkeypatch.setattr(api, "MAX_UPLOAD_EXPANDED_BYTES", 3 * len(run) // 2)
    with TestClient(create_app(built, team=TeamConfig())) as client:
        one = _upload(client, admin, "one.zip", _zip_of({"a.fit": run}))
        answer = client.post(
            "/api/athletes/Drago/imports",
            files=[
                ("files", ("a.zip", _zip_of({"a.fit": UPLOAD.read_bytes()}))),
                ("files", ("b.zip", _zip_of({"b.fit": run}))),
            ],
            headers={"Authorization": f"Bearer {admin}"},
        )
    assert one.status_code == 200
    assert answer.status_code == 400 and "per upload" in answer.json()["error"]
    with Lab(built) as lab:
        names = lab.sessions.list(athlete="Drago")["original_name"].to_list()
    assert UPLOAD.name not in names


@pytest.fixture
def cross_team_fight(built: Path) -> int:
    with Lab(built) as lab:
        return lab.fights.new(red="Drago", blue="Rocky", day=date(2026, 7, 1), rounds=3)


def _result(client: TestClient, token: str, fight_id: int) -> Any:
    return client.post(
        f"/api/fights/{fight_id}/result",
        json={"result": "UD", "winner": "red"},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_result_is_written_by_an_admin_or_a_coach_of_both_corners(
    built: Path, cross_team_fight: int
) -> None:
    """Drago (Moscow) against Rocky (Philadelphia): Moscow's coach may not write Rocky's loss;
    against a boxer outside the store, the coach may; an athlete never."""
    tokens = bearer_tokens(built)
    with Lab(built) as lab:
        fights = lab.fights.list()
    own = int(
        fights.filter((pl.col("red_name") == "Drago") & (pl.col("blue_name") == "Clubber Lang"))[
            "id"
        ][0]
    )
    with TestClient(create_app(built, team=TeamConfig())) as client:
        refused = _result(client, tokens["coach"], cross_team_fight)
        athlete = _result(client, tokens["athlete"], own)
        coach_own = _result(client, tokens["coach"], own)
        admin = _result(client, tokens["admin"], cross_team_fight)
    assert refused.status_code == 403 and "both corners" in refused.json()["error"]
    assert athlete.status_code == 403
    assert coach_own.status_code == admin.status_code == 200
    with Lab(built) as lab:
        fights = lab.fights.list()
    results = dict(zip(fights["id"].to_list(), fights["result"].to_list(), strict=True))
    assert results[cross_team_fight] == "UD" and results[own] == "UD"


def test_the_scoped_lab_refuses_the_result_whatever_the_surface(
    built: Path, cross_team_fight: int
) -> None:
    from drago.lab.scoped import Forbidden, ScopedLab

    with Lab(built) as lab:
        moscow = frozenset(lab.athletes.list(team="Moscow")["id"].to_list())
    scoped = ScopedLab(built, moscow, role="coach")
    try:
        with pytest.raises(Forbidden):
            scoped.fights.set_result(cross_team_fight, result="draw")
    finally:
        scoped.close()
