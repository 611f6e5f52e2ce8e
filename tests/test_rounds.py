"""Rounds from laps and templates: per-round HR and HR recovery on simulated sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from drago.analysis.round_hr import ROUND_SCHEMA, rounds_from_laps, rounds_from_template

T0 = datetime(2026, 5, 1, 18, tzinfo=UTC)


def boxing(rounds: int = 3, work_s: int = 180, rest_s: int = 60) -> np.ndarray:
    """HR of a bag session: work climbs 150 -> 179 bpm; rest falls 1 bpm/s from the peak."""
    work = 150.0 + np.arange(work_s) * 30 / work_s
    rest = 180.0 - np.arange(1, rest_s + 1)
    return np.tile(np.r_[work, rest], rounds)


def records(hr: np.ndarray, session: int = 0, t: np.ndarray | None = None) -> pl.DataFrame:
    seconds = np.arange(hr.size) if t is None else t
    return pl.DataFrame(
        {
            "session_index": [session] * hr.size,
            "timestamp": [T0 + timedelta(seconds=float(s)) for s in seconds],
            "hr_bpm": hr,
        },
        schema={
            "session_index": pl.Int32,
            "timestamp": pl.Datetime("us", "UTC"),
            "hr_bpm": pl.Float64,
        },
    )


def laps_of(durations: list[float], **extra: list[object]) -> pl.DataFrame:
    starts = np.r_[0.0, np.cumsum(durations)[:-1]]
    return pl.DataFrame(
        {
            "session_index": [0] * len(durations),
            "lap_index": list(range(len(durations))),
            "start": [T0 + timedelta(seconds=float(s)) for s in starts],
            "duration_s": durations,
            **extra,
        }
    )


def test_template_rounds_by_hand() -> None:
    out = rounds_from_template(records(boxing(3)))
    assert out.schema == pl.Schema(ROUND_SCHEMA)
    assert out["round"].to_list() == [1, 2, 3]
    assert out["start"][1] == T0 + timedelta(seconds=240)
    assert out["end"][1] == T0 + timedelta(seconds=420)
    assert out["hr_avg_bpm"].to_list() == pytest.approx([150 + 89.5 * 30 / 180] * 3)
    assert out["hr_max_bpm"].to_list() == pytest.approx([150 + 179 * 30 / 180] * 3)
    # end of work: mean of seconds 175..179 of the round
    end = np.mean(150 + np.arange(175, 180) * 30 / 180)
    assert out["hr_end_bpm"][0] == pytest.approx(end)
    # 60 s into the rest: mean of rest seconds 55..59 (HR 124 .. 120)
    assert out["hrr_60s_bpm"].to_list() == pytest.approx([end - 122.0] * 3)
    assert out["hrr_bpm"].to_list() == [[pytest.approx(end - 122.0)]] * 3


def test_template_with_a_longer_rest_gives_a_recovery_per_minute() -> None:
    out = rounds_from_template(records(boxing(2, rest_s=120)), rest_s=120)
    end = out["hr_end_bpm"][0]
    assert out["hrr_bpm"][0].to_list() == pytest.approx([end - 122.0, end - 62.0])


def test_template_counts_only_whole_rounds_and_honours_start_and_rounds() -> None:
    hr = boxing(3)[: 240 * 2 + 100]  # the third round is cut short
    assert rounds_from_template(records(hr)).height == 2
    assert rounds_from_template(records(hr), rounds=1).height == 1
    late = rounds_from_template(records(hr), start=T0 + timedelta(seconds=240))
    assert late["start"].to_list() == [T0 + timedelta(seconds=240)]
    assert late["hrr_60s_bpm"][0] is not None


def test_laps_alternating_work_and_rest() -> None:
    laps = laps_of([180.0, 60.0] * 3)
    out = rounds_from_laps(laps, records(boxing(3)))
    expected = rounds_from_template(records(boxing(3)))
    assert out.equals(expected)


def test_laps_marked_as_rest_and_laps_without_rest() -> None:
    hr = np.r_[np.full(600, 120.0), boxing(2)]  # a warm-up lap breaks strict alternation
    t = np.arange(hr.size)
    laps = laps_of([600.0, 180.0, 60.0, 180.0, 60.0], is_rest=[True, False, True, False, True])
    out = rounds_from_laps(laps, records(hr, t=t))
    assert out["round"].to_list() == [1, 2]
    assert out["start"][0] == T0 + timedelta(seconds=600)
    assert out["hrr_60s_bpm"][0] == pytest.approx(out["hr_end_bpm"][0] - 122.0)
    every = rounds_from_laps(laps.drop("is_rest"), records(hr, t=t))
    assert every.height == 5 and every["rest_s"].null_count() == 5  # back-to-back laps
    with pytest.raises(ValueError, match="valid: auto, alternate, none"):
        rounds_from_laps(laps, records(hr), layout="boxing")


def test_dropout_and_missing_hr() -> None:
    hr = boxing(1)
    clean = rounds_from_template(records(hr))
    holed = hr.copy()
    holed[60:90] = np.nan  # strap lost for 30 s mid-round
    out = rounds_from_template(records(holed))
    kept = np.r_[hr[:60], hr[90:180]]
    assert out["hr_avg_bpm"][0] == pytest.approx(kept.mean())
    assert out["hrr_60s_bpm"][0] == pytest.approx(clean["hrr_60s_bpm"][0])
    blank = rounds_from_template(records(np.full(240, np.nan)))
    assert blank.row(0, named=True)["hr_avg_bpm"] is None
    assert blank["hrr_bpm"][0].to_list() == [None]
    assert not blank.select(pl.col(pl.Float64).is_nan().any()).row(0).count(True)
