"""`drago demo`: two athletes through a camp, real recordings and labelled simulations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from drago import Lab
from drago.demo import CAMP_WEEKS, build


def test_demo_lab(tmp_path: Path) -> None:
    built = build(tmp_path / "demo", today=date(2026, 11, 26))
    with Lab(built.path) as lab:
        athletes = lab.athletes.list()
        assert sorted(athletes["name"]) == ["drago", "rocky"]
        drago = lab.sessions.list(athlete="drago")
        recorded = drago.filter(drago["source_sha256"].is_not_null())
        assert recorded.height == 4 * CAMP_WEEKS and (recorded["n_records"] > 0).all()
        assert recorded["start"].min().date() == date(2026, 10, 1)  # type: ignore[union-attr]
        manual = drago.filter(drago["source_sha256"].is_null())
        assert manual["notes"].str.contains("simulated").all()
        rocky = lab.sessions.list(athlete="rocky")
        assert rocky["source_sha256"].is_null().all()
        assert rocky["notes"].str.contains("simulated").all() and rocky["rpe"].is_not_null().all()
        assert {"run", "strength", "conditioning", "sparring"} <= set(rocky["activity"])
        status = lab.load.status("rocky", as_of=date(2026, 11, 25))
        assert status.today["ctl"] > 0
        readiness = lab.readiness.series("drago")
        assert readiness.height == 7 * CAMP_WEEKS
        assert readiness["ln_rmssd"].is_not_null().all() and readiness["reliable"].all()
        assert readiness["normal_low"].is_not_null().sum() > 0
        assert lab.readiness.series("rocky")["ln_rmssd"].is_null().all()
    with pytest.raises(FileExistsError):
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "thesis.tex").write_text("precious")
        build(tmp_path / "mine")
    rebuilt = build(tmp_path / "demo", today=date(2026, 11, 26))
    assert rebuilt.n_sessions == built.n_sessions
