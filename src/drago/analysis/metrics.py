"""The metric registry: every per-session and daily-series metric with its symbol (the column
it fills), unit, formula, defaults, source and the function that computes it.

docs/metrics.md's two metric tables are generated from here (`metric_table`), and
tests/test_metrics_registry.py checks that the doc equals them, that every function exists and
that each cites its references. Pure data: importing this module imports nothing else.

References
----------
See each metric's `source`; the full citations are in docs/metrics.md, "References".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Table = Literal["session", "daily"]


@dataclass(frozen=True)
class Metric:
    """One metric: where it is listed, what it is called, and how it is computed."""

    table: Table
    name: str
    symbol: str
    unit: str
    formula: str
    defaults: str
    source: str
    function: str  # dotted path of the function computing it


METRICS: Final[tuple[Metric, ...]] = (
    Metric(
        "session",
        "time in HR zones",
        "`zone_s` (5 values)",
        "s",
        (
            "Σ dt of samples in zone k; zone k = [e_k, e_{k+1}) of the HR fraction, zone "
            "5 = [90 %, ∞); below 50 %: no zone"
        ),
        (
            'edges 50/60/70/80/90 %; fraction of HR reserve (`model="karvonen"`) or of '
            'HR max (`model="hrmax"`)'
        ),
        "Karvonen, Kentala & Mustala 1957",
        "drago.analysis.zones.hr_zone_seconds",
    ),
    Metric(
        "session",
        "Banister TRIMP",
        "`trimp_banister`",
        "AU",
        "Σ (dt/60) · x · a · e^(b·x), x = (HR − HRrest)/(HRmax − HRrest) clipped to [0, 1]",
        "men a = 0.64, b = 1.92; women a = 0.86, b = 1.67",
        "Banister 1991; Morton, Fitz-Clarke & Banister 1990",
        "drago.analysis.trimp.trimp_banister",
    ),
    Metric(
        "session",
        "Edwards TRIMP",
        "`trimp_edwards`",
        "AU",
        "Σ minutes in zone k × k, zones 50-60 ... 90-100 % HR max (above max counts as zone 5)",
        "weights 1..5",
        "Edwards 1993",
        "drago.analysis.trimp.trimp_edwards",
    ),
    Metric(
        "session",
        "Lucia TRIMP",
        "`trimp_lucia`",
        "AU",
        "Σ minutes × 1 (HR < VT1), 2 (VT1 ≤ HR < VT2), 3 (HR ≥ VT2)",
        "null unless both thresholds are set",
        "Lucia et al. 2003",
        "drago.analysis.trimp.trimp_lucia",
    ),
    Metric(
        "session",
        "session-RPE load",
        "`srpe_load`",
        "AU",
        "CR-10 session RPE × duration in minutes",
        "—",
        "Foster et al. 2001",
        "drago.analysis.srpe.srpe_load",
    ),
    Metric(
        "session",
        "HR time",
        "`hr_time_s`",
        "s",
        "Σ dt (time carrying a valid HR)",
        "—",
        "—",
        "drago.analysis.zones.sample_durations",
    ),
    Metric(
        "daily",
        "daily load",
        "`load`",
        "AU",
        "Σ of the day's counted sessions in the athlete's local calendar; 0 on days off",
        '`method="auto"`',
        "—",
        "drago.analysis.load.daily_load",
    ),
    Metric(
        "daily",
        "chronic training load (fitness)",
        "`ctl`",
        "AU/day",
        (
            "CTL_t = CTL_{t−1} + λ(L_t − CTL_{t−1}), λ = 1 − e^(−1/T); CTL = 0 the day "
            "before the first day"
        ),
        "T = 42 d",
        "Banister et al. 1975; Coggan (Allen & Coggan 2010); GoldenCheetah PMC",
        "drago.analysis.pmc.pmc",
    ),
    Metric(
        "daily",
        "acute training load (fatigue)",
        "`atl`",
        "AU/day",
        "as CTL",
        "T = 7 d",
        "same",
        "drago.analysis.pmc.pmc",
    ),
    Metric(
        "daily",
        "training stress balance (form)",
        "`tsb`",
        "AU/day",
        "TSB_t = CTL_{t−1} − ATL_{t−1}; 0 on the first day",
        "—",
        "same",
        "drago.analysis.pmc.pmc",
    ),
    Metric(
        "daily",
        "rolling ACWR (coupled)",
        "`acwr_rolling`",
        "ratio",
        "mean(L_{t−6..t}) / mean(L_{t−27..t})",
        "7 / 28 d",
        "Gabbett 2016",
        "drago.analysis.acwr.acwr",
    ),
    Metric(
        "daily",
        "rolling ACWR (uncoupled)",
        "`acwr_rolling_uncoupled`",
        "ratio",
        "mean(L_{t−6..t}) / mean(L_{t−27..t−7}); coupled = 4r/(r+3)",
        "7 / 28 d",
        "Lolli et al. 2019",
        "drago.analysis.acwr.acwr",
    ),
    Metric(
        "daily",
        "EWMA ACWR",
        "`acwr_ewma`",
        "ratio",
        (
            "EWMA_7 / EWMA_28, EWMA_t = λL_t + (1−λ)EWMA_{t−1}, λ = 2/(N+1), both "
            "started at the first day's load"
        ),
        "N = 7, 28",
        "Williams et al. 2017",
        "drago.analysis.acwr.acwr",
    ),
    Metric(
        "daily",
        "ACWR band",
        "`acwr_band`",
        "—",
        (
            "of `acwr_rolling` (the ratio the bands were drawn from): < 0.8 under-training; "
            "0.8-1.3 sweet spot; > 1.3-1.5 caution; > 1.5 spike"
        ),
        "—",
        "Gabbett 2016",
        "drago.analysis.acwr.acwr_band",
    ),
    Metric(
        "daily",
        "monotony",
        "`monotony`",
        "ratio",
        "mean / sample SD of the last 7 daily loads",
        "7 d",
        "Foster 1998",
        "drago.analysis.acwr.monotony_strain",
    ),
    Metric(
        "daily",
        "strain",
        "`strain`",
        "AU",
        "7-day sum × monotony",
        "7 d",
        "Foster 1998",
        "drago.analysis.acwr.monotony_strain",
    ),
)
#: Each table's header in the doc (its second column's title differs).
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "session": ("metric", "symbol / column", "unit", "formula", "defaults", "source", "function"),
    "daily": ("metric", "column", "unit", "formula", "defaults", "source", "function"),
}


def metric_table(table: Table) -> str:
    """The Markdown table of one family, as docs/metrics.md holds it.

    >>> metric_table("session").splitlines()[0]
    '| metric | symbol / column | unit | formula | defaults | source | function |'
    """
    header = HEADERS[table]
    rows = [
        (m.name, m.symbol, m.unit, m.formula, m.defaults, m.source, f"`{m.function}`")
        for m in METRICS
        if m.table == table
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
