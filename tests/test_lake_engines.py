"""The three engines give the same numbers on the same synthetic lake.

Each test session starts one Dask LocalCluster and one Spark local session and stops them;
Spark needs Java: without it the Spark test skips, except under CI=true where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from drago.lake import compute, spark_session
from drago.store.lake_files import read_manifest, read_results
from drago.store.lake_files.write import file_digest

CONTRACT = ("athlete", "date", "load", "ctl", "atl", "tsb", "acwr_ewma")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from drago.lake import synth

    root = tmp_path_factory.mktemp("engines") / "fed"
    synth(root, athletes=5, years=1, seed=1)
    return root


@pytest.fixture(scope="module", autouse=True)
def small_buckets() -> Iterator[None]:
    """Buckets of 2 athletes, so 5 athletes make 2 buckets (3 and 2) on every engine."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("drago.store.lake_files.layout.BUCKET_ATHLETES", 2)
        yield


@pytest.fixture(scope="module")
def local_out(lake: Path) -> pl.DataFrame:
    out = lake.parent / "out-local"
    done = compute(lake, engine="local", out=out)
    assert done.athletes == 5 and done.rows > 5 * 300
    return read_results(out)


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is missing under CI: the Spark engine must be tested there")
        pytest.skip("Java is not installed: PySpark cannot start a JVM")
    session = spark_session("local[2]")
    yield session
    session.stop()


def test_local_output_follows_the_contract(lake: Path, local_out: pl.DataFrame) -> None:
    assert set(CONTRACT) <= set(local_out.columns)
    manifest = read_manifest(lake.parent / "out-local", kind="drago-lake-results")
    assert manifest["engine"] == "local" and manifest["synthetic"] is True
    parts = manifest["tables"]["daily"]["partitions"]
    assert list(parts) == ["daily/bucket=0000/part-0.parquet", "daily/bucket=0001/part-0.parquet"]
    assert [len(e["athletes"]) for e in parts.values()] == [3, 2]
    for path, entry in parts.items():  # each file holds its athletes, whole, and its checksum
        held = pl.read_parquet(lake.parent / "out-local" / path)
        assert sorted(held["athlete"].unique()) == entry["athletes"]
        assert held.height == entry["rows"]
        assert file_digest(lake.parent / "out-local" / path) == entry["sha256"]
    # every athlete's days are consecutive, and the readiness columns are filled where mornings are
    gaps = local_out.group_by("athlete").agg(pl.col("date").diff().dt.total_days().max())
    assert gaps["date"].to_list() == [1] * 5
    assert local_out["verdict"].is_not_null().mean() > 0.8  # type: ignore[operator]


def test_dask_equals_local(lake: Path, local_out: pl.DataFrame, dask_scheduler: str) -> None:
    out = lake.parent / "out-dask"
    done = compute(lake, engine="dask", out=out, scheduler=dask_scheduler)
    assert done.rows == local_out.height
    assert_frame_equal(read_results(out), local_out, rel_tol=1e-9, abs_tol=1e-9)


def test_spark_equals_local(lake: Path, local_out: pl.DataFrame, spark: Any) -> None:
    out = lake.parent / "out-spark"
    done = compute(lake, engine="spark", out=out, spark=spark)
    assert done.rows == local_out.height
    assert_frame_equal(read_results(out), local_out, rel_tol=1e-9, abs_tol=1e-9)


def test_a_method_and_an_end_date_reach_every_engine(
    lake: Path, local_out: pl.DataFrame, dask_scheduler: str
) -> None:
    from datetime import date

    end = date(2026, 6, 30)
    out = lake.parent / "out-srpe"
    compute(lake, engine="dask", out=out, scheduler=dask_scheduler, method="srpe", as_of=end)
    dask = read_results(out)
    compute(lake, engine="local", out=out, method="srpe", as_of=end)
    local = read_results(out)
    assert_frame_equal(dask, local, rel_tol=1e-9, abs_tol=1e-9)
    assert local["date"].max() == end
    earlier = local_out.filter(pl.col("date") <= end)
    assert not local["load"].equals(earlier["load"])  # sRPE load, not the auto mix


def test_results_are_rewritten_whole_and_unchanged_files_kept(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = compute(lake, engine="local", out=out)
    assert (first.written.written, first.written.unchanged) == (2, 0)
    again = compute(lake, engine="local", out=out)
    assert (again.written.written, again.written.unchanged) == (0, 2)
    with pytest.MonkeyPatch.context() as patch:  # one bucket now: the second file goes
        patch.setattr("drago.store.lake_files.layout.BUCKET_ATHLETES", 16)
        fewer = compute(lake, engine="local", out=out)
    assert (fewer.written.written, fewer.written.removed) == (1, 1)
    assert sorted(p.parent.name for p in out.rglob("*.parquet")) == ["bucket=0000"]
    assert read_results(out)["athlete"].n_unique() == 5
