"""The demo lab: two athletes through an eight-week fight camp.

drago trains in the lab: real FIT recordings (MIT-licensed sample files shipped in
`drago/demo_data/`, see its SOURCES.md) re-timed into the camp, plus gym sessions logged with
RPE. rocky trains in the snow: every session hand-logged with minutes and RPE. Every entry that
is not a real recording says "simulated" in its notes; both athletes' morning wellness checks
and drago's morning RR recordings (files named simulated-morning-*.csv) are simulated too.
"""

from __future__ import annotations

import math
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from drago.ingest.fit.retime import retime
from drago.lab import Lab
from drago.store import default_db_path
from drago.vocab import HOOPER_ITEMS

MARKER = ".drago-demo"
CAMP_WEEKS = 8
SIMULATED = "simulated demo entry"

#: drago's sensor sessions: (weekday, demo file, local start hour).
DRAGO_FILES = (
    (0, "garmin-fenix2-run.fit", 7),
    (2, "garmin-edge800-indoor-trainer.fit", 17),
    (4, "garmin-vivoactivehr-indoor-rowing.fit", 17),
    (5, "garmin-edge530-indoor-hrv.fit", 9),
)
#: Gym sessions logged by hand: (weekday, activity, minutes, rpe, local hour).
DRAGO_GYM = (
    (0, "strength", 60, 6, 17),
    (1, "bag", 45, 7, 17),
    (2, "pads", 40, 8, 10),
    (3, "sparring", 48, 8, 17),
    (4, "strength", 50, 6, 10),
)
ROCKY_WEEK = (
    (0, "run", 50, 7, 6, "run through the snow"),
    (1, "strength", 45, 8, 10, "wood chopping"),
    (2, "conditioning", 40, 9, 10, "sled pulls through the snow"),
    (3, "sparring", 36, 8, 15, "sparring in the barn"),
    (4, "run", 70, 8, 6, "mountain run to the summit"),
    (5, "strength", 50, 7, 10, "log carries and rock lifts"),
)


@dataclass(frozen=True)
class DemoLab:
    path: Path
    fight_night: date
    n_sessions: int
    fight_id: int
    first_fight_id: int


def demo_dir(directory: Path | None) -> Path:
    return directory or default_db_path().parent / "demo"


def _prepare(folder: Path) -> None:
    if folder.exists():
        if not (folder / MARKER).exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder} exists and is not a drago demo lab: not touching it")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("built by drago demo; safe to delete\n")


def build(directory: Path | None = None, *, today: date | None = None, seed: int = 4) -> DemoLab:
    """Build the demo lab (replacing an older demo lab in the same folder)."""
    folder = demo_dir(directory)
    _prepare(folder)
    today = today or datetime.now(UTC).date()
    first_day = today - timedelta(weeks=CAMP_WEEKS)
    rng = random.Random(seed)
    db = folder / "drago.duckdb"
    with Lab(db) as lab:
        lab.teams.add("Soviet Union")
        lab.teams.add("Mighty Micks")
        lab.athletes.add(
            "drago",
            team="Soviet Union",
            sex="m",
            tz="Europe/Moscow",
            hr_max_bpm=196,
            hr_rest_bpm=46,
            birth_year=1985,
            weight_class="heavyweight",
            stance="orthodox",
        )
        lab.athletes.add(
            "rocky",
            team="Mighty Micks",
            sex="m",
            tz="America/New_York",
            hr_max_bpm=188,
            hr_rest_bpm=52,
            birth_year=1976,
            weight_class="heavyweight",
            stance="southpaw",
        )
        _drago_camp(lab, first_day, rng)
        _rocky_camp(lab, first_day, rng)
        _wellness(lab, first_day, today, rng)
        _mornings(lab, first_day, today, rng)
        _weigh_ins(lab, first_day, today, rng)
        first_fight = _first_fight(lab, first_day - timedelta(days=120))
        fight_night = today + timedelta(days=7)
        fight_id = lab.fights.new(
            red="drago", blue="rocky", day=fight_night, rounds=15, weight_class="heavyweight"
        )
        n_sessions = lab.sessions.list().height
    return DemoLab(db, fight_night, n_sessions, fight_id, first_fight)


def _drago_camp(lab: Lab, first_day: date, rng: random.Random) -> None:
    demo_data = resources.files("drago").joinpath("demo_data")
    with tempfile.TemporaryDirectory(prefix="drago-demo-") as tmp:
        files = []
        for week in range(CAMP_WEEKS):
            for weekday, name, hour in DRAGO_FILES:
                day = first_day + timedelta(weeks=week, days=weekday)
                start = datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Moscow"))
                target = Path(tmp) / f"w{week + 1}-{day.isoformat()}-{name}"
                target.write_bytes(retime(demo_data.joinpath(name).read_bytes(), start))
                files.append(target)
        lab.sessions.import_paths(files, athlete="drago")
    for week in range(CAMP_WEEKS):
        taper = week == CAMP_WEEKS - 1
        for weekday, activity, minutes, rpe, hour in DRAGO_GYM:
            lab.sessions.log(
                athlete="drago",
                day=first_day + timedelta(weeks=week, days=weekday),
                at=time(hour),
                minutes=minutes * (0.6 if taper else 1.0) + rng.randint(-5, 5),
                rpe=max(0, min(10, rpe - (2 if taper else 0) + rng.choice((-1, 0, 0, 1)))),
                activity=activity,
                notes=f"{SIMULATED}: gym session",
            )


def _wellness(lab: Lab, first_day: date, today: date, rng: random.Random) -> None:
    """Simulated morning checks for both (Hooper items 1-7, 1 best; resting HR), drifting
    worse in the heaviest weeks and better in the taper."""
    for athlete, rhr in (("drago", 46.0), ("rocky", 52.0)):
        day = first_day
        while day < today:
            week = (day - first_day).days // 7
            strain = 1 if week in (4, 5, 6) else (-1 if week == CAMP_WEEKS - 1 else 0)
            items = {
                item: max(1, min(7, 3 + strain + rng.choice((-1, 0, 0, 1))))
                for item in HOOPER_ITEMS
            }
            lab.readiness.log_wellness(
                athlete, day=day, rhr_bpm=round(rhr + 2 * strain + rng.uniform(-2, 2), 1), **items
            )
            day += timedelta(days=1)


def _mornings(lab: Lab, first_day: date, today: date, rng: random.Random) -> None:
    """Simulated 5-minute morning RR recordings for drago (his lab measures him every day):
    ln rMSSD near 4.3, dipping in the heaviest weeks, rebounding in the taper. rocky has none:
    his readiness comes from the questionnaire alone."""
    with tempfile.TemporaryDirectory(prefix="drago-demo-rr-") as tmp:
        day = first_day
        while day < today:
            week = (day - first_day).days // 7
            dip = 0.25 if week in (4, 5, 6) else (-0.1 if week == CAMP_WEEKS - 1 else 0.0)
            rmssd_ms = math.exp(4.3 - dip + rng.gauss(0, 0.08))
            mean_rr_ms = 60000 / (46 + 8 * dip + rng.uniform(-1.5, 1.5))
            beats, elapsed = [], 0.0
            while elapsed < 300_000:
                beats.append(round(mean_rr_ms + rng.gauss(0, rmssd_ms / math.sqrt(2)), 1))
                elapsed += beats[-1]
            path = Path(tmp) / f"simulated-morning-{day.isoformat()}.csv"
            path.write_text("rr_ms\n" + "\n".join(str(b) for b in beats) + "\n")
            lab.sessions.import_paths([path], athlete="drago", as_kind="morning", day=day)
            day += timedelta(days=1)


def _rocky_camp(lab: Lab, first_day: date, rng: random.Random) -> None:
    for week in range(CAMP_WEEKS):
        taper = week == CAMP_WEEKS - 1
        for weekday, activity, minutes, rpe, hour, what in ROCKY_WEEK:
            lab.sessions.log(
                athlete="rocky",
                day=first_day + timedelta(weeks=week, days=weekday),
                at=time(hour),
                minutes=minutes * (0.6 if taper else 1.0) + rng.randint(-5, 10),
                rpe=max(0, min(10, rpe - (2 if taper else 0) + rng.choice((-1, 0, 1)))),
                activity=activity,
                notes=f"{SIMULATED}: {what}",
            )


def _weigh_ins(lab: Lab, first_day: date, today: date, rng: random.Random) -> None:
    """Simulated morning weigh-ins: both heavyweights lean out slowly through the camp."""
    for athlete, start_kg in (("drago", 118.0), ("rocky", 101.5)):
        day = first_day
        while day < today:
            days = (day - first_day).days
            kg = start_kg - 0.045 * days + rng.uniform(-0.4, 0.4)
            lab.camp.record_weight(athlete, kg=round(kg, 1), day=day)
            day += timedelta(days=3)


#: The exhibition nobody stopped (simulated from the film's story, not real statistics):
#: per round, (drago's jabs thrown/landed, power thrown/landed), then Apollo's, and how often
#: Apollo went down.
FIRST_FIGHT = (
    ((14, 6, 22, 14), (30, 9, 24, 6), 0),
    ((12, 7, 40, 31), (16, 2, 10, 1), 2),
)


def _first_fight(lab: Lab, day: date) -> int:
    """drago's exhibition against Apollo Creed, as the corner would have counted it: the
    towel's alert rises in round 2."""
    fight_id = lab.fights.new(
        red="drago", blue="Apollo Creed (simulated)", day=day, rounds=12, weight_class="heavyweight"
    )
    for rnd, (red, blue, apollo_down) in enumerate(FIRST_FIGHT, start=1):
        for corner, counts, down in (("red", red, 0), ("blue", blue, apollo_down)):
            keys = ("jab_thrown", "jab_landed", "power_thrown", "power_landed")
            entry = dict(zip(keys, counts, strict=True)) | {"knockdowns": down}
            lab.fights.enter_round(fight_id, rnd=rnd, corner=corner, counts=entry)
    return fight_id
