"""What `lab.load.status` answers: in its own module, loaded by the one command that shows it
(creating a frozen dataclass costs about 1 ms of CPU; issue 19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl


@dataclass(frozen=True)
class Status:
    """One athlete's load status on a day, and the days before it."""

    athlete: str
    day: date
    today: dict[str, Any]
    recent: pl.DataFrame
