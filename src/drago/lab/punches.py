"""Punch analytics of IMU files and stored sessions: read, detect, classify, measure, group by
round (`lab.punches`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from drago.analysis.punches.analyse import punches_analyse, punches_analyse_pair
from drago.errors import UsageError
from drago.ingest.imu import ACC_COLUMNS, GYRO_COLUMNS, read_imu
from drago.lab.base import check_range
from drago.lab.context import LabContext, Service
from drago.lab.punch_report import PunchOutput, PunchReport, punch_output, punch_report
from drago.lab.sessions import SessionsService
from drago.store.athletes import session_stance
from drago.store.imu import has_imu, imu_samples, recent_imu_sessions
from drago.vocab import HANDS, STANCES
from drago.vocab import HandName as Hand
from drago.vocab import StanceName as Stance


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
    ) -> PunchReport:
        """Punches and rounds of one IMU recording (and optionally the other hand's).

        `hand` is the hand wearing the sensor of `path` (left/right; None: unknown, so types
        are `unknown` and only classes are given); `stance` orthodox (default) or southpaw.
        `other` names the other hand's file: both are analysed on one clock and each hand's
        detections that are the other's punch felt through the body are dropped. Its
        `to_dict()` is the JSON contract of `drago punches` (see docs/punches.md).
        """
        if hand is not None and hand not in HANDS:
            raise UsageError(f"hand must be left or right, not {hand!r}")
        stance = stance or "orthodox"
        if stance not in STANCES:
            raise UsageError(f"stance must be orthodox or southpaw, not {stance!r}")
        check_range("work_s", work_s)
        check_range("rest_s", rest_s)
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
        return punch_report(
            table,
            duration,
            st,
            work_s,
            rest_s,
            has_gyro=rec.has_gyro,
            file=str(path),
            format=rec.format,
            rate_hz=round(rec.rate_hz, 3),
            resampled=rec.resampled,
            start_utc=None if rec.start is None else rec.start.isoformat(),
        )

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

    def output(self, name: str, *, last: int = 5) -> PunchOutput | None:
        """Punch output over an athlete's last `last` sessions with IMU streams: punches per
        session and per minute, mean power (relative), and per round (`per_round`: mean
        punches and power of round k over the sessions that had one); None when none."""
        row = recent_imu_sessions(self.store, name, last)
        if row.height == 0:
            return None
        return punch_output([self.of_session(int(i)) for i in row["id"]])

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
    ) -> PunchReport:
        """Punches and rounds of a stored session's IMU streams (one per hand), as `drago
        punches FILE` reports them; the stance defaults to the athlete's. The report is kept
        while the store is unchanged."""
        check_range("work_s", work_s)
        check_range("rest_s", rest_s)
        key = ("session_punches", session_id, stance, work_s, rest_s)
        return self.ctx.memoised(
            key, lambda: self._session_punches(session_id, stance, work_s, rest_s)
        )

    def _session_punches(
        self, session_id: int, stance: str | None, work_s: float, rest_s: float
    ) -> PunchReport:
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
        return punch_report(
            table,
            duration,
            st,
            work_s,
            rest_s,
            has_gyro=gyro,
            session_id=session_id,
            start_utc=t0.isoformat() + "Z",
            rate_hz=round(min(rates), 3),
        )


__all__ = ["PunchesService"]
