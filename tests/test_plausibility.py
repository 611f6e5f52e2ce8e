"""Plausibility at every door: impossible values refused, implausible recordings flagged and
kept out of load until a person trusts them; one load scale in every listing."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.plausibility import session_plausibility
from drago.errors import BadInput, UsageError
from drago.lab import Lab
from tests.conftest import DATA, Cli


def test_hr_rest_at_or_above_max_is_refused(cli: Cli) -> None:
    result = cli("athlete", "add", "x", "--sex", "m", "--hr-max", "100", "--hr-rest", "120", code=2)
    assert "error:" in result.output and "Traceback" not in result.output
    result = cli("athlete", "add", "x", "--sex", "m", "--hr-max", "125", "--hr-rest", "110", code=2)
    assert "below HR max" in result.output
    cli("athlete", "add", "x", "--sex", "m", "--hr-max", "190", "--hr-rest", "50")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_nan_and_inf_are_refused_everywhere(
    cli: Cli, athlete: Callable[..., str], value: str
) -> None:
    athlete("drago")
    cli("athlete", "set", "drago", "--hr-max", value, code=2)
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-01-02",
        "--minutes",
        value,
        "--rpe",
        "5",
        "--activity",
        "run",
        code=2,
    )
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        value,
        "--activity",
        "run",
        code=2,
    )
    assert cli.json("sessions") == []


def test_python_api_refuses_with_bad_input(drago_home: Path) -> None:
    with Lab(drago_home / "d.duckdb") as lab:
        with pytest.raises(BadInput):
            lab.athletes.add("a", sex="m", hr_max_bpm=100, hr_rest_bpm=120)
        lab.athletes.add("b", sex="m", hr_max_bpm=190, hr_rest_bpm=50)
        for bad in (math.nan, math.inf):
            with pytest.raises(BadInput):
                lab.sessions.log(
                    athlete="b", day=date(2026, 1, 2), minutes=bad, rpe=5, activity="run"
                )
        lab.athletes.set("b", values={"hr_rest_bpm": 105.0})
        with pytest.raises(BadInput, match="HR rest 105 bpm must be at least 20 bpm below"):
            lab.athletes.set("b", values={"hr_max_bpm": 120.0})
        with pytest.raises(UsageError):  # also a usage error: exit 2 in the CLI
            lab.athletes.set("b", values={"hr_max_bpm": 60.0})


def test_a_log_more_than_a_day_ahead_is_refused(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    result = cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2030-01-01",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "run",
        code=2,
    )
    assert "in the future" in result.output
    tomorrow = (date.today() + timedelta(days=1)).isoformat()  # time zones: a day ahead is fine
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        tomorrow,
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "run",
    )


def test_stored_impossible_values_no_longer_crash_recompute(
    cli: Cli, athlete: Callable[..., str], db: Path
) -> None:
    import duckdb

    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    with duckdb.connect(str(db)) as con:  # a store from before drago refused them
        con.execute("UPDATE athlete_values SET value = 120 WHERE name = 'hr_rest_bpm'")
        con.execute("UPDATE athlete_values SET value = 100 WHERE name = 'hr_max_bpm'")
    result = cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    assert "Traceback" not in result.output
    cli("recompute")


def test_plausibility_rules_by_hand() -> None:
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "activity": ["ride", "run", "run", "ride", "run", "bag"],
            "duration_s": [30600.0, 3600.0, 3600.0, 3600.0, 3600.0, 3600.0],
            "span_s": [97200.0, 3600.0, 3600.0, 3600.0, 4150.0, None],
            "hr_min_bpm": [60.0, 20.0, 60.0, 60.0, 60.0, None],
            "hr_max_bpm": [180.0, 150.0, 241.0, 180.0, 240.0, None],
            "speed_p99_ms": [12.0, 3.0, 3.0, 20.0, 12.6, None],
        }
    )
    reasons = session_plausibility(frame)["reason"].to_list()
    assert reasons[0] == "HR stream spans 27.0 h in a 8.5 h recording"
    assert reasons[1] == "HR 20 bpm outside 25-240 bpm"
    assert reasons[2] == "HR 241 bpm outside 25-240 bpm"
    assert reasons[3] is None  # 20 m/s is a fast ride, not an impossible one
    assert reasons[4] == "speed 12.6 m/s beyond any human on foot"  # span within 10 min
    assert reasons[5] is None  # no records, nothing to doubt


def test_flagged_recording_stays_out_of_load_until_trusted(
    cli: Cli, athlete: Callable[..., str], db: Path
) -> None:
    import duckdb

    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["suspect_reason"] is None and session["load"] > 0
    with duckdb.connect(str(db)) as con:  # a strap that reported 255 bpm for a while
        con.execute("UPDATE records SET hr_bpm = 255 WHERE hr_bpm > 150")
    cli("recompute")
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["suspect_reason"] == "HR 255 bpm outside 25-240 bpm"
    assert session["load"] is None and session["load_method"] == "not counted"
    assert "implausible, not in load" in cli("sessions").stdout
    day = session["start"][:10]
    assert all(r["load"] == 0 for r in cli.json("load", "drago", "--as-of", day))
    cli("session", "set", str(session["id"]), "--trust")
    [trusted] = cli.json("sessions", "--athlete", "drago")
    assert trusted["trusted"] is True and trusted["load"] > 0
    assert cli.json("load", "drago", "--as-of", day)[-1]["load"] == pytest.approx(trusted["load"])


def test_one_load_scale_in_every_listing(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-01-02",
        "--minutes",
        "60",
        "--rpe",
        "7",
        "--activity",
        "bag",
    )
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["srpe_load"] == 420
    assert session["load"] == pytest.approx(168.0)  # 420 x 0.40, the population ratio
    assert session["load_method"] == "srpe x 0.40 (population)"
    [day] = cli.json("load", "drago", "--since", "2026-01-02", "--as-of", "2026-01-02")
    assert day["load"] == pytest.approx(session["load"])
    assert "168" in cli("sessions").stdout


def test_the_api_answers_an_implausible_value_with_422() -> None:
    from drago.errors import ImplausibleValue
    from drago.web.app import error_status

    assert error_status(ImplausibleValue("hr max nan must be a finite number")) == 422
    assert error_status(UsageError("unknown load method")) == 400


def test_a_real_ride_whose_hr_spans_27_hours_is_flagged(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    """The Bryton ride's records span 27.8 h in an 8.6 h recording: imported, named, and kept
    out of load (it counted 979 TRIMP before)."""
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    result = cli(
        "import", str(DATA / "fit" / "bryton-big-activity-100k-records.fit"), "--athlete", "drago"
    )
    assert "imported 1 files" in result.stdout
    assert "flagged session" in result.stdout and "27.8 h in a 8.6 h recording" in result.stdout
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["trimp_banister"] > 0 and session["load"] is None
    day = session["start"][:10]
    assert all(r["load"] == 0 for r in cli.json("load", "drago", "--as-of", day))


def test_nan_and_inf_in_python_api_frames_are_refused() -> None:
    from drago.analysis.camp.fit import performance_fit
    from drago.analysis.camp.plan import plan_camp
    from drago.analysis.camp.weight import weight_trajectory

    days = [date(2026, 1, 1) + timedelta(i) for i in range(60)]
    daily = pl.DataFrame({"date": days, "load": [50.0] * 59 + [math.nan]})
    tests = pl.DataFrame({"date": days[10::5], "performance": [300.0] * 10})
    with pytest.raises(BadInput, match="finite"):
        performance_fit(daily, tests)
    with pytest.raises(BadInput, match="finite"):
        performance_fit(
            daily.fill_nan(1.0), tests.with_columns(pl.lit(math.inf).alias("performance"))
        )
    with pytest.raises(BadInput, match="finite"):
        plan_camp(daily, fight_date=days[-1] + timedelta(60))
    with pytest.raises(BadInput, match="finite"):
        weight_trajectory(pl.DataFrame({"date": days[:2], "kg": [70.0, math.inf]}), days[9], 66.0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_plausibility_never_fails_on_any_number(rows: list[tuple[float | None, ...]]) -> None:
    """Whatever a damaged file holds (1e308 bpm, inf, NaN), each session gets a reason or
    none, and one outside the HR range is flagged with its value."""
    frame = pl.DataFrame(
        {
            "id": list(range(len(rows))),
            "activity": ["run"] * len(rows),
            "duration_s": [3600.0] * len(rows),
            "span_s": [3600.0] * len(rows),
            "hr_min_bpm": [r[0] for r in rows],
            "hr_max_bpm": [r[1] for r in rows],
            "speed_p99_ms": [r[2] for r in rows],
        },
        schema_overrides={n: pl.Float64 for n in ("hr_min_bpm", "hr_max_bpm", "speed_p99_ms")},
    )
    reasons = session_plausibility(frame)["reason"].to_list()
    for (_, hr_max, _), reason in zip(rows, reasons, strict=True):
        if hr_max is not None and hr_max > 240:
            assert reason is not None and "HR " in reason


def test_a_file_with_an_absurd_hr_is_flagged_not_a_traceback(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    """A GPX whose strap wrote 1e308 or 1e30 bpm imports, is flagged, and recompute runs."""
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    source = (DATA / "gpx" / "goldencheetah-urbanbiker-hr.gpx").read_text(encoding="utf-8")
    for n, value in enumerate(("1e308", "1e30")):
        path = tmp_path / f"absurd-{n}.gpx"
        path.write_text(source.replace("<gpxtpx:hr>125<", f"<gpxtpx:hr>{value}<"), encoding="utf-8")
        answer = cli("import", str(path), "--athlete", "drago")
        assert "Traceback" not in answer.output and "flagged session" in answer.output
    cli("recompute")
    with Lab(cli.db) as lab:
        reasons = lab.sessions.list(athlete="drago")["suspect_reason"].drop_nulls().to_list()
    assert len(reasons) == 2 and all(r.startswith("HR 1") for r in reasons), reasons


def test_a_listing_with_an_infinite_value_is_json(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    """A strap's 1e308 bpm averages to inf: the JSON listing writes null, not a ValueError."""
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    source = (DATA / "gpx" / "goldencheetah-urbanbiker-hr.gpx").read_text(encoding="utf-8")
    path = tmp_path / "absurd.gpx"
    path.write_text(source.replace("<gpxtpx:hr>125<", "<gpxtpx:hr>1e308<"), encoding="utf-8")
    cli("import", str(path), "--athlete", "drago")
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["hr_avg_bpm"] is None  # not finite: null, as json_safe writes it
