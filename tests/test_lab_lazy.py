"""A lab builds each service when first asked for, with the services it uses (issue 19): a
command pays only for the services it touches, and every service still gets the lab's own."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

from drago.lab import Lab
from drago.lab.scoped import ScopedLab, ScopedService


def test_a_new_lab_has_built_no_service(tmp_path: Path) -> None:
    with Lab(tmp_path / "drago.duckdb") as lab:
        assert lab._services == {}
        assert not set(Lab.SERVICES) & set(vars(lab))


def test_a_service_is_built_once_with_the_labs_own_services(tmp_path: Path) -> None:
    with Lab(tmp_path / "drago.duckdb") as lab:
        tape = lab.tape
        # tape and what it uses, transitively; nothing else
        assert set(lab._services) == {
            "tape",
            "athletes",
            "load",
            "lake",
            "readiness",
            "camp",
            "punches",
            "sessions",
            "fights",
            "streams",
        }
        assert lab.tape is tape and lab.fights is tape._fights and lab.camp is tape._camp
        assert lab.fights._punches is lab.punches and lab.punches._sessions is lab.sessions
        assert lab.sessions._load is lab.load is lab.camp._load
        for family in Lab.SERVICES:
            service = getattr(lab, family)
            assert service is getattr(lab, family) is lab.service(family)
            used = [p for p in inspect.signature(type(service).__init__).parameters][2:]
            assert used == list(Lab.__dict__[family].uses), family


def test_a_scoped_lab_wraps_each_service_as_it_is_built(tmp_path: Path) -> None:
    Lab(tmp_path / "drago.duckdb").close()
    lab = ScopedLab(tmp_path / "drago.duckdb", frozenset({1}))
    try:
        assert lab._services == {}
        sessions = lab.sessions
        assert isinstance(sessions, ScopedService) and lab.sessions is sessions
        # the services hand each other the unscoped ones
        assert lab.service("sessions")._load is lab.service("load")
        assert not isinstance(lab.service("load"), ScopedService)
    finally:
        lab.close()
    admin = ScopedLab(tmp_path / "drago.duckdb", None)
    try:
        assert admin.sessions is admin.service("sessions")  # an admin sees the services
    finally:
        admin.close()


def test_opening_a_lab_imports_no_service_module(tmp_path: Path) -> None:
    Lab(tmp_path / "drago.duckdb").close()
    code = (
        "import json, sys; from drago.lab import Lab; "
        f"lab = Lab({str(tmp_path / 'drago.duckdb')!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('drago.lab.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == ["drago.lab.base", "drago.lab.context", "drago.lab.memo"]
