"""Punch analytics of IMU files and stored sessions: read, detect, classify, measure, group by
round (`lab.punches`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import polars as pl

from drago.analysis.punches.analyse import punches_analyse, punches_analyse_pair
from drago.analysis.punches.classify import TYPES
from drago.analysis.punches.rounds import decrement_score, round_of, round_table
from drago.errors import UsageError
from drago.ingest.imu import ACC_COLUMNS, GYRO_COLUMNS, read_imu
from drago.lab.context import LabContext, Service
from drago.lab.sessions import SessionsService
from drago.store.athletes import session_stance
from drago.store.imu import has_imu, imu_samples, recent_imu_sessions
from drago.vocab import HANDS, STANCES
from drago.vocab import HandName as Hand
from drago.vocab import StanceName as Stance

#: What the JSON answer says about its speed and power numbers.
RELATIVE_NOTE: Final = (
    "speed_ms and power_au are relative estimates from one wrist IMU (not validated against "
    "an external reference): compare them within one athlete and sensor only"
)
#: With a gyroscope, speed is integrated in a world frame (drago.analysis.punches.speed).
GYRO_SPEED_NOTE: Final = (
    "speed_ms is m/s from a world-frame integration (gyroscope + gravity) between still "
    "moments; power_au stays a relative proxy"
)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


class PunchesService(Service):
    """Punches of IMU files and of stored sessions (`lab.punches`)."""

    def __init__(self, ctx: LabContext, sessions: SessionsService) -> None:
        super().__init__(ctx)
        self._sessions = sessions

    def analyse_file(
        self,
        path: str | Path,
        *,
        gyro: str | Path | None = None,
        hand: str | None = None,
        stance: str | None = None,
        work_s: float = 180.0,
        rest_s: float = 60.0,
        mapping: str | None = None,
        other: str | Path | None = None,
        other_gyro: str | Path | None = None,
    ) -> dict[str, Any]:
        """Punches and rounds of one IMU recording (and optionally the other hand's).

        `hand` is the hand wearing the sensor of `path` (left/right; None: unknown, so types
        are `unknown` and only classes are given); `stance` orthodox (default) or southpaw.
        `other` names the other hand's file: both are analysed on one clock and each hand's
        detections that are the other's punch felt through the body are dropped. Returns the
        JSON contract of `drago punches` (see docs/punches.md).
        """
        if hand is not None and hand not in HANDS:
            raise UsageError(f"hand must be left or right, not {hand!r}")
        stance = stance or "orthodox"
        if stance not in STANCES:
            raise UsageError(f"stance must be orthodox or southpaw, not {stance!r}")
        if work_s <= 0 or rest_s < 0:
            raise UsageError("work must be positive and rest not negative (seconds)")
        if other is not None and hand is None:
            raise UsageError("with the other hand's file, say which hand FILE is (--hand)")
        rec = read_imu(path, gyro=gyro, mapping=mapping)
        st = cast(Stance, stance)
        duration = rec.duration_s
        if other is None:
            table = punches_analyse(
                rec.acc_ms2(), rec.gyro_rads(), rec.rate_hz, hand=cast(Hand | None, hand), stance=st
            )
        else:
            rec2 = read_imu(other, gyro=other_gyro, mapping=mapping)
            offset = 0.0
            if rec.start is not None and rec2.start is not None:
                offset = (rec2.start - rec.start).total_seconds()
            mine = (rec.acc_ms2(), rec.gyro_rads(), rec.rate_hz)
            theirs = (rec2.acc_ms2(), rec2.gyro_rads(), rec2.rate_hz)
            left, right = (mine, theirs) if hand == "left" else (theirs, mine)
            table = punches_analyse_pair(
                left, right, right_offset_s=offset if hand == "left" else -offset, stance=st
            )
            duration = max(duration, rec2.duration_s + max(offset, 0.0))
        meta = {
            "file": str(path),
            "format": rec.format,
            "rate_hz": round(rec.rate_hz, 3),
            "resampled": rec.resampled,
            "has_gyro": rec.has_gyro,
            "start_utc": None if rec.start is None else rec.start.isoformat(),
        }
        return punch_report(table, duration, st, work_s, rest_s, meta, has_gyro=rec.has_gyro)

    def imu_trace(self, session_id: int, *, max_points: int = 6000) -> pl.DataFrame:
        """Each hand's acceleration magnitude (m/s², gravity included) against seconds from the
        session's first IMU sample, thinned to at most `max_points` per hand for drawing."""
        samples = imu_samples(self.store, session_id)
        if samples.height == 0:
            return pl.DataFrame(
                schema={"sensor": pl.String, "t_s": pl.Float64, "acc_ms2": pl.Float64}
            )
        t0 = samples["ts_utc"].min()
        frame = samples.select(
            "sensor",
            ((pl.col("ts_utc") - t0).dt.total_microseconds() / 1e6).alias("t_s"),
            (pl.col("acc_x_ms2") ** 2 + pl.col("acc_y_ms2") ** 2 + pl.col("acc_z_ms2") ** 2)
            .sqrt()
            .alias("acc_ms2"),
        )
        parts = []
        for part in frame.partition_by("sensor", maintain_order=True):
            step = max(1, part.height // max_points)
            parts.append(part.gather_every(step))
        return pl.concat(parts)

    def output(self, name: str, *, last: int = 5) -> dict[str, Any] | None:
        """Punch output over an athlete's last `last` sessions with IMU streams: punches per
        session and per minute, mean power (relative), and per round (`per_round`: mean
        punches and power of round k over the sessions that had one); None when none."""
        row = recent_imu_sessions(self.store, name, last)
        if row.height == 0:
            return None
        reports = [self.of_session(int(i)) for i in row["id"]]
        punches = sum(r["n_punches"] for r in reports)
        minutes = sum(r["duration_s"] for r in reports) / 60
        powers = [p["power_au"] for r in reports for p in r["punches"]]
        by_round: dict[int, list[dict[str, Any]]] = {}
        for report in reports:
            for r in report["rounds"]:
                by_round.setdefault(int(r["round"]), []).append(r)
        per_round = [
            {
                "round": k,
                "sessions": len(rs),
                "punches": sum(r["n_punches"] for r in rs) / len(rs),
                "mean_power_au": _mean([r["mean_power_au"] for r in rs]),
            }
            for k, rs in sorted(by_round.items())
        ]
        return {
            "sessions": len(reports),
            "punches": punches,
            "per_session": punches / len(reports),
            "per_minute": punches / minutes if minutes else None,
            "mean_power_au": sum(powers) / len(powers) if powers else None,
            "per_round": per_round,
        }

    def has_imu(self, session_id: int) -> bool:
        """True when the session holds IMU streams (imported with --hand)."""
        return has_imu(self.store, session_id)

    def of_session(
        self,
        session_id: int,
        *,
        stance: str | None = None,
        work_s: float = 180.0,
        rest_s: float = 60.0,
    ) -> dict[str, Any]:
        """Punches and rounds of a stored session's IMU streams (one per hand), as `drago
        punches FILE` reports them; the stance defaults to the athlete's. The report is kept
        while the store is unchanged (shared: read it, do not change it)."""
        key = ("session_punches", session_id, stance, work_s, rest_s)
        return self.memoised(key, lambda: self._session_punches(session_id, stance, work_s, rest_s))

    def _session_punches(
        self, session_id: int, stance: str | None, work_s: float, rest_s: float
    ) -> dict[str, Any]:
        self._sessions.row(session_id)
        samples = imu_samples(self.store, session_id)
        if samples.height == 0:
            raise UsageError(f"session {session_id} has no IMU recording: import one with --hand")
        if stance is None:
            stance = session_stance(self.store, session_id) or "orthodox"
        st = cast(Stance, stance)
        tables: list[pl.DataFrame] = []
        duration, gyro, rates = 0.0, True, []
        t0 = samples["ts_utc"].min()
        assert isinstance(t0, datetime)
        for part in samples.partition_by("sensor", maintain_order=True):
            hand = str(part["sensor"][0])
            t = (part["ts_utc"] - t0).dt.total_microseconds().to_numpy() / 1e6
            rate = 1.0 / float(np.median(np.diff(t))) if t.size > 1 else 1.0
            acc = part.select(ACC_COLUMNS).to_numpy().astype(np.float64)
            has_gyro = part["gyro_x_rads"].is_not_null().all()
            gyro = gyro and bool(has_gyro)
            rads = part.select(GYRO_COLUMNS).to_numpy().astype(np.float64) if has_gyro else None
            table = punches_analyse(
                acc, rads, rate, hand=cast(Hand | None, hand if hand in HANDS else None), stance=st
            )
            # Each hand's times from its own first sample, moved onto the session's clock.
            tables.append(table.with_columns(pl.col("t_s", "onset_s", "end_s") + float(t[0])))
            rates.append(rate)
            duration = max(duration, float(t[-1]))
        table = pl.concat(tables).sort("t_s")
        meta = {
            "session_id": session_id,
            "start_utc": t0.isoformat() + "Z",
            "rate_hz": round(min(rates), 3),
            "has_gyro": gyro,
        }
        return punch_report(table, duration, st, work_s, rest_s, meta, has_gyro=gyro)


def punch_report(
    table: pl.DataFrame,
    duration: float,
    stance: str,
    work_s: float,
    rest_s: float,
    meta: dict[str, Any],
    *,
    has_gyro: bool,
) -> dict[str, Any]:
    """The JSON contract of `drago punches` from a table of punches (see docs/punches.md)."""
    t = table["t_s"].to_numpy()
    power = table["power_au"].to_numpy()
    rounds_col = round_of(t, work_s=work_s, rest_s=rest_s)
    rounds = round_table(t, power, duration, work_s=work_s, rest_s=rest_s)
    punches = [
        {
            "t_s": round(row["t_s"], 3),
            "onset_s": round(row["onset_s"], 3),
            "end_s": round(row["end_s"], 3),
            "hand": row["hand"],
            "class": row["class"],
            "type": row["type"],
            "confidence": round(row["confidence"], 3),
            "peak_acc_ms2": round(row["peak_acc_ms2"], 2),
            "peak_acc_g": round(row["peak_acc_g"], 3),
            "speed_ms": round(row["speed_ms"], 3),
            "power_au": round(row["power_au"], 2),
            "round": int(k) if k else None,
        }
        for row, k in zip(table.iter_rows(named=True), rounds_col, strict=True)
    ]
    types = table["type"].to_list()
    hands = [h or "unknown" for h in table["hand"].to_list()]
    return meta | {
        "duration_s": round(duration, 3),
        "stance": stance,
        "n_punches": len(punches),
        "by_type": {k: types.count(k) for k in TYPES if types.count(k)},
        "by_class": {k: v for k, v in _counts(table["class"].to_list()).items()},
        "by_hand": _counts(hands),
        "punches": punches,
        "rounds": [
            {k: _round(v) if isinstance(v, float) else v for k, v in r.items()} for r in rounds
        ],
        "fatigue_index_pct": _round(decrement_score([r["mean_power_au"] for r in rounds]), 2),
        "fatigue_method": "decrement score of mean power per round (Fitzsimons et al. 1993)",
        "notes": [GYRO_SPEED_NOTE if has_gyro else RELATIVE_NOTE]
        + (
            []
            if has_gyro
            else ["accelerometer only: type classification is less accurate (see docs/punches.md)"]
        ),
    }


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


__all__ = ["PunchesService"]
