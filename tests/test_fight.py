"""Fight night: CompuBox arithmetic, 10-point-must cards, and the towel on worked fights."""

from __future__ import annotations

import polars as pl
import pytest

import drago.analysis.fight as fight_module
from drago.analysis.fight import compubox, decision, round_stats, scorecards, towel
from drago.errors import UsageError


def row(
    rnd: int, corner: str, jt: int, jl: int, pt: int, pl_: int, kd: int = 0, **extra: float
) -> dict[str, object]:
    return {
        "round": rnd,
        "corner": corner,
        "jab_thrown": jt,
        "jab_landed": jl,
        "power_thrown": pt,
        "power_landed": pl_,
        "knockdowns": kd,
        **extra,
    }


def one_sided() -> pl.DataFrame:
    """12 rounds: red breaks blue down; blue is dropped in rounds 7 and 10, output fading."""
    rows = []
    for r in range(1, 13):
        fade = 1.0 if r <= 3 else max(0.35, 1 - 0.08 * (r - 3))
        rows.append(row(r, "red", 30, 10, 35, 12 + r))
        rows.append(
            row(
                r,
                "blue",
                int(25 * fade),
                int(5 * fade),
                int(25 * fade),
                int(6 * fade),
                int(r in (7, 10)),
                hrr_60s_bpm=30 * fade,
            )
        )
    return pl.DataFrame(rows)


def close() -> pl.DataFrame:
    """12 even rounds: both throw 55-65, land 8-11 power punches, nobody goes down."""
    rows = []
    for r in range(1, 13):
        rows.append(row(r, "red", 30 + r % 3, 8, 30 - r % 2, 9 + r % 3, hrr_60s_bpm=28.0))
        rows.append(row(r, "blue", 28, 7 + r % 2, 32, 10 - r % 3, hrr_60s_bpm=27.0 - r % 2))
    return pl.DataFrame(rows)


def test_round_stats_by_hand() -> None:
    f = pl.DataFrame(
        [
            row(1, "red", 20, 5, 10, 4),
            row(1, "blue", 10, 2, 0, 0, 1),
            row(2, "red", 0, 0, 0, 0),
            row(2, "blue", 15, 3, 25, 10),
        ]
    )
    s = round_stats(f)
    red1 = s.filter(round=1, corner="red").row(0, named=True)
    assert (red1["total_thrown"], red1["total_landed"]) == (30, 9)
    assert red1["jab_pct"] == 25.0 and red1["power_pct"] == 40.0 and red1["total_pct"] == 30.0
    assert red1["absorbed_power"] == 0 and red1["absorbed_total"] == 2
    blue1 = s.filter(round=1, corner="blue").row(0, named=True)
    assert blue1["power_pct"] is None and blue1["absorbed_power"] == 4
    red2 = s.filter(round=2, corner="red").row(0, named=True)
    assert red2["total_pct"] is None and red2["cum_absorbed_power"] == 10
    assert s.filter(corner="blue")["cum_knockdowns"].to_list() == [1, 1]


def test_compubox_totals() -> None:
    t = compubox(one_sided())
    assert t["corner"].to_list() == ["red", "blue"]
    red = t.row(0, named=True)
    assert red["jab_thrown"] == 360 and red["power_landed"] == sum(12 + r for r in range(1, 13))
    assert red["total_pct"] == pytest.approx(100 * red["total_landed"] / red["total_thrown"])


def test_validation() -> None:
    with pytest.raises(UsageError, match="exceed"):
        round_stats(pl.DataFrame([row(1, "red", 5, 6, 0, 0)]))
    with pytest.raises(UsageError, match="red or blue"):
        round_stats(pl.DataFrame([row(1, "green", 5, 1, 0, 0)]))
    with pytest.raises(UsageError, match="twice"):
        round_stats(pl.DataFrame([row(1, "red", 5, 1, 0, 0), row(1, "red", 5, 1, 0, 0)]))
    with pytest.raises(UsageError, match="negative"):
        round_stats(pl.DataFrame([row(1, "red", -1, 0, 0, 0)]))
    with pytest.raises(UsageError, match="lack columns"):
        round_stats(pl.DataFrame({"round": [1]}))


def cards(*judges: list[tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"round": r + 1, "judge": f"J{j + 1}", "red": a, "blue": b}
            for j, card in enumerate(judges)
            for r, (a, b) in enumerate(card)
        ]
    )


def test_running_scorecards_and_decisions() -> None:
    s = scorecards(cards([(10, 9), (9, 10), (10, 8)]))
    assert s["red_total"].to_list() == [10, 19, 29] and s["blue_total"].to_list() == [9, 19, 27]
    red, blue, even = [(10, 9)], [(9, 10)], [(10, 10)]
    assert decision(cards(red, red, red)).kind == "unanimous decision"
    assert decision(cards(red, blue, red)).winner == "red"
    assert decision(cards(red, blue, red)).kind == "split decision"
    assert decision(cards(red, even, red)).kind == "majority decision"
    assert decision(cards(red, even, even)) == decision(cards(even, even, red)).__class__(
        None, "majority draw", [("J1", 10, 9), ("J2", 10, 10), ("J3", 10, 10)]
    )
    assert decision(cards(red, blue, even)).kind == "split draw"
    assert decision(cards(even, even, even)).kind == "draw"
    with pytest.raises(UsageError, match="0 to 10"):
        scorecards(cards([(11, 9)]))


def test_towel_fires_before_the_final_round_of_a_one_sided_fight() -> None:
    t = towel(one_sided())
    blue = t.filter(corner="blue")
    alerts = blue.filter("alert")["round"].to_list()
    first = alerts[0]
    assert alerts and first < 12  # before the final round, and it stays up
    assert alerts == list(range(first, 13))
    assert t.filter(corner="red")["alert"].any() is False
    assert blue["risk"].is_between(0, 1).all()
    msg = blue.filter(round=10)["message"].item()
    assert msg.startswith("consider stopping: 2nd knockdown")
    assert "power punches in rounds 8-10" in msg and "output down" in msg
    assert blue.filter(round=first)["message"].item() is not None
    assert (
        blue.filter(~pl.col("alert"))["message"].null_count()
        == blue.filter(~pl.col("alert")).height
    )


def test_towel_stays_quiet_in_a_close_fight() -> None:
    t = towel(close())
    assert not t["alert"].any() and (t["risk"] < 0.3).all()


def test_third_knockdown_is_a_full_risk_and_signals_are_optional() -> None:
    f = pl.DataFrame(
        [
            row(1, "red", 10, 2, 10, 2, 1),
            row(1, "blue", 10, 3, 10, 5),
            row(2, "red", 10, 2, 10, 2, 2),
            row(2, "blue", 10, 3, 10, 5),
        ]
    )
    t = towel(f).filter(corner="red")
    assert t["risk"].to_list()[1] == 1.0 and t["alert"].to_list() == [False, True]
    assert t["message"][1].startswith("consider stopping: 3rd knockdown (2 in round) (")
    assert t["message"][1].endswith("not a medical device)")
    assert t["hrr_drop"].null_count() == 2  # no heart rate: that signal is left out


def test_heart_rate_recovery_that_fails_raises_the_risk() -> None:
    base = close()
    worse = base.with_columns(
        pl.when((pl.col("corner") == "blue") & (pl.col("round") > 6))
        .then(8.0)
        .otherwise(pl.col("hrr_60s_bpm"))
        .alias("hrr_60s_bpm")
    )
    a, b = towel(base).filter(corner="blue"), towel(worse).filter(corner="blue")
    assert (b["risk"] >= a["risk"]).all() and b["s_hrr"].max() == pytest.approx(0.15)


def test_the_towel_says_what_it_is() -> None:
    assert "not a medical device" in (fight_module.__doc__ or "")
    assert "not a medical device" in fight_module.DISCLAIMER
    assert "not a medical device" in (towel.__doc__ or "")
