"""The dashboard in a real browser: Debian's Chromium driven by Playwright over a uvicorn server.

Skipped where Chromium or Playwright is missing, except under CI=true, where that fails.
Also takes the screenshots of docs/web.md:
`python -m tests.test_web_browser --screenshots docs/screenshots STORE.duckdb`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Stores
from tests.web_store import UPLOAD, build_store, free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[str]:
    db = stores.copy("web", build_store, tmp_path_factory.mktemp("browser") / "drago.duckdb")
    port = free_port()
    server = start_server(db, port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    yield tab
    context.close()
    assert not errors


def charts_drawn(tab: Any, ids: list[str]) -> None:
    """Each figure has been drawn by plotly.js: a non-empty SVG with plotted marks."""
    for name in ids:
        tab.wait_for_selector(f"#{name}[data-rendered=true]", timeout=15_000)
        marks = tab.locator(f"#{name} svg.main-svg path").count()
        assert marks > 5, (name, marks)


def test_overview_shows_every_team(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("section.team h2").all_inner_texts() == ["Moscow", "Philadelphia"]
    assert page.locator("table.overview tbody tr").count() == 3


def test_athlete_page_draws_the_pmc(page: Any, base_url: str) -> None:
    page.goto(base_url + "/athletes/drago")
    charts_drawn(page, ["pmc"])
    assert page.locator("#sessions tr").count() == 2


def test_session_page_draws_hr_and_track(page: Any, base_url: str) -> None:
    page.goto(base_url + "/athletes/drago")
    page.locator("#sessions a").last.click()  # newest first: the oldest is the GPS run
    charts_drawn(page, ["hr", "track"])


def test_compare_draws_both_athletes(page: Any, base_url: str) -> None:
    page.goto(base_url + "/compare")
    page.select_option("select[name=a]", "Drago")
    page.select_option("select[name=b]", "Rocky")
    page.click("button[type=submit]")
    charts_drawn(page, ["tape"])
    assert page.locator("table.tape th a").all_text_contents() == ["Drago", "Rocky"]


def test_upload_through_the_picker_shows_the_new_session(page: Any, base_url: str) -> None:
    page.goto(base_url + "/athletes/apollo%20creed")
    assert page.locator("#sessions a").count() == 0
    page.set_input_files("#files", str(UPLOAD))
    page.wait_for_selector("#results li.imported", timeout=30_000)
    assert UPLOAD.name in page.locator("#results").inner_text()
    page.wait_for_selector("#sessions a", timeout=10_000)
    assert page.locator("#sessions a").count() == 1
    page.set_input_files("#files", str(UPLOAD))
    page.wait_for_selector("#results li.already-imported", timeout=30_000)


def test_fight_forms_create_a_fight_and_raise_the_towel(page: Any, base_url: str) -> None:
    page.goto(base_url + "/fights")
    page.fill("input[name=red]", "Drago")
    page.fill("input[name=blue]", "Apollo Creed")
    page.fill("input[name=rounds]", "3")
    page.click("form.entry button[type=submit]")
    page.wait_for_selector("#round-form")
    for corner, counts, kd in (
        ("blue", ("10", "1", "10", "1"), "3"),
        ("red", ("30", "15", "40", "25"), "0"),
    ):
        page.select_option("select[name=corner]", corner)
        for field, value in zip(
            ("jabs_thrown", "jabs_landed", "power_thrown", "power_landed"), counts, strict=True
        ):
            page.fill(f"input[name={field}]", value)
        page.fill("input[name=knockdowns]", kd)
        page.fill("input[name=round]", "1")
        page.click("#round-form button[type=submit]")
        page.wait_for_selector("#round-1")
    assert "consider stopping" in page.locator("p.alert").first.inner_text()
    assert page.locator("#round-1 td.alert").count() == 1


def screenshots(db: Path, out: Path) -> None:
    """Screenshots of the key pages of the store `db` (its first athletes and session)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        names = [a["name"] for a in httpx.get(base + "/api/athletes").json()["items"]]
        first = httpx.get(f"{base}/api/athletes/{names[0]}/sessions").json()["items"]
        with_gps = [s["id"] for s in first if s["n_records"] > 0 and s["distance_m"]]
        shots = {
            "overview": ("/", []),
            "athlete": (f"/athletes/{names[0]}", ["pmc"]),
            "session": (f"/sessions/{with_gps[0]}", ["hr", "track"]),
            "compare": (f"/compare?a={names[0]}&b={names[-1]}", ["tape"]),
        }
        fights = httpx.get(base + "/api/fights").json()["items"]
        if fights:
            shots["fight"] = (f"/fights/{fights[-1]['id']}", [])
        out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tab = chromium.new_page(viewport={"width": 1280, "height": 900})
            for name, (url, ids) in shots.items():
                tab.goto(base + url)
                for fig in ids:
                    tab.wait_for_selector(f"#{fig}[data-rendered=true]", timeout=15_000)
                tab.screenshot(path=str(out / f"{name}.png"), full_page=True)
            chromium.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "--screenshots":
        sys.exit("usage: python -m tests.test_web_browser --screenshots OUT_DIR STORE.duckdb")
    copy = Path(sys.argv[3]).with_name(".screenshots.duckdb")
    shutil.copy(sys.argv[3], copy)  # the server may migrate; leave the original alone
    try:
        screenshots(copy, Path(sys.argv[2]))
    finally:
        copy.unlink(missing_ok=True)
