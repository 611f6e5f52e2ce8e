"""Fight night: fights, per-round counts, CompuBox totals, scorecards, the towel, results and
records (`lab.fights`)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis import fight as fight_stats
from drago.analysis.camp.weighin import weigh_in_rule
from drago.errors import NotFound, UsageError
from drago.lab.base import check_calendar, check_name
from drago.lab.context import Forbidden, LabContext, Service
from drago.lab.punches import PunchesService
from drago.lab.records import FightLine, Record, fight_lines, record_of, set_fight_result
from drago.lab.streams import StreamsService
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows

#: More punches than this in one round is a typo (CompuBox's busiest rounds hold about 150).
MAX_ROUND_COUNT = 500
#: Contract names of the per-corner counts in `FightReport.rounds`.
CONTRACT_COUNTS = {
    "jab_thrown": "jabs_thrown",
    "jab_landed": "jabs_landed",
    "power_thrown": "power_thrown",
    "power_landed": "power_landed",
    "knockdowns": "knockdowns",
}


@dataclass(frozen=True)
class FightReport:
    """A fight: its row, per-round counts with the towel, totals, cards, and any alerts."""

    fight: dict[str, Any]
    rounds: list[dict[str, Any]]
    totals: dict[str, dict[str, Any]]
    scorecards: list[dict[str, Any]]
    decision: dict[str, Any] | None
    alerts: list[dict[str, Any]]
    disclaimer: str = fight_stats.DISCLAIMER


class FightsService(Service):
    """Fights and what happened in them (`lab.fights`). A caller who may not see a corner's
    athlete sees that corner as an external name, without sensor figures, and may not enter
    its rounds (`drago.lab.scoped`)."""

    def __init__(self, ctx: LabContext, punches: PunchesService, streams: StreamsService) -> None:
        super().__init__(ctx)
        self._punches = punches
        self._streams = streams

    def new(
        self,
        *,
        red: str,
        blue: str,
        day: date,
        rounds: int,
        weight_class: str | None = None,
        weigh_in: str | None = None,
        hours_to_bout: float | None = None,
    ) -> int:
        """A new fight; each corner is an athlete of the store (linked) or an external name.
        `weigh_in` keeps the bout's weigh-in rules with it (`drago.analysis.camp.weighin`;
        `hours_to_bout` the promotion's own, if it differs)."""
        rules = _weigh_in(weigh_in, hours_to_bout)
        if not red.strip() or not blue.strip():
            raise UsageError("both corners need a name")
        for who in (red, blue):
            check_name(who, what="a corner")
        if red.strip().casefold() == blue.strip().casefold():
            raise UsageError("red and blue are the same boxer")
        if not 1 <= rounds <= 15:
            raise UsageError(f"a fight has 1-15 rounds, not {rounds}")
        check_calendar(day, what="a fight")
        fields: dict[str, Any] = {
            "date": day,
            "rounds": rounds,
            "weight_class": weight_class,
            "weigh_in_rules": rules[0],
            "weigh_in_hours": rules[1],
        }
        for corner, who in (("red", red), ("blue", blue)):
            found = self._corner_athlete(who)
            if found is not None:
                fields |= {f"{corner}_name": found.name, f"{corner}_athlete_id": found.id}
            else:
                fields[f"{corner}_name"] = who.strip()
        with self.store.transaction():
            return camp_rows.add_fight(self.store, fields)

    def _corner_athlete(self, who: str) -> athlete_rows.AthleteRow | None:
        """The athlete a corner names, None for an external boxer (or an athlete the caller
        may not see: as if they did not exist)."""
        try:
            found = athlete_rows.get_athlete(self.store, who)
        except NotFound:
            return None
        return found if self.ctx.may_see(found.id) else None

    def list(self) -> pl.DataFrame:
        """Every fight the caller may see (one of its corners), newest first (`id`, `date`,
        corners, `rounds`, `weight_class`, `entries`: round entries so far)."""
        frame = camp_rows.list_fights(self.store)
        if self.ctx.visible is None:
            return frame
        seen = sorted(self.ctx.visible)
        return frame.filter(
            pl.col("red_athlete_id").is_in(seen) | pl.col("blue_athlete_id").is_in(seen)
        )

    def corner_ids(self, fight_id: int) -> tuple[int, ...] | None:
        """The athlete ids of a fight's corners that are drago athletes (None: no fight)."""
        return camp_rows.fight_corner_ids(self.store, fight_id)

    def enter_round(
        self,
        fight_id: int,
        *,
        rnd: int,
        corner: str,
        counts: dict[str, int],
        scores: builtins.list[int] | None = None,
    ) -> FightReport:
        """Enter one corner's counts (and judges' scores) for a round; returns the fight so far.

        `scores` are this corner's score from each judge, in judge order (10,9,10: judge 1
        gave 10...); the other corner's scores come with its own entry, and a judge's card
        counts for the round once both are in. Re-entering a round replaces it. In team mode
        a corner's rounds are entered by an admin, or a coach who may see its athlete (an
        external corner: any coach who may see the fight)."""
        fight = camp_rows.get_fight(self.store, fight_id)
        if self.ctx.visible is not None:
            if self.ctx.role not in ("admin", "coach"):
                raise Forbidden(f"a {self.ctx.role} account may not enter fight rounds")
            athlete_id = fight.get(f"{corner}_athlete_id")
            if athlete_id is not None and not self.ctx.may_see(int(athlete_id)):
                raise Forbidden(f"only the {corner} corner's coaches enter its rounds")
        if corner not in fight_stats.CORNERS:
            raise UsageError(f"corner must be red or blue, not {corner}")
        if not 1 <= rnd <= fight["rounds"]:
            raise UsageError(f"round {rnd} is outside 1-{fight['rounds']} for fight {fight_id}")
        for key, label in CONTRACT_COUNTS.items():
            if counts[key] < 0:
                raise UsageError(f"{label.replace('_', ' ')} cannot be negative ({counts[key]})")
            if counts[key] > MAX_ROUND_COUNT:
                raise UsageError(
                    f"{counts[key]} {label.replace('_', ' ')} in one round is not plausible"
                )
        for kind in ("jab", "power"):
            if counts[f"{kind}_landed"] > counts[f"{kind}_thrown"]:
                raise UsageError(
                    f"{kind} punches landed ({counts[f'{kind}_landed']}) exceed "
                    f"those thrown ({counts[f'{kind}_thrown']})"
                )
        if counts["knockdowns"] > 5:
            raise UsageError(f"{counts['knockdowns']} knockdowns in one round is not plausible")
        if scores is not None:
            if not 1 <= len(scores) <= 5:
                raise UsageError(f"give 1-5 judges' scores, not {len(scores)}")
            if any(not 0 <= s <= 10 for s in scores):
                raise UsageError("10-point-must scores run from 0 to 10")
        with self.store.transaction():
            camp_rows.upsert_round(self.store, fight_id, rnd, corner, counts)
            if scores is not None:
                camp_rows.upsert_scores(self.store, fight_id, rnd, corner, scores)
        return self.report(fight_id)

    def report(self, fight_id: int) -> FightReport:
        """Per-round counts with the towel's risk and alert, CompuBox totals and scorecards."""
        fight = camp_rows.get_fight(self.store, fight_id)
        raw = self._with_sensors(fight, camp_rows.fight_rounds(self.store, fight_id))
        rounds: list[dict[str, Any]] = []
        totals: dict[str, dict[str, Any]] = {}
        alerts: list[dict[str, Any]] = []
        if raw.height:
            risk = fight_stats.towel(raw).select("round", "corner", "risk", "alert", "message")
            merged = raw.join(risk, on=["round", "corner"], how="left")
            for rnd in sorted(set(merged["round"].to_list())):
                entry: dict[str, Any] = {"round": rnd, "red": None, "blue": None}
                for r in merged.filter(pl.col("round") == rnd).iter_rows(named=True):
                    side = {CONTRACT_COUNTS[k]: r[k] for k in CONTRACT_COUNTS}
                    side |= {
                        "risk": round(float(r["risk"]), 3),
                        "alert": bool(r["alert"]),
                        "message": r["message"],
                        "source": r["source"],
                        "power_index": _round(r["power_index"]),
                        "hrr_60s_bpm": _round(r["hrr_60s_bpm"]),
                    }
                    entry[r["corner"]] = side
                    if r["alert"]:
                        alerts.append(
                            {
                                "round": rnd,
                                "corner": r["corner"],
                                "risk": side["risk"],
                                "message": r["message"],
                            }
                        )
                rounds.append(entry)
            for r in fight_stats.compubox(
                raw.select("round", "corner", *fight_stats.COUNTS)
            ).iter_rows(named=True):
                totals[r.pop("corner")] = {
                    k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()
                }
        scores = camp_rows.fight_scores(self.store, fight_id).drop_nulls(["red", "blue"])
        cards: list[dict[str, Any]] = []
        verdict = None
        if scores.height:
            cards = fight_stats.scorecards(scores).sort("round", "judge").to_dicts()
            judges = scores["judge"].n_unique()
            if scores.height == judges * fight["rounds"]:
                d = fight_stats.decision(scores)
                verdict = {"winner": d.winner, "kind": d.kind, "cards": [list(c) for c in d.cards]}
        return FightReport(fight, rounds, totals, cards, verdict, alerts)

    def _with_sensors(self, fight: dict[str, Any], entered: pl.DataFrame) -> pl.DataFrame:
        """The entered rounds plus, for each corner that is an athlete with a glove IMU
        recording on fight day, `power_index` and `hrr_60s_bpm` from their sensors; a round
        not entered by hand is filled from the IMU (thrown by kind; landed unknown, so 0)
        with `source` "imu" instead of "entered"."""
        frames = [
            self._corner_sensors(corner, int(fight[f"{corner}_athlete_id"]), fight)
            for corner in fight_stats.CORNERS
            if fight[f"{corner}_athlete_id"] is not None
        ]
        if not (frames := [f for f in frames if f.height]):
            return entered.with_columns(
                pl.lit("entered").alias("source"),
                pl.lit(None, pl.Float64).alias("power_index"),
                pl.lit(None, pl.Float64).alias("hrr_60s_bpm"),
            )
        merged = entered.join(pl.concat(frames), on=["round", "corner"], how="full", coalesce=True)
        by_hand = pl.col("jab_landed").is_not_null()
        return (
            merged.filter(pl.col("round") <= fight["rounds"])
            .with_columns(
                pl.when(by_hand).then(pl.col(c)).otherwise(pl.col(f"imu_{c}")).alias(c)
                for c in ("jab_thrown", "power_thrown")
            )
            .with_columns(
                pl.col("jab_landed", "power_landed", "knockdowns").fill_null(0),
                pl.when(by_hand).then(pl.lit("entered")).otherwise(pl.lit("imu")).alias("source"),
            )
            .drop("imu_jab_thrown", "imu_power_thrown")
            .sort("round", "corner")
        )

    def _corner_sensors(self, corner: str, athlete_id: int, fight: dict[str, Any]) -> pl.DataFrame:
        """One corner's per-round sensor figures from their first IMU session on the fight's
        local date (empty frame without one, or when the caller may not see the athlete)."""
        if not self.ctx.may_see(athlete_id):
            return pl.DataFrame()
        athlete = athlete_rows.athlete_by_id(self.store, athlete_id)
        zone = ZoneInfo(athlete.tz)
        day: date = fight["date"]
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        first = midnight.replace(tzinfo=None)
        candidates = camp_rows.imu_sessions(self.store, athlete_id, first, first + timedelta(1))
        if not candidates:
            return pl.DataFrame()
        session_id = candidates[0][0]
        report = self._punches.of_session(session_id)
        t0 = datetime.fromisoformat(str(report.start_utc).removesuffix("Z"))
        punches = report.frame().select("t_s", "type", "power_au")
        rounds = pl.DataFrame(report.to_dict()["rounds"]).select("round", "start_s", "end_s")
        streams = self._streams.records(session_id)
        hr = None
        if "hr_bpm" in streams.columns:
            hr = streams.select(
                ((pl.col("timestamp") - t0).dt.total_microseconds() / 1e6).alias("t_s"), "hr_bpm"
            )
        sensed = fight_stats.sensor_rounds(punches, rounds, hr)
        return sensed.select(
            pl.col("round").cast(pl.Int32),
            pl.lit(corner).alias("corner"),
            pl.col("jab_thrown").alias("imu_jab_thrown"),
            pl.col("power_thrown").alias("imu_power_thrown"),
            "power_index",
            "hrr_60s_bpm",
        )

    def set_result(
        self,
        fight_id: int,
        *,
        result: str,
        winner: str | None = None,
        end_round: int | None = None,
        end_time_s: int | None = None,
    ) -> dict[str, Any]:
        """Record how a fight ended (`drago.lab.records.set_fight_result`). A result goes on
        both corners' records: in team mode it is entered by an admin, or by a coach who may
        see every corner that is an athlete of this store (a coach of one team may not write
        another team's loss; drago convention, like the rounds)."""
        self._check_both_corners(fight_id, "results")
        return set_fight_result(
            self.store,
            fight_id,
            result=result,
            winner=winner,
            end_round=end_round,
            end_time_s=end_time_s,
        )

    def set_weigh_in(
        self, fight_id: int, *, weigh_in: str, hours_to_bout: float | None = None
    ) -> None:
        """Keep the bout's weigh-in rules with the fight; the camp and athlete pages then use
        them. The rules are both corners': written by whoever may enter the result."""
        rule, hours = _weigh_in(weigh_in, hours_to_bout)
        camp_rows.get_fight(self.store, fight_id)
        self._check_both_corners(fight_id, "weigh-in rules")
        with self.store.transaction():
            camp_rows.set_fight_weigh_in(self.store, fight_id, str(rule), hours)

    def _check_both_corners(self, fight_id: int, what: str) -> None:
        """In team mode, what goes on both corners' records is entered by an admin, or by a
        coach who may see every corner that is an athlete of this store (a coach of one team
        may not write another team's bout; drago convention, like the rounds)."""
        if self.ctx.visible is None:
            return
        if self.ctx.role not in ("admin", "coach"):
            raise Forbidden(f"a {self.ctx.role} account may not enter fight {what}")
        corners = self.corner_ids(fight_id) or ()
        if not all(self.ctx.may_see(i) for i in corners):
            raise Forbidden(f"only an admin, or a coach of both corners, enters these {what}")

    def record(self, name: str) -> tuple[Record, builtins.list[FightLine]]:
        """An athlete's record (W-L-D, KOs) and their fights, newest first."""
        lines = fight_lines(self.store, self.report, name)
        return record_of(lines), lines


def _weigh_in(name: str | None, hours_to_bout: float | None) -> tuple[str | None, float | None]:
    """The rules' name and hours as stored, checked against the rules' table."""
    if name is None:
        if hours_to_bout is not None:
            raise UsageError("hours to the bout need the weigh-in rules (pro, amateur or ibf)")
        return None, None
    rule = weigh_in_rule(name, hours_to_bout=hours_to_bout)
    return rule.name, None if hours_to_bout is None else rule.hours_to_bout


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)
