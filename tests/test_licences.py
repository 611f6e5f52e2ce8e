"""Every file's licence is stated (REUSE.toml), and copyleft fixtures never ship."""

from __future__ import annotations

import fnmatch
import importlib.resources
import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PERMISSIVE = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "ODC-By-1.0"}
NOT_RECORDINGS = {"SOURCES.md", "index.yml", "README.md"}


def _annotations() -> list[dict[str, str]]:
    return list(tomllib.loads((ROOT / "REUSE.toml").read_text(encoding="utf-8"))["annotations"])


def _matching(path: str) -> list[dict[str, str]]:
    return [a for a in _annotations() if fnmatch.fnmatch(path, a["path"].replace("**", "*"))]


def licence_of(path: str) -> str:
    """The licence REUSE.toml gives `path` (relative to the root): the last matching entry's."""
    return _matching(path)[-1]["SPDX-License-Identifier"]


def recordings(folder: str) -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.name not in NOT_RECORDINGS
    )


def test_reuse_toml_is_generated_from_the_sources() -> None:
    spec = importlib.util.spec_from_file_location("reuse_toml", ROOT / "scripts" / "reuse_toml.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == (ROOT / "REUSE.toml").read_text(encoding="utf-8")


def test_every_fixture_has_its_own_licence() -> None:
    fixtures = [p for p in recordings("tests/data") if not p.startswith("tests/data/stores/")]
    unlabelled = [p for p in fixtures if _matching(p)[-1]["path"] == "**"]
    assert len(fixtures) > 100 and unlabelled == []


def test_shipped_data_is_permissive_and_fixtures_stay_out_of_the_sdist() -> None:
    shipped = recordings("src/drago/demo_data")
    assert shipped and {licence_of(p) for p in shipped} <= PERMISSIVE
    copyleft = [p for p in recordings("tests/data") if "GPL" in licence_of(p)]
    assert copyleft  # they exist, so the rule below matters
    assert "prune tests/data" in (ROOT / "MANIFEST.in").read_text().splitlines()


def test_reuse_lint_finds_nothing() -> None:
    """The REUSE tool itself (REUSE specification 3.3): every licence named has its text in
    LICENSES/, no text is unused, every file has a licence and a copyright holder."""
    done = subprocess.run(
        [sys.executable, "-m", "reuse", "--root", str(ROOT), "lint"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_no_deprecated_licence_identifier() -> None:
    """`GPL-2.0` and the like are deprecated: say `-only` or `-or-later` (SPDX licence list,
    as bundled with reuse). `reuse lint` checks only the names of the LICENSES/ files."""
    bundled = importlib.resources.files("reuse") / "resources" / "licenses.json"
    listed = {lic["licenseId"]: lic for lic in json.loads(bundled.read_text())["licenses"]}
    used = {a["SPDX-License-Identifier"] for a in _annotations()}
    spdx = {u for u in used if not u.startswith("LicenseRef-")}
    assert spdx <= set(listed), spdx - set(listed)
    assert [u for u in spdx if listed[u]["isDeprecatedLicenseId"]] == []
    texts = {p.stem for p in (ROOT / "LICENSES").glob("*.txt")}
    assert texts == used


def test_the_readme_counts_the_copyleft_fixtures() -> None:
    copyleft = [p for p in recordings("tests/data") if "GPL" in licence_of(p)]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"{len(copyleft)} files are copyleft" in readme
