"""The store: migrations on open, the data dir, transactions, originals."""

from __future__ import annotations

from pathlib import Path

import pytest

from drago.store import Store, default_db_path
from drago.store.db import migrations
from drago.store.originals import Originals, sha256_hex


def test_migrations_are_numbered_and_applied_once(tmp_path: Path) -> None:
    versions = [version for version, _, _ in migrations()]
    assert versions == sorted(set(versions)) and versions[0] == 1
    with Store(tmp_path / "lab.duckdb") as store:
        assert store.schema_version == versions[-1]
    with Store(tmp_path / "lab.duckdb") as store:
        rows = store.con.execute("SELECT count(*) FROM schema_migrations").fetchone()
        assert rows == (len(versions),)


def test_default_path_follows_drago_home(drago_home: Path) -> None:
    assert default_db_path() == drago_home / "drago.duckdb"


def test_default_path_without_drago_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRAGO_HOME", raising=False)
    path = default_db_path()
    assert path.name == "drago.duckdb" and "drago" in path.parent.as_posix()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Store(tmp_path / "lab.duckdb") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.con.execute(
                "INSERT INTO athletes (name, name_key, sex, created_utc) "
                "VALUES ('a', 'a', 'm', now())"
            )
            raise RuntimeError("boom")
        assert store.one("SELECT count(*) FROM athletes") == (0,)


def test_originals_are_kept_byte_for_byte(tmp_path: Path) -> None:
    originals = Originals(tmp_path / "originals")
    data = bytes(range(256)) * 10
    sha = sha256_hex(data)
    path = originals.keep(data, sha, "FIT")
    assert path.name == f"{sha}.fit" and path.read_bytes() == data
    assert originals.keep(data, sha, "fit") == path
    assert [p.name for p in (tmp_path / "originals").iterdir()] == [path.name]
