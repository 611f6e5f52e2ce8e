"""The modelled fight-day performance of a camp, fast: the history's part computed once.

The planner asks for fight-day performance hundreds of times per taper length (SLSQP with
finite-difference gradients), each time for the same history followed by different camp
loads. `performance_predict` recomputes the whole series; `HistoryState` holds the model's
recursions (fitness, fatigue and, for Busso, the fatigue gain) as they stand after the
history, and `fight_day` continues them over the camp's loads only.

The result is the same number, to the bit, as
``performance_predict(np.concatenate([history, loads, [0.0]]), params)[-1]``: the recursions
repeat the operations of SciPy's `lfilter` (direct form II transposed; for a first-order
filter y_n = b0 x_n + z, z = b1 x_n − a1 y_n with b1 = 0) in the same order, and the test
`tests/test_camp_plan.py::test_fight_day_matches_performance_predict_to_the_bit` holds it so.

References
----------
Banister E. W., Calvert T. W., Savage M. V., Bach T. (1975) A systems model of training for
athletic performance. Australian Journal of Sports Medicine 7(3), 57-61.

Busso T. (2003) Variable dose-response relationship between exercise training and
performance. Medicine & Science in Sports & Exercise 35(7), 1188-1195.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drago.analysis.camp.model import FloatArray, PerformanceParams, fatigue_gain


@dataclass(frozen=True)
class HistoryState:
    """The filters' states after the history: fitness, fatigue, Busso's gain (0 for Banister),
    and the decay factors e^(−1/τ) of τ1, τ2, τ3."""

    fitness: float
    fatigue: float
    gain: float
    a1: float
    a2: float
    a3: float
    params: PerformanceParams


def history_state(history: FloatArray, params: PerformanceParams) -> HistoryState:
    """The states `lfilter` holds after running the model's recursions over `history`."""
    from scipy.signal import lfilter  # type: ignore[import-untyped]  # lazy: commands start fast

    a1, a2 = math.exp(-1.0 / params.tau1), math.exp(-1.0 / params.tau2)
    a3 = math.exp(-1.0 / params.tau3) if params.method == "busso2003" else 0.0
    w = np.asarray(history, dtype=np.float64)
    if len(w) == 0:
        return HistoryState(0.0, 0.0, 0.0, a1, a2, a3, params)
    fitness = float(lfilter([a1], [1.0, -a1], w)[-1])
    fatigue = float(lfilter([a2], [1.0, -a2], fatigue_gain(w, params) * w)[-1])
    gain = 0.0
    if params.method == "busso2003":
        gain = float(lfilter([1.0], [1.0, -a3], w)[-1])
    # lfilter's state after a sample y: 0 * x - (-a) * y, which is a * y exactly
    return HistoryState(fitness * a1, fatigue * a2, gain * a3, a1, a2, a3, params)


def fight_day(state: HistoryState, loads: FloatArray) -> float:
    """Modelled performance the day after the last of `loads` (the camp's), following the
    history of `state`: `performance_predict`'s last value, computed over the camp only."""
    p = state.params
    a1, a2, a3 = state.a1, state.a2, state.a3
    z_fit, z_fat, z_gain = state.fitness, state.fatigue, state.gain
    fit = fat = 0.0
    busso = p.method == "busso2003"
    k2, k3 = p.k2, p.k3
    for x in loads.tolist():
        fit = x * a1 + z_fit
        z_fit = fit * a1
        if busso:
            g = x * 1.0 + z_gain
            z_gain = g * a3
            u = (k3 * g) * x
        else:
            u = k2 * x
        fat = u * a2 + z_fat
        z_fat = fat * a2
    return float(p.p0 + p.k1 * fit - fat)
