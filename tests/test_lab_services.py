"""The lab is composed services over one context (issue 20): no mixins, no stubs, each service
gets the services it uses in its constructor, and team mode's check covers every method of
every service by its parameters' names, new ones included."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, cast

import pytest

from drago.errors import NotFound
from drago.lab import Lab, Memo
from drago.lab.context import LabContext, Service
from drago.lab.scoped import ScopedLab, ScopedService

LAB = Path(__file__).parents[1] / "src" / "drago" / "lab"


def test_no_lab_module_has_a_stub() -> None:
    for path in sorted(LAB.glob("*.py")):
        assert "NotImplementedError" not in path.read_text(encoding="utf-8"), path.name


def test_the_lab_is_no_mixin() -> None:
    assert Lab.__mro__ == (Lab, object)
    assert ScopedLab.__mro__ == (ScopedLab, Lab, object)


def test_no_service_reaches_back_for_the_lab() -> None:
    """A service module imports the services it uses, never `drago.lab.Lab` itself."""
    for path in sorted(LAB.glob("*.py")):
        if path.name in ("__init__.py", "scoped.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"from drago\.lab import .*\bLab\b", text), path.name


def test_every_service_is_built_over_the_labs_one_context(tmp_path: Path) -> None:
    with Lab(tmp_path / "drago.duckdb") as lab:
        for family in Lab.SERVICES:
            service = getattr(lab, family)
            assert isinstance(service, Service), family
            assert service.ctx is lab.ctx, family
            used = [
                p.annotation
                for p in inspect.signature(type(service).__init__).parameters.values()
                if p.name not in ("self", "ctx")
            ]
            for name in used:  # each dependency is one of the lab's own services
                assert str(name).endswith("Service"), (family, name)


class _Probe(Service):
    def __init__(self, ctx: LabContext) -> None:
        super().__init__(ctx)
        self._dependency = "an unscoped service"

    def new_method(self, name: str, *, session_id: int | None = None) -> str:
        return f"ran for {name}"

    def unscoped(self, text: str) -> str:
        return text


def test_a_new_service_method_is_checked_by_its_parameters() -> None:
    seen: list[tuple[str, Any]] = []

    def see(what: str, named: Any) -> None:
        seen.append((what, named))
        if named == "hidden":
            raise NotFound("no athlete hidden: add it with drago athlete add")

    unused = LabContext(cast(Any, None), Memo())  # the probe never reaches a store
    probe = ScopedService("probe", _Probe(unused), see)
    assert probe.new_method("rocky", session_id=7) == "ran for rocky"
    assert seen == [("athlete", "rocky"), ("session", 7)]
    with pytest.raises(NotFound):
        probe.new_method("hidden")
    assert probe.unscoped("hidden") == "hidden"
    with pytest.raises(AttributeError):
        probe._dependency  # noqa: B018 - the services it uses are not reachable through it
