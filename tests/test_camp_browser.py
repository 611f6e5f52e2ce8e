"""The camp's weight-cut warnings in a real browser (Debian's Chromium through Playwright, over
`drago serve`), at a phone's size and a desktop's: the coach sees them on the athlete page,
opens the camp, switches to amateur rules with a hydration test, and the weigh-in moves to the
morning of the bout with the tighter cap. Skipped like test_web_browser. With
DRAGO_SCREENSHOTS=DIR the camp page is saved there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Stores
from tests.test_camp_web import FIGHT, build_camp_store
from tests.test_web_browser import browser  # noqa: F401  (the module's Chromium fixture)
from tests.web_store import free_port, start_server

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[str]:
    db = stores.copy("camp", build_camp_store, tmp_path_factory.mktemp("camp") / "drago.duckdb")
    port = free_port()
    server = start_server(db, port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coach_sees_the_weight_cut_warnings_and_changes_the_rules(
    browser: Any,  # noqa: F811
    base_url: str,
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(base_url + "/athletes/Rocky")
    warnings = tab.locator("#camp-warnings li")
    assert warnings.count() >= 1
    assert "above the 5% cap for 30 h from weigh-in to bout" in warnings.all_inner_texts()[0]
    assert tab.locator("#camp h2").inner_text().startswith(f"Camp: fight {FIGHT}")

    tab.click("text=The camp: plan, status and every warning")
    tab.wait_for_url("**/athletes/Rocky/camp")
    shown = " ".join(tab.locator("#warnings li").all_inner_texts())
    assert "5% cap for 30 h" in shown
    assert tab.locator("#plan tbody tr").count() == 56

    tab.select_option("select[name=weigh_in]", "amateur")
    tab.fill("input[name=usg_max]", "1.020")
    tab.click("text=Apply the rules")
    tab.wait_for_url("**/athletes/Rocky/camp?weigh_in=amateur*")
    shown = " ".join(tab.locator("#warnings li").all_inner_texts())
    assert "3% cap for 4 h from weigh-in to bout" in shown
    assert "urine specific gravity <= 1.020" in shown
    assert f"{FIGHT}, 4.0 h before the bout" in tab.locator("#weigh-in").inner_text()
    if viewport is PHONE:  # the page fits the phone; the plan's table scrolls in its box
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    folder = os.environ.get("DRAGO_SCREENSHOTS")
    if folder:
        size = "phone" if viewport is PHONE else "desktop"
        tab.screenshot(path=str(Path(folder) / f"camp-{size}.png"), full_page=True)
    context.close()
    assert not errors
