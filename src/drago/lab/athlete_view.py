"""What `lab.athletes.get` answers: in its own module, loaded by the commands and pages that show
one athlete (creating a frozen dataclass costs about 1 ms of CPU; issue 19)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass(frozen=True)
class AthleteView:
    """One athlete: profile, dated values, and what the data says when values are missing."""

    profile: dict[str, Any]
    values: pl.DataFrame
    estimates: dict[str, float | None]
