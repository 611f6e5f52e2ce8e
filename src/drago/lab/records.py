"""Fight records: how a fight ended (KO, TKO, RTD, UD, SD, MD, draw, NC; round and time) and
a boxer's record, W-L-D with the wins inside the distance ("KOs").

A fight without a recorded result falls back on the judges' cards when all are in (the
decision `drago fight round` computes), else it is undecided and left out of the record.

References
----------
Association of Boxing Commissions (2023) Unified Rules of Boxing (KO, TKO, RTD, decisions).
BoxRec (2024) "Glossary": a record is wins-losses-draws, with "KOs" counting wins by KO, TKO
and RTD; no contests are listed apart and count as neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from drago.errors import UsageError
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows

if TYPE_CHECKING:
    from drago.lab.fight import FightReport
    from drago.store import Store

#: How the records read a fight's report (`lab.fights.report`).
Reporter = Callable[[int], "FightReport"]

#: Each result: (needs a winner, a stoppage inside the distance, needs the time of the end).
RESULTS: dict[str, tuple[bool, bool, bool]] = {
    "KO": (True, True, True),
    "TKO": (True, True, True),
    "RTD": (True, True, False),  # between rounds: the round is the last one fought
    "UD": (True, False, False),
    "SD": (True, False, False),
    "MD": (True, False, False),
    "draw": (False, False, False),
    "NC": (False, False, False),
}
#: Each result in words.
RESULT_WORDS = {
    "KO": "knockout",
    "TKO": "technical knockout",
    "RTD": "retired",
    "UD": "unanimous decision",
    "SD": "split decision",
    "MD": "majority decision",
    "draw": "draw",
    "NC": "no contest",
}
#: The longest round, seconds (3 minutes, Unified Rules; amateurs and women box shorter ones).
MAX_ROUND_S = 180
#: How the judges' decisions of `drago.analysis.fight` map onto results.
DECISION_RESULT = {"unanimous decision": "UD", "split decision": "SD", "majority decision": "MD"}


def canonical_result(word: str) -> str:
    """The result named in any case (ko, Tko, DRAW...), or UsageError listing the valid ones."""
    for name in RESULTS:
        if name.lower() == word.strip().lower():
            return name
    raise UsageError(f"unknown result {word!r}: use one of {', '.join(RESULTS)}")


def parse_clock(text: str) -> int:
    """ "2:15" or "135" -> 135 seconds into the round; UsageError otherwise."""
    try:
        if ":" in text:
            minutes, seconds = text.strip().split(":")
            if not 0 <= int(seconds) < 60:
                raise ValueError
            return int(minutes) * 60 + int(seconds)
        return int(text.strip())
    except ValueError:
        raise UsageError(f"time {text!r} is not M:SS into the round, e.g. 2:15") from None


def set_fight_result(
    store: Store,
    fight_id: int,
    *,
    result: str,
    winner: str | None = None,
    end_round: int | None = None,
    end_time_s: int | None = None,
) -> dict[str, Any]:
    """Record how fight `fight_id` ended; returns the fight's row. A stoppage needs the round
    (and for KO/TKO the time into it); a decision goes the distance; a draw or NC has no
    winner."""
    fight = camp_rows.get_fight(store, fight_id)
    name = canonical_result(result)
    needs_winner, stoppage, timed = RESULTS[name]
    if needs_winner and winner not in ("red", "blue"):
        raise UsageError(f"a {name} needs the winner: red or blue")
    if not needs_winner and winner is not None:
        raise UsageError(f"a {name} has no winner")
    if stoppage:
        if end_round is None or not 1 <= end_round <= fight["rounds"]:
            raise UsageError(f"a {name} needs the round it ended, 1-{fight['rounds']}")
        if timed and end_time_s is None:
            raise UsageError(f"a {name} needs the time into round {end_round}, e.g. 2:15")
        if end_time_s is not None and not 0 < end_time_s <= MAX_ROUND_S:
            raise UsageError(f"time {end_time_s} s is outside a round (0:01-3:00)")
    elif end_round is not None or end_time_s is not None:
        if name in ("UD", "SD", "MD"):
            raise UsageError(f"a {name} goes the distance: give no round or time")
        if end_round is not None and not 1 <= end_round <= fight["rounds"]:
            raise UsageError(f"round {end_round} is outside 1-{fight['rounds']}")
    fields = {
        "result": name,
        "winner": winner,
        "end_time_s": end_time_s,
        "end_round": end_round if (stoppage or end_round) else None,
    }
    if not stoppage and name in ("UD", "SD", "MD"):
        fields["end_round"] = fight["rounds"]
    with store.transaction():
        camp_rows.set_fight_result(store, fight_id, fields)
    return camp_rows.get_fight(store, fight_id)


def clock(seconds: int | None) -> str | None:
    return None if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"


def fight_outcome(report: Reporter, fight: dict[str, Any]) -> dict[str, Any] | None:
    """How a fight ended: `result`, `winner`, `end_round`, `end_time` (M:SS), `source`
    ("recorded", or "cards" from the judges' complete cards); None when undecided."""
    if fight.get("result"):
        return {
            "result": fight["result"],
            "winner": fight["winner"],
            "end_round": fight["end_round"],
            "end_time": clock(fight["end_time_s"]),
            "kind": RESULT_WORDS[fight["result"]],
            "source": "recorded",
        }
    decision = report(int(fight["id"])).decision
    if decision is None:
        return None
    result = "draw" if decision["winner"] is None else DECISION_RESULT.get(decision["kind"], "UD")
    return {
        "result": result,
        "winner": decision["winner"],
        "end_round": fight["rounds"],
        "end_time": None,
        "kind": decision["kind"],
        "source": "cards",
    }


@dataclass(frozen=True)
class Record:
    """A boxer's record: W-L-D, wins inside the distance (`kos`), no contests, and fights
    without a result yet (`undecided`)."""

    wins: int = 0
    losses: int = 0
    draws: int = 0
    kos: int = 0
    no_contests: int = 0
    undecided: int = 0

    @property
    def text(self) -> str:
        """The way the trade writes it: "12-1-0 (9 KOs)"."""
        return (
            f"{self.wins}-{self.losses}-{self.draws} ({self.kos} KO{'' if self.kos == 1 else 's'})"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"text": self.text}


@dataclass(frozen=True)
class FightLine:
    """One fight from an athlete's corner: date, opponent, corner, scheduled rounds, `result`
    (W, L, D, NC or None: undecided), `method` (KO, UD...), the round and time it ended, and
    the decision in words."""

    fight_id: int
    date: date
    opponent: str
    corner: str
    rounds: int
    result: str | None
    method: str | None
    end_round: int | None
    end_time: str | None
    decision: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fight_lines(store: Store, report: Reporter, name: str) -> list[FightLine]:
    """Every fight of an athlete from their corner, newest first: date, opponent, `result`
    (W, L, D, NC or None), `method` (KO, UD...), round and time."""
    row = athlete_rows.get_athlete(store, name)
    lines = []
    for fight in camp_rows.athlete_fights(store, row.id).iter_rows(named=True):
        outcome = fight_outcome(report, fight)
        mark = None
        if outcome is not None:
            if outcome["result"] == "NC":
                mark = "NC"
            elif outcome["winner"] is None:
                mark = "D"
            else:
                mark = "W" if outcome["winner"] == fight["corner"] else "L"
        when: date = fight["date"]
        lines.append(
            FightLine(
                fight_id=fight["id"],
                date=when,
                opponent=fight["opponent"],
                corner=fight["corner"],
                rounds=fight["rounds"],
                result=mark,
                method=outcome["result"] if outcome else None,
                end_round=outcome["end_round"] if outcome else None,
                end_time=outcome["end_time"] if outcome else None,
                decision=outcome["kind"] if outcome else None,
            )
        )
    return lines


def record_of(lines: list[FightLine]) -> Record:
    """The record over an athlete's fight lines (see `fight_lines`)."""
    marks = [f.result for f in lines]
    kos = sum(1 for f in lines if f.result == "W" and RESULTS.get(f.method or "", (0, 0, 0))[1])
    return Record(
        wins=marks.count("W"),
        losses=marks.count("L"),
        draws=marks.count("D"),
        kos=kos,
        no_contests=marks.count("NC"),
        undecided=marks.count(None),
    )


__all__ = [
    "RESULTS",
    "FightLine",
    "Record",
    "canonical_result",
    "fight_lines",
    "fight_outcome",
    "parse_clock",
    "record_of",
    "set_fight_result",
]
