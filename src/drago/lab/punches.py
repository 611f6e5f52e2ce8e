"""Punch analytics of IMU files (file mode): read, detect, classify, measure, group by round."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, cast

from drago.analysis.punches.analyse import punches_analyse, punches_analyse_pair
from drago.analysis.punches.classify import TYPES, Hand, Stance
from drago.analysis.punches.rounds import decrement_score, round_of, round_table
from drago.errors import UsageError
from drago.ingest.imu import read_imu
from drago.lab.base import LabBase

HANDS: Final = ("left", "right")
STANCES: Final = ("orthodox", "southpaw")
#: What the JSON answer says about its speed and power numbers.
RELATIVE_NOTE: Final = (
    "speed_ms and power_au are relative estimates from one wrist IMU (not validated against "
    "an external reference): compare them within one athlete and sensor only"
)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


class PunchesMixin(LabBase):
    def analyse_punch_file(
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
        return {
            "file": str(path),
            "format": rec.format,
            "rate_hz": round(rec.rate_hz, 3),
            "resampled": rec.resampled,
            "has_gyro": rec.has_gyro,
            "start_utc": None if rec.start is None else rec.start.isoformat(),
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
            "notes": [RELATIVE_NOTE]
            + (
                []
                if rec.has_gyro
                else [
                    "accelerometer only: type classification is less accurate (see docs/punches.md)"
                ]
            ),
        }


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


__all__ = ["PunchesMixin"]
