"""The JSON API over a real store: pagination, errors as JSON, streams, uploads, layering."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from drago import read
from drago.web import create_app, limits
from tests.conftest import DATA, Stores
from tests.web_store import BAD, UPLOAD, WELLNESS_DAY, build_store, free_port, start_server

SRC = Path(__file__).parents[1] / "src" / "drago"
#: `drago` with the serve command, whether or not drago.cli imports it yet.
SERVE = "import drago.cli.serve; from drago.cli import main; main()"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Path:
    return stores.copy("web", build_store, tmp_path_factory.mktemp("web") / "drago.duckdb")


@pytest.fixture(scope="module")
def api(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(built)) as client:
        yield client


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a copy of the store, for tests that write."""
    shutil.copytree(built.parent, tmp_path / "lab")
    with TestClient(create_app(tmp_path / "lab" / built.name)) as client:
        yield client


def is_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert (
        body["ok"] is False and body["status"] == status and set(body) == {"ok", "error", "status"}
    )
    assert "\n" not in body["error"]
    return str(body["error"])


def test_athletes_paginate_with_a_next_url(api: TestClient) -> None:
    first = api.get("/api/athletes", params={"limit": 2}).json()
    assert [a["name"] for a in first["items"]] == ["Apollo Creed", "Drago"]
    assert first["next"].startswith("http") and "offset=2" in first["next"]
    last = api.get(first["next"]).json()
    assert [a["name"] for a in last["items"]] == ["Rocky"] and last["next"] is None
    everyone = api.get("/api/athletes").json()
    assert len(everyone["items"]) == 3 and everyone["next"] is None


def test_names_match_in_any_case_url_encoded(api: TestClient) -> None:
    assert api.get("/api/athletes/dRAGO").json()["profile"]["name"] == "Drago"
    body = api.get("/api/athletes/apollo%20creed").json()
    assert body["profile"]["team"] == "Philadelphia" and body["profile"]["n_sessions"] == 0
    assert api.get("/api/athletes/ROCKY/sessions").json()["items"][0]["athlete"] == "Rocky"


def test_unknown_things_are_404_json(api: TestClient) -> None:
    assert "no athlete ivan" in is_error(api.get("/api/athletes/ivan"), 404)
    is_error(api.get("/api/athletes/ivan/load"), 404)
    is_error(api.get("/api/athletes/ivan/readiness"), 404)
    assert "no session 999" in is_error(api.get("/api/sessions/999"), 404)
    is_error(api.get("/api/sessions/999/streams"), 404)
    is_error(api.get("/api/sessions/999/punches"), 404)
    is_error(api.get("/api/nothing-here"), 404)


def test_bad_requests_are_json_too(api: TestClient) -> None:
    assert "limit" in is_error(api.get("/api/athletes", params={"limit": 0}), 422)
    is_error(api.get("/api/athletes/drago/load", params={"method": "vibes"}), 422)
    assert (
        is_error(api.get("/api/sessions/abc"), 404)
        == "no such session: see drago sessions for the ids"
    )
    assert "outside 1900-2100" in is_error(
        api.get("/api/athletes/drago/load", params={"since": "0202-01-01"}), 400
    )
    is_error(api.post("/api/athletes/drago/imports"), 422)
    is_error(api.delete("/api/athletes"), 405)


def test_sessions_page_in_either_order(api: TestClient) -> None:
    oldest = api.get("/api/athletes/drago/sessions").json()["items"]
    newest = api.get("/api/athletes/drago/sessions", params={"order": "desc", "limit": 1}).json()
    assert [s["activity"] for s in oldest] == ["run", "ride"]
    assert newest["items"][0]["id"] == oldest[-1]["id"] and newest["next"] is not None
    assert oldest[0]["start"].endswith("+00:00") and oldest[0]["source_format"] == "fit"


def test_load_is_the_labs_daily_series(api: TestClient) -> None:
    page = api.get("/api/athletes/drago/load", params={"until": "2015-09-30"}).json()
    days = page["items"]
    assert days[0]["date"] == "2015-08-15" and days[-1]["date"] == "2015-09-30"
    assert days[0]["load"] > 0 and {"ctl", "atl", "tsb", "acwr_ewma"} <= set(days[0])
    assert page["next"] is None


def test_readiness_answers_the_labs_frame(api: TestClient) -> None:
    [day] = api.get("/api/athletes/drago/readiness").json()["items"]
    assert (
        day["date"] == WELLNESS_DAY.isoformat()
        and day["hooper"] == 10
        and day["verdict"]
        in {
            "green",
            "amber",
            "red",
            None,
        }
    )
    assert api.get("/api/athletes/rocky/readiness").json() == {"items": [], "next": None}


def test_session_streams_are_columnar(api: TestClient) -> None:
    run = api.get("/api/athletes/drago/sessions").json()["items"][0]
    detail = api.get(f"/api/sessions/{run['id']}").json()
    assert detail["n_records"] == run["n_records"] == 2809 and "n_laps" in detail
    columns = api.get(f"/api/sessions/{run['id']}/streams").json()["columns"]
    assert list(columns)[:2] == ["timestamp", "hr_bpm"] and "lat_deg" in columns
    assert "power_w" not in columns  # no value at all: left out
    assert {len(v) for v in columns.values()} == {2809}
    assert columns["timestamp"][0].startswith("2015-08-15T14:45:08")
    logged = api.get("/api/athletes/rocky/sessions", params={"order": "desc"}).json()["items"][0]
    assert api.get(f"/api/sessions/{logged['id']}/streams").json()["columns"] == {"timestamp": []}


def test_punches_are_an_empty_list_until_detection_exists(api: TestClient) -> None:
    assert api.get("/api/sessions/1/punches").json() == {"items": [], "next": None}


def test_upload_imports_like_the_cli(fresh: TestClient) -> None:
    files = [
        ("files", (UPLOAD.name, UPLOAD.read_bytes(), "application/octet-stream")),
        ("files", (BAD.name, BAD.read_bytes(), "application/octet-stream")),
    ]
    body = fresh.post("/api/athletes/rocky/imports", files=files).json()
    assert body["athlete"] == "Rocky" and body["ok"] is False
    imported, failed = body["results"]
    assert imported["file"] == UPLOAD.name and imported["status"] == "imported"
    assert imported["session_ids"] and failed["status"] == "failed"
    assert failed["file"] == BAD.name and "CRC" in failed["reason"] and "\n" not in failed["reason"]
    again = fresh.post("/api/athletes/rocky/imports", files=files[:1]).json()
    assert again["ok"] is True and again["results"][0]["status"] == "already imported"
    sessions = fresh.get("/api/athletes/rocky/sessions").json()["items"]
    assert imported["session_ids"][0] in [s["id"] for s in sessions]


def test_upload_beyond_the_limit_is_413(fresh: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", 1000)
    files = [("files", (UPLOAD.name, UPLOAD.read_bytes(), "application/octet-stream"))]
    assert "upload larger than" in is_error(
        fresh.post("/api/athletes/rocky/imports", files=files), 413
    )
    is_error(fresh.post("/api/athletes/nobody/imports", files=files[:1]), 413)


def test_upload_for_an_unknown_athlete_is_404(fresh: TestClient) -> None:
    files = [("files", (UPLOAD.name, UPLOAD.read_bytes(), "application/octet-stream"))]
    is_error(fresh.post("/api/athletes/nobody/imports", files=files), 404)


def test_openapi_lists_the_api(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {
        "/api/athletes",
        "/api/athletes/{name}",
        "/api/athletes/{name}/sessions",
        "/api/athletes/{name}/load",
        "/api/athletes/{name}/readiness",
        "/api/sessions/{session_id}",
        "/api/sessions/{session_id}/streams",
        "/api/sessions/{session_id}/punches",
        "/api/athletes/{name}/imports",
        "/api/fights",
        "/api/fights/{fight_id}",
        "/api/fights/{fight_id}/rounds",
        "/api/federation",
        "/api/live/events",
        "/api/live/state",
        "/api/fights/{fight_id}/result",
        "/api/fights/{fight_id}/weigh-in",
        "/api/today",
        "/api/athletes/{name}/today",
        "/api/athletes/{name}/wellness",
        "/api/athletes/{name}/weights",
        "/api/athletes/{name}/rr",
        "/api/athletes/{name}/readiness/now",
        "/api/athletes/{name}/camp",
    } == set(paths)
    assert api.get("/api/docs").status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.2", "example.org", "::"])
def test_serve_refuses_addresses_beyond_this_machine(tmp_path: Path, host: str) -> None:
    """In a subprocess: importing drago.cli.serve here would add `serve` to the CLI of the
    other tests (until drago.cli imports it)."""
    cli = subprocess.run(
        [sys.executable, "-c", SERVE, "--db", str(tmp_path / "x.duckdb"), "serve", "--host", host],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 2
    assert f"error: --host {host}: binding beyond this machine needs team mode with " in cli.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_the_web_imports_neither_duckdb_nor_store_nor_analysis() -> None:
    forbidden = ("duckdb", "drago.store", "drago.analysis", "drago.ingest")
    offenders = []
    for path in sorted((SRC / "web").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(forbidden)]
    assert not offenders


@pytest.mark.slow
def test_cli_import_and_uploads_share_the_store_with_a_running_server(
    tmp_path: Path, stores: Stores
) -> None:
    """One store, two doors: `drago import` in another process while the server answers reads
    and takes uploads; nothing fails obscurely and every session lands."""
    db = stores.copy("web", build_store, tmp_path / "drago.duckdb")
    env = {"DRAGO_LOCK_TIMEOUT_S": "60"}
    port = free_port()
    server = start_server(db, port, env)
    base = f"http://127.0.0.1:{port}"
    by_cli = [
        DATA / "fit" / n
        for n in (
            "garmin-edge500-ride.fit",
            "suunto-run-hrv.fit",
            "garmin-fenix5-walk-hrv.fit",
            "garmin-fenix5-run-short-hrv.fit",
        )
    ]
    by_web = [UPLOAD, DATA / "fit" / "zwift-virtual-ride.fit"]
    statuses: list[int] = []
    stop = threading.Event()

    def read_loop() -> None:
        with httpx.Client(base_url=base, timeout=90) as client:
            while not stop.is_set():
                for url in ("/api/athletes/drago/sessions", "/api/athletes/drago/load", "/"):
                    statuses.append(client.get(url).status_code)

    def upload() -> dict[str, Any]:
        files = [("files", (p.name, p.read_bytes())) for p in by_web]
        answer = httpx.post(f"{base}/api/athletes/rocky/imports", files=files, timeout=90)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    try:
        reader = threading.Thread(target=read_loop)
        reader.start()
        with ThreadPoolExecutor(1) as pool:
            uploaded = pool.submit(upload)
            cli = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "drago",
                    "--db",
                    str(db),
                    "import",
                    *map(str, by_cli),
                    "--athlete",
                    "drago",
                ],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                timeout=120,
            )
            result = uploaded.result(timeout=120)
        stop.set()
        reader.join(120)
        assert cli.returncode == 0, cli.stderr
        assert [r["status"] for r in result["results"]] == ["imported", "imported"]
        assert statuses and set(statuses) == {200}
        with httpx.Client(base_url=base) as client:
            drago_ids = client.get("/api/athletes/drago/sessions").json()["items"]
            rocky_ids = client.get("/api/athletes/rocky/sessions").json()["items"]
    finally:
        server.terminate()
        server.wait(10)
    expected = 2 + sum(len(read(p).sessions) for p in by_cli)
    assert len(drago_ids) == expected
    assert len(rocky_ids) == 2 + sum(len(read(p).sessions) for p in by_web)


def test_an_idle_server_lets_go_of_the_store(built: Path, tmp_path: Path) -> None:
    """After `linger_s` without a request, another process opens the store at once."""
    shutil.copytree(built.parent, tmp_path / "lab")
    db = tmp_path / "lab" / built.name
    probe = [sys.executable, "-m", "drago", "--db", str(db), "athlete", "list", "--format", "json"]
    env = {**os.environ, "DRAGO_LOCK_TIMEOUT_S": "0"}
    with TestClient(create_app(db, linger_s=0.3)) as client:
        keeper = client.app.state.keeper  # type: ignore[attr-defined]
        assert client.get("/api/athletes").status_code == 200
        assert keeper._anchor is not None  # warm while busy
        time.sleep(1.0)
        assert keeper._anchor is None
        free = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=60)
        assert free.returncode == 0, free.stderr
