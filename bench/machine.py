"""The machine a benchmark ran on, shared by the bench scripts' headers."""

from __future__ import annotations

from pathlib import Path


def cpu_model() -> str | None:
    """The first `model name` of /proc/cpuinfo, or None where there is none (not Linux)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), None)
