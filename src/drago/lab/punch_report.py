"""What the punch service answers: a punch report (one recording or a stored session) and an
athlete's recent punch output, as typed results whose `to_dict()` is the JSON contract of
`drago punches --format json` (docs/punches.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final

import polars as pl

from drago.analysis.punches.classify import TYPES
from drago.analysis.punches.rounds import decrement_score, round_of, round_table

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
#: How the fatigue index is computed.
FATIGUE_METHOD: Final = "decrement score of mean power per round (Fitzsimons et al. 1993)"
#: The note of an accelerometer-only recording.
ACC_ONLY_NOTE: Final = (
    "accelerometer only: type classification is less accurate (see docs/punches.md)"
)


@dataclass(frozen=True)
class Punch:
    """One punch: times (s from the recording's start), hand, class and type with the
    classifier's confidence, peak acceleration, speed and power (relative), round (None:
    between rounds). `kind` is the punch class (`class` in the JSON)."""

    t_s: float
    onset_s: float
    end_s: float
    hand: str | None
    kind: str
    type: str
    confidence: float
    peak_acc_ms2: float
    peak_acc_g: float
    speed_ms: float
    power_au: float
    round: int | None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        return {("class" if k == "kind" else k): v for k, v in out.items()}


#: The punches as a frame (`PunchReport.frame`): one column per `Punch` field, JSON names.
PUNCH_SCHEMA: Final = {
    "t_s": pl.Float64,
    "onset_s": pl.Float64,
    "end_s": pl.Float64,
    "hand": pl.String,
    "class": pl.String,
    "type": pl.String,
    "confidence": pl.Float64,
    "peak_acc_ms2": pl.Float64,
    "peak_acc_g": pl.Float64,
    "speed_ms": pl.Float64,
    "power_au": pl.Float64,
    "round": pl.Int64,
}


@dataclass(frozen=True)
class PunchRound:
    """One round of the work/rest template: its span, punches, rate and power (None without
    punches)."""

    round: int
    start_s: float
    end_s: float
    n_punches: int
    punches_per_min: float
    mean_power_au: float | None
    best_power_au: float | None


@dataclass(frozen=True)
class PunchReport:
    """Punches and rounds of one IMU recording (`file`, `format`, `resampled`) or of a stored
    session's streams (`session_id`), with counts by type, class and hand, the fatigue index
    and notes on what the numbers mean."""

    start_utc: str | None
    rate_hz: float
    has_gyro: bool
    duration_s: float
    stance: str
    by_type: dict[str, int]
    by_class: dict[str, int]
    by_hand: dict[str, int]
    punches: list[Punch]
    rounds: list[PunchRound]
    fatigue_index_pct: float | None
    notes: list[str]
    file: str | None = None
    format: str | None = None
    resampled: bool | None = None
    session_id: int | None = None
    fatigue_method: str = FATIGUE_METHOD

    @property
    def n_punches(self) -> int:
        return len(self.punches)

    def frame(self) -> pl.DataFrame:
        """The punches, one row each (columns `PUNCH_SCHEMA`)."""
        return pl.DataFrame([p.to_dict() for p in self.punches], schema=PUNCH_SCHEMA)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `drago punches` (docs/punches.md)."""
        if self.session_id is not None:
            meta: dict[str, Any] = {
                "session_id": self.session_id,
                "start_utc": self.start_utc,
                "rate_hz": self.rate_hz,
                "has_gyro": self.has_gyro,
            }
        else:
            meta = {
                "file": self.file,
                "format": self.format,
                "rate_hz": self.rate_hz,
                "resampled": self.resampled,
                "has_gyro": self.has_gyro,
                "start_utc": self.start_utc,
            }
        return meta | {
            "duration_s": self.duration_s,
            "stance": self.stance,
            "n_punches": self.n_punches,
            "by_type": dict(self.by_type),
            "by_class": dict(self.by_class),
            "by_hand": dict(self.by_hand),
            "punches": [p.to_dict() for p in self.punches],
            "rounds": [asdict(r) for r in self.rounds],
            "fatigue_index_pct": self.fatigue_index_pct,
            "fatigue_method": self.fatigue_method,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RoundOutput:
    """Round k over an athlete's recent sessions: how many sessions had it, mean punches and
    mean power (relative)."""

    round: int
    sessions: int
    punches: float
    mean_power_au: float | None


@dataclass(frozen=True)
class PunchOutput:
    """Punch output over an athlete's last sessions with IMU streams."""

    sessions: int
    punches: int
    per_session: float
    per_minute: float | None
    mean_power_au: float | None
    per_round: list[RoundOutput] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def punch_report(
    table: pl.DataFrame,
    duration: float,
    stance: str,
    work_s: float,
    rest_s: float,
    *,
    has_gyro: bool,
    **source: Any,
) -> PunchReport:
    """The report from a table of punches (`drago.analysis.punches.analyse`); `source`: the
    recording's `start_utc`, `rate_hz` and `file`/`format`/`resampled` or `session_id`."""
    t = table["t_s"].to_numpy()
    power = table["power_au"].to_numpy()
    rounds_col = round_of(t, work_s=work_s, rest_s=rest_s)
    rounds = round_table(t, power, duration, work_s=work_s, rest_s=rest_s)
    punches = [
        Punch(
            t_s=round(row["t_s"], 3),
            onset_s=round(row["onset_s"], 3),
            end_s=round(row["end_s"], 3),
            hand=row["hand"],
            kind=row["class"],
            type=row["type"],
            confidence=round(row["confidence"], 3),
            peak_acc_ms2=round(row["peak_acc_ms2"], 2),
            peak_acc_g=round(row["peak_acc_g"], 3),
            speed_ms=round(row["speed_ms"], 3),
            power_au=round(row["power_au"], 2),
            round=int(k) if k else None,
        )
        for row, k in zip(table.iter_rows(named=True), rounds_col, strict=True)
    ]
    types = table["type"].to_list()
    hands = [h or "unknown" for h in table["hand"].to_list()]
    return PunchReport(
        duration_s=round(duration, 3),
        stance=stance,
        by_type={k: types.count(k) for k in TYPES if types.count(k)},
        by_class=_counts(table["class"].to_list()),
        by_hand=_counts(hands),
        punches=punches,
        rounds=[
            PunchRound(
                round=int(r["round"] or 0),
                start_s=float(r["start_s"] or 0.0),
                end_s=float(r["end_s"] or 0.0),
                n_punches=int(r["n_punches"] or 0),
                punches_per_min=_round(r["punches_per_min"]) or 0.0,
                mean_power_au=_round(r["mean_power_au"]),
                best_power_au=_round(r["best_power_au"]),
            )
            for r in rounds
        ],
        fatigue_index_pct=_round(decrement_score([r["mean_power_au"] for r in rounds]), 2),
        notes=[GYRO_SPEED_NOTE if has_gyro else RELATIVE_NOTE]
        + ([] if has_gyro else [ACC_ONLY_NOTE]),
        has_gyro=has_gyro,
        **source,
    )


def punch_output(reports: list[PunchReport]) -> PunchOutput:
    """Punch output over some sessions' reports: punches per session and per minute, mean
    power (relative), and per round (round k's mean punches and power over the sessions that
    had one)."""
    punches = sum(r.n_punches for r in reports)
    minutes = sum(r.duration_s for r in reports) / 60
    powers = [p.power_au for r in reports for p in r.punches]
    by_round: dict[int, list[PunchRound]] = {}
    for report in reports:
        for r in report.rounds:
            by_round.setdefault(r.round, []).append(r)
    per_round = [
        RoundOutput(
            round=k,
            sessions=len(rs),
            punches=sum(r.n_punches for r in rs) / len(rs),
            mean_power_au=_mean([r.mean_power_au for r in rs]),
        )
        for k, rs in sorted(by_round.items())
    ]
    return PunchOutput(
        sessions=len(reports),
        punches=punches,
        per_session=punches / len(reports),
        per_minute=punches / minutes if minutes else None,
        mean_power_au=sum(powers) / len(powers) if powers else None,
        per_round=per_round,
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
