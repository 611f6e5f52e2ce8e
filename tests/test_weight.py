"""Weight classes, lb/kg, and the making-weight trajectory with its warnings."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drago.analysis.camp.weight import (
    BODIES,
    class_for,
    kg_to_lb,
    lb_to_kg,
    weight_class,
    weight_classes,
    weight_trajectory,
)
from drago.errors import NotFound, UsageError

D0 = date(2026, 9, 1)


def test_the_seventeen_professional_classes() -> None:
    pro = weight_classes()
    assert len(pro) == 17
    assert [wc.limit_lb for wc in pro] == [
        105,
        108,
        112,
        115,
        118,
        122,
        126,
        130,
        135,
        140,
        147,
        154,
        160,
        168,
        175,
        200,
        None,
    ]
    assert pro[0].name == "minimumweight" and pro[-1].name == "heavyweight"
    assert pro[-1].limit_kg is None and pro[-1].above_kg == pytest.approx(90.718474)
    assert weight_class("welterweight").limit_kg == pytest.approx(66.67808)
    assert weight_class("middleweight").above_kg == pytest.approx(lb_to_kg(154))


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Strawweight", "minimumweight"),
        ("junior-flyweight", "light flyweight"),
        ("LIGHT  MIDDLEWEIGHT", "super welterweight"),
        ("junior_welterweight", "super lightweight"),
    ],
)
def test_aliases(alias: str, name: str) -> None:
    assert weight_class(alias).name == name


def test_amateur_classes() -> None:
    assert weight_class("57", body="olympic2024-men").limit_kg == 57
    assert weight_class("+92 kg", body="iba-men").limit_kg is None
    assert weight_class("+81kg", body="iba-women").above_kg == 81
    assert len(weight_classes("iba-men")) == 13 and len(weight_classes("olympic2024-women")) == 6
    assert class_for(62.0, body="olympic2024-men").name == "63.5kg"
    assert class_for(66.7).name == "super welterweight" and class_for(300).name == "heavyweight"
    with pytest.raises(NotFound, match="valid: pro"):
        weight_classes("wbc-amateur")
    with pytest.raises(NotFound, match="valid: minimumweight, light flyweight"):
        weight_class("catchweight")


@given(st.floats(0.0, 1000.0))
def test_lb_kg_round_trip(kg: float) -> None:
    assert lb_to_kg(kg_to_lb(kg)) == pytest.approx(kg)


def weights(kg: list[float], step: int = 1) -> pl.DataFrame:
    return pl.DataFrame({"date": [D0 + timedelta(i * step) for i in range(len(kg))], "kg": kg})


def test_a_gentle_cut_has_no_warnings() -> None:
    # 70 kg, 8 weeks out, limit 66.68: 1 %/week for 7 weeks can take 70 (1 - 0.99^7) = 4.73 kg
    t = weight_trajectory(
        weights([70.0]), D0 + timedelta(56), weight_class("welterweight").limit_kg or 0
    )
    assert t.warnings == [] and t.acute_pct == 0
    assert t.to_lose_kg == pytest.approx(70 - 66.67808)
    assert 0.5 <= t.gradual_pct_week <= 1.0
    assert t.days.height == 57 and t.days["planned_kg"][-1] == pytest.approx(66.67808)
    assert (t.days["planned_kg"].diff().drop_nulls() <= 0).all()  # never planned to gain
    assert t.days["actual_kg"][0] == 70.0 and t.days["actual_kg"].null_count() == 56


def test_a_crash_cut_warns() -> None:
    # 75 kg, 10 days out, limit 66.68: 1 %/week x 3/7 week gradual, the rest acute (> 10 %)
    fast = weights([77.0, 76.2, 75.5, 75.0], step=3)
    t = weight_trajectory(fast, D0 + timedelta(9 + 10), 66.67808)
    assert t.acute_pct > 5
    assert any("acute loss" in w and "Reale" in w for w in t.warnings)
    assert t.observed_pct_week is not None and t.observed_pct_week > 1.0
    assert any("over the last 14 days" in w for w in t.warnings)
    assert t.days["planned_kg"][-1] == pytest.approx(66.67808)


def test_already_on_weight_and_errors() -> None:
    t = weight_trajectory(weights([60.0]), D0 + timedelta(5), 61.2)
    assert t.to_lose_kg == 0 and t.warnings == [] and t.days["planned_kg"].to_list() == [60.0] * 6
    past = weight_trajectory(weights([60.0]), D0 - timedelta(1), 61.2)
    assert "before the last weigh-in" in past.warnings[0]
    with pytest.raises(UsageError, match="no weigh-ins"):
        weight_trajectory(weights([]), D0, 60)
    with pytest.raises(UsageError, match="lack columns"):
        weight_trajectory(pl.DataFrame({"date": [D0]}), D0, 60)
    assert "pro" in BODIES
