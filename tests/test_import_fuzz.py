"""Property: damaged bytes never crash an import, and a refused file leaves the store unchanged."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drago import Lab
from tests.conftest import DATA

SOURCES = [
    DATA / "fit" / "garmin-fenix5-run-short-hrv.fit",
    DATA / "fit" / "garmin-fr920xt-triathlon-chained.fit",
    DATA / "tcx" / "sup-activity.tcx",
    DATA / "gpx" / "garmin-connect-ride-hr-riderx3.gpx",
]
TABLES = ("files", "sessions", "records", "laps", "rr_intervals")
_names = itertools.count()


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    source = draw(st.sampled_from(SOURCES))
    data = bytearray(source.read_bytes())
    how = draw(st.sampled_from(["truncate", "flip", "random", "splice"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= 1 << draw(st.integers(0, 7))
    elif how == "random":
        data = bytearray(draw(st.binary(min_size=0, max_size=2048)))
    else:
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return source.suffix, bytes(data)


def snapshot(lab: Lab, folder: Path) -> tuple[tuple[int, ...], list[str]]:
    counts = tuple(lab.store.one(f"SELECT count(*) FROM {t}")[0] for t in TABLES)  # type: ignore[index]
    originals = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    return counts, originals


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("fuzzlab")
    lab = Lab(root / "drago.duckdb")
    lab.athletes.add("drago", sex="m")
    return lab


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged())
def test_damaged_files_fail_cleanly_or_import_whole(lab: Lab, case: tuple[str, bytes]) -> None:
    suffix, data = case
    folder = lab.store.originals.root
    path = folder.parent / "incoming" / f"case-{next(_names)}{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    before = snapshot(lab, folder)
    [outcome] = lab.sessions.import_paths([path], athlete="drago").outcomes
    after = snapshot(lab, folder)
    if outcome.status == "failed":
        assert outcome.reason and "\n" not in outcome.reason
        assert "internal error" not in outcome.reason
        assert after == before
    elif outcome.status == "imported":
        assert after[0][0] == before[0][0] + 1 and after[0][1] > before[0][1]
    else:
        assert outcome.status == "already imported" and after == before
