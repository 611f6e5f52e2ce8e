"""Every analysis module imports on its own, first in a fresh interpreter: `camp.model`
re-exported `performance_fit` from `camp.fit`, which imports `camp.model`, so a process
whose first import was `camp.fit` (tests/test_decision_gaps.py run alone) died of a circular
import, and the full suite passed only because another test had imported `camp.model` first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).parents[1] / "src" / "drago" / "analysis"
MODULES = sorted(
    "drago." + ".".join(p.relative_to(ANALYSIS.parent).with_suffix("").parts)
    for p in ANALYSIS.rglob("*.py")
    if p.name != "__init__.py"
)


@pytest.mark.parametrize("module", [m for m in MODULES if ".camp." in m])
def test_a_camp_module_imports_first(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
