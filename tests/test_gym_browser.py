"""The gym's day in a real browser (Debian's Chromium through Playwright, over `drago serve
--team`), at a phone's size (390x844) and a desktop's: an athlete logs in, does the morning
check and rates this morning's run; the coach sees the change on /today. Skipped like
test_web_browser. With DRAGO_SCREENSHOTS=DIR the pages are saved there (docs/screenshots)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from drago.ingest.fit.retime import retime
from drago.lab import Lab
from tests.team_store import ACCOUNTS, OWN, build_team_store, cheap_hashing
from tests.test_team_browser import SERVE, log_in
from tests.test_web_browser import browser  # noqa: F401  (the module's Chromium fixture)
from tests.web_store import RUN, free_port

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def _wait(url: str, server: subprocess.Popen[bytes]) -> None:
    import time

    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"the team server did not start: {server.stderr.read().decode()}")  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("gym-browser")
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        db = build_team_store(folder / "drago.duckdb")
    # This morning's run, not rated yet: the real FIT file moved to 06:30 today in Moscow.
    morning = datetime.now(ZoneInfo("Europe/Moscow")).replace(hour=6, minute=30, second=0)
    run = folder / "this-morning.fit"
    run.write_bytes(retime(RUN.read_bytes(), morning))
    with Lab(db) as lab:
        lab.sessions.import_paths([run], athlete=OWN, workers=1)
    port = free_port()
    env = {**os.environ, "DRAGO_PASSWORD_HASH": "cheapest"}
    args = ["--db", str(db), "serve", "--team", "--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    _wait(url, server)
    yield url
    server.terminate()
    server.wait(10)


def _tab(browser: Any, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:  # noqa: F811
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, tab, errors


def _shot(tab: Any, name: str) -> None:
    folder = os.environ.get("DRAGO_SCREENSHOTS")
    if folder:
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _board_row(tab: Any) -> str:
    return str(tab.locator(f"table.board tr[data-athlete='{OWN}']").inner_text())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_morning_check_and_rating_reach_the_coachs_board(
    browser: Any,  # noqa: F811
    base_url: str,
    viewport: dict[str, int],
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    coach_ctx, coach, coach_errors = _tab(browser, viewport)
    log_in(coach, base_url, "mick", "/today")
    assert coach.url == base_url + "/today"
    before = _board_row(coach)
    assert OWN in before and "Rocky" not in coach.locator("table.board").inner_text()

    athlete_ctx, phone, athlete_errors = _tab(browser, viewport)
    log_in(phone, base_url, "ivan")
    phone.click("text=Today: morning check")
    assert phone.url == f"{base_url}/athletes/{OWN}/today"
    if viewport is PHONE:  # one column, nothing wider than the phone
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = phone.locator("fieldset.scale").first.locator(".choices label").first.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb's target (Apple HIG: 44 pt)
    answers = {"sleep": 2, "stress": 3, "fatigue": 5, "soreness": 4}
    for item, value in answers.items():  # one tap per question
        phone.locator(f"fieldset.scale input[name={item}][value='{value}'] + span").click()
    phone.fill("input[name=rhr_bpm]", "51")
    phone.fill("input[name=kg]", "105.2" if size == "phone" else "105.0")
    _shot(phone, f"morning-{size}")
    phone.click("text=Save the morning check")
    phone.wait_for_url(f"**/athletes/{OWN}/today?saved=morning")
    assert "the morning check is in" in phone.locator("p.saved").inner_text()
    assert phone.locator("input[name=fatigue][value='5']").is_checked()

    rate = phone.locator("form.rate").first
    if rate.count():  # the run is rated once (the phone run); the desktop run finds it rated
        rate.locator("input[name=rpe][value='6'] + span").click()
        rate.locator("button[type=submit]").click()
        phone.wait_for_url(f"**/athletes/{OWN}/today?saved=rating")
    assert "Nothing to rate" in phone.locator("#rate").inner_text()
    assert "RPE 6" in phone.locator("#today-sessions").inner_text()
    _shot(phone, f"day-{size}")

    coach.reload()
    after = _board_row(coach)
    assert "yes" in after and "not yet" not in after and after != before
    assert coach.locator(f"table.board tr[data-athlete='{OWN}'] .badge").first.inner_text() in (
        "green",
        "amber",
        "red",
    )
    _shot(coach, f"today-{size}")
    coach.click(f"table.board a:text('{OWN}')")
    assert coach.url == f"{base_url}/athletes/{OWN}"
    for ctx in (athlete_ctx, coach_ctx):
        ctx.close()
    assert not athlete_errors and not coach_errors
    assert ACCOUNTS["ivan"][0] == "athlete" and ACCOUNTS["mick"][0] == "coach"
