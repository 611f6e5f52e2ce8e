"""`drago live` as a user runs it: a real process, a real port, Server-Sent Events, the store.

The contract: `drago --db PATH live --replay NAME=FILE ... --speed X --port P --no-browser`
serves /live and /api/live/events, ends by itself when the replays end, stores each
athlete's session and prints its id (exit 0); again, it finds the same session. A session
killed with SIGKILL keeps everything up to its last flush, stored by the next start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from drago.lab import Lab
from tests.test_live_session import FIT, LEFT

EVENT_KEYS = {"athlete", "t_s", "hr_bpm", "round"}


def start(db: Path, *args: str) -> subprocess.Popen[str]:
    cmd = [
        sys.executable,
        "-m",
        "drago",
        "--db",
        str(db),
        "live",
        "--port",
        "0",
        "--no-browser",
        *args,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def url_of(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "drago live on http://" in line, (line, proc.stderr.read() if proc.stderr else "")
    return line.split(" on ", 1)[1].split()[0].removesuffix("/live")


def add_rocky(db: Path) -> None:
    with Lab(db) as lab:
        lab.athletes.add("rocky", sex="m", hr_max_bpm=190, hr_rest_bpm=55)


def test_the_contract_end_to_end(db: Path) -> None:
    add_rocky(db)
    args = [
        "--replay",
        f"rocky={FIT}",
        "--replay",
        f"rocky:left={LEFT}",
        "--speed",
        "100",
        "--round-s",
        "20",
        "--rest-s",
        "10",
    ]
    proc = start(db, *args)
    base = url_of(proc)
    events: list[dict[str, Any]] = []
    with httpx.stream("GET", f"{base}/api/live/events", timeout=60) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        for line in answer.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert len(events) > 100 and all(set(e) >= EVENT_KEYS for e in events)
    assert any(e["hr_bpm"] for e in events) and len({e["round"] for e in events}) > 3
    assert [e["t_s"] for e in events if e["athlete"] == "rocky"][-1] > 1000
    session_id = int(out.split("rocky: session ")[1].split()[0])
    assert "stored" in out and "left IMU" in out
    again = start(db, *args)
    url_of(again)
    out2, _ = again.communicate(timeout=60)
    assert again.returncode == 0 and f"rocky: session {session_id} already stored" in out2
    with Lab(db) as lab:
        assert lab.sessions.list(athlete="rocky").height == 1
        streams = lab.streams.records(session_id)
        assert streams.height > 1000


def test_kill_9_keeps_everything_up_to_the_last_flush(db: Path) -> None:
    add_rocky(db)
    speed = 20.0
    proc = start(db, "--replay", f"rocky={FIT}", "--speed", str(speed))
    url_of(proc)
    started = time.monotonic()  # the session starts right after it prints its address
    folder = db.parent / "live"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = sum(len(p.read_text().splitlines()) for p in folder.glob("*.jsonl"))
        if lines > 100:
            break
        time.sleep(0.2)
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    proc.wait(10)
    (journal,) = folder.glob("*.jsonl")
    rows = [json.loads(x) for x in journal.read_text().splitlines() if x.strip()]
    last_t = max(r["t"] for r in rows if r["kind"] == "hr")
    # flushed every second: the journal holds the session up to a few seconds before the kill
    # (5 s of margin for a machine busy with other work)
    assert last_t >= ((killed - started) - 5.0) * speed
    recovered = subprocess.run(
        [sys.executable, "-m", "drago", "--db", str(db), "live"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert recovered.returncode == 0, recovered.stderr
    assert "recovered rocky's killed session: session " in recovered.stdout
    assert not list(folder.glob("*.jsonl"))
    with Lab(db) as lab:
        (session_id,) = lab.sessions.list(athlete="rocky")["id"].to_list()
        streams = lab.streams.records(int(session_id))
    assert streams.height == sum(1 for r in rows if r["kind"] == "hr")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replay", "rocky"], "expected NAME=FILE"),
        (["--replay", "nobody=x.fit"], "no athlete nobody"),
        (["--replay", "rocky:middle=x.csv"], "left or right"),
        (["--replay", f"rocky={LEFT}"], None),
    ],
)
def test_bad_usage_is_one_line(cli: Any, db: Path, args: list[str], message: str | None) -> None:
    add_rocky(db)
    if message is None:  # an IMU file whose name says its hand is fine; a missing file is not
        args = ["--replay", "rocky=/no/such.fit"]
        message = "cannot read"
    result = cli("live", "--no-browser", "--port", "0", *args, code=None)
    assert result.exit_code in (1, 2)
    assert message in result.output and "Traceback" not in result.output


def test_ctrl_c_ends_the_session_and_stores_it(db: Path) -> None:
    add_rocky(db)
    proc = start(db, "--replay", f"rocky={FIT}")  # real time: far longer than the test
    url_of(proc)
    folder = db.parent / "live"
    for _ in range(600):
        if any('"kind": "hr"' in p.read_text() for p in folder.glob("*.jsonl")):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "rocky: session 1 stored" in out and not list(folder.glob("*.jsonl"))
