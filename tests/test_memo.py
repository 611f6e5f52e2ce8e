"""Derived series shared across labs (the web server's memo) follow every write, whoever
makes it: another lab of the process, another process, or the lab itself mid-transaction."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from drago.lab import Lab, Memo

DAY = date(2026, 3, 2)


def make_lab(db: Path) -> None:
    with Lab(db) as lab:
        lab.athletes.add("ivan", sex="m", tz="UTC")
        for i in range(10):
            lab.sessions.log(
                athlete="ivan", day=DAY + timedelta(days=i), minutes=60, rpe=5, activity="bag"
            )


def total_load(lab: Lab) -> float:
    return float(lab.load.series("ivan", until=DAY + timedelta(days=20))["load"].sum())


def test_shared_memo_answers_from_memory_until_another_lab_writes(tmp_path: Path) -> None:
    db = tmp_path / "drago.duckdb"
    make_lab(db)
    memo = Memo()
    with Lab(db, memo=memo) as lab:
        before = total_load(lab)
    with Lab(db, memo=memo) as lab:
        hits = memo.hits
        assert total_load(lab) == before
        assert memo.hits > hits
    with Lab(db) as writer:
        writer.sessions.log(
            athlete="ivan", day=DAY + timedelta(days=12), minutes=30, rpe=8, activity="sparring"
        )
    with Lab(db, memo=memo) as lab, Lab(db) as fresh:
        assert total_load(lab) == total_load(fresh) > before


def test_shared_memo_sees_a_write_from_another_process(tmp_path: Path) -> None:
    db = tmp_path / "drago.duckdb"
    make_lab(db)
    memo = Memo()
    with Lab(db, memo=memo) as lab:
        before = total_load(lab)
        names = lab.athletes.list()["name"].to_list()
    script = (
        "from datetime import date; from drago.lab import Lab\n"
        f"with Lab({str(db)!r}) as lab:\n"
        "    lab.athletes.add('rocky', sex='m', tz='UTC')\n"
        f"    lab.sessions.log(athlete='ivan', day=date({DAY.year}, {DAY.month}, {DAY.day + 13}), "
        "minutes=20, rpe=10, activity='sparring')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with Lab(db, memo=memo) as lab, Lab(db) as fresh:
        assert total_load(lab) == total_load(fresh) > before
        assert sorted(lab.athletes.list()["name"].to_list()) == sorted([*names, "rocky"])


def test_reads_inside_a_transaction_see_its_writes(tmp_path: Path) -> None:
    db = tmp_path / "drago.duckdb"
    make_lab(db)
    with Lab(db) as lab:
        assert lab.athletes.list().height == 1
        with lab.store.transaction():
            lab.store.run(
                "INSERT INTO athletes (name, name_key, sex, tz, created_utc) "
                "VALUES ('Rocky', 'rocky', 'm', 'UTC', now())"
            )
            assert lab.athletes.list().height == 2
        assert lab.athletes.list().filter(pl.col("name") == "Rocky").height == 1


def test_memo_drops_the_least_recently_used() -> None:
    memo = Memo(max_entries=2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1
    memo.put("c", 3)
    assert memo.get("b") is None
    assert (memo.get("a"), memo.get("c"), len(memo)) == (1, 3, 2)
