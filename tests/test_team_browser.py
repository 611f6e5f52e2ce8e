"""Team mode in a real browser (Debian's Chromium through Playwright, over `drago serve
--team`): an athlete logs in and sees only their own page, a coach only their team; the
upload box and the logout button carry the CSRF token. Skipped like test_web_browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Stores
from tests.team_store import ACCOUNTS, OTHER, OWN, build_team_store, cheap_hashing
from tests.test_web_browser import browser  # noqa: F401  (the module's Chromium fixture)
from tests.web_store import UPLOAD, free_port

SERVE = "import drago.cli.serve; from drago.cli import main; main()"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        db = stores.copy(
            "team", build_team_store, tmp_path_factory.mktemp("team-browser") / "drago.duckdb"
        )
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
    deadline = time.monotonic() + 120  # a loaded 2-core machine starts a server slowly
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail(f"the team server did not start: {server.stderr.read().decode()}")  # type: ignore[union-attr]
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors


def log_in(page: Any, base_url: str, login: str, start: str = "/") -> None:
    page.goto(base_url + start)
    assert page.url.startswith(base_url + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", ACCOUNTS[login][1])
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_athlete_sees_only_their_own_page(page: Any, base_url: str) -> None:
    log_in(page, base_url, "ivan")
    assert page.url == f"{base_url}/athletes/{OWN}"
    assert page.locator("h1").first.inner_text().startswith(OWN)
    page.wait_for_selector("#pmc[data-rendered=true]", timeout=15_000)
    other = page.goto(f"{base_url}/athletes/{OTHER}")
    assert other is not None and other.status == 404
    assert f"no athlete {OTHER}" in page.locator("p.error").inner_text()
    page.goto(base_url + "/")
    assert page.locator("table.overview tbody tr").count() == 1
    assert page.locator("table.overview tbody tr a").first.inner_text() == OWN


def test_a_coach_sees_only_their_team_in_the_overview(page: Any, base_url: str) -> None:
    log_in(page, base_url, "mick")
    assert page.locator("section.team h2").all_inner_texts() == ["Moscow"]
    assert OTHER not in page.content()


def test_the_upload_box_and_logout_carry_the_csrf_token(page: Any, base_url: str) -> None:
    log_in(page, base_url, "ivan")
    page.set_input_files("#files", str(UPLOAD))
    page.wait_for_selector("#results li.imported", timeout=30_000)
    page.click("form.account button")
    page.wait_for_url(base_url + "/login")
    page.goto(f"{base_url}/athletes/{OWN}")
    assert page.url.startswith(base_url + "/login?next=")


def test_a_wrong_password_stays_on_the_login_form(page: Any, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.fill("input[name=login]", "ivan")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "wrong login or password"
