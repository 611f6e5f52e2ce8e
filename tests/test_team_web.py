"""Team mode through the app (FastAPI's TestClient, no socket): logging in and out, cookies,
CSRF, rate limits, session expiry, existence that does not leak, scoped listings, the audit
log, and `drago serve --team`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web import create_app
from drago.web.auth import TeamConfig
from drago.web.login import LoginLimiter
from tests.conftest import Stores
from tests.team_store import ACCOUNTS, OTHER, OWN, build_team_store, cheap_hashing, session_ids
from tests.web_store import build_store

SERVE = "import drago.cli.serve; from drago.cli import main; main()"


def password(login: str) -> str:
    return ACCOUNTS[login][1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        yield stores.copy(
            "team", build_team_store, tmp_path_factory.mktemp("team") / "drago.duckdb"
        )


@pytest.fixture
def client(built: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    cheap_hashing(monkeypatch)
    with TestClient(create_app(built, team=TeamConfig(), linger_s=0)) as client:
        yield client


def api_login(client: TestClient, login: str, secret: str | None = None) -> Any:
    return client.post("/api/login", json={"login": login, "password": secret or password(login)})


def form_login(client: TestClient, login: str, secret: str | None = None, **extra: str) -> Any:
    client.get("/login")
    data = {
        "login": login,
        "password": secret or password(login),
        "csrf_token": client.cookies["drago_csrf"],
        **extra,
    }
    return client.post("/login", data=data, follow_redirects=False)


def test_api_login_answers_a_bearer_token_and_sets_a_safe_cookie(client: TestClient) -> None:
    answer = api_login(client, "mick")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["role"] == "coach" and body["token"].startswith("drg_")
    cookies = answer.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("drago_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    csrf = next(c for c in cookies if c.startswith("drago_csrf="))
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/me", headers=bearer).json()["login"] == "mick"


def test_cookies_are_secure_behind_tls(built: Path) -> None:
    with TestClient(create_app(built, team=TeamConfig()), base_url="https://gym.example") as tls:
        answer = api_login(tls, "mick")
    cookies = answer.headers.get_list("set-cookie")
    assert len(cookies) == 2 and all("Secure" in c for c in cookies)


def test_without_credentials_the_api_is_401_json_and_pages_go_to_login(
    client: TestClient,
) -> None:
    answer = client.get("/api/athletes")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json() == {"ok": False, "status": 401, "error": answer.json()["error"]}
    page = client.get("/athletes/drago?x=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fathletes%2Fdrago%3Fx%3D1"
    wrong = client.get("/api/athletes", headers={"Authorization": "Bearer drg_nope"})
    assert wrong.status_code == 401 and "not valid" in wrong.json()["error"]


def test_wrong_passwords_and_unknown_logins_get_the_same_answer(client: TestClient) -> None:
    wrong, unknown = api_login(client, "mick", "not-his-pass"), api_login(client, "nobody", "x")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_the_form_login_lands_an_athlete_on_their_page_and_logout_ends_it(
    client: TestClient,
) -> None:
    answer = form_login(client, "ivan")
    assert answer.status_code == 303 and answer.headers["location"] == "/athletes/Drago"
    page = client.get("/athletes/Drago")
    assert page.status_code == 200 and "Log out" in page.text
    token = client.cookies["drago_session"]
    out = client.post(
        "/logout", data={"csrf_token": client.cookies["drago_csrf"]}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/login"
    again = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_login_goes_back_only_to_local_pages(client: TestClient) -> None:
    assert form_login(client, "mick", next="/compare").headers["location"] == "/compare"
    answer = form_login(client, "mick", next="//evil.example/x")
    assert answer.headers["location"] == "/"  # the coach's landing: the overview


def test_form_posts_need_the_csrf_token(client: TestClient) -> None:
    client.get("/login")
    data = {"login": "mick", "password": password("mick")}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 403
    bad = client.post("/login", data={**data, "csrf_token": "forged"}, follow_redirects=False)
    assert bad.status_code == 403
    form_login(client, "mick")
    files = {"files": ("x.fit", b"not a FIT file")}
    refused = client.post("/api/athletes/drago/imports", files=files)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    header = {"X-CSRF-Token": client.cookies["drago_csrf"]}
    answer = client.post("/api/athletes/drago/imports", files=files, headers=header)
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "failed"
    assert client.post("/logout", follow_redirects=False).status_code == 403


def test_the_json_login_works_with_a_stale_or_a_live_session_cookie(client: TestClient) -> None:
    client.cookies.set("drago_session", "drg_expired")
    assert api_login(client, "mick").status_code == 200
    assert api_login(client, "ivan").status_code == 200  # with mick's live cookie
    assert client.get("/api/me").json()["login"] == "ivan"


def test_bearer_requests_need_no_csrf_token(client: TestClient) -> None:
    token = api_login(client, "ivan").json()["token"]
    client.cookies.clear()
    answer = client.post(
        "/api/athletes/drago/imports",
        files={"files": ("x.fit", b"no")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200


def test_an_athlete_one_may_not_see_looks_like_one_that_does_not_exist(
    client: TestClient, built: Path
) -> None:
    api_login(client, "ivan")
    hidden, missing = client.get(f"/api/athletes/{OTHER}"), client.get("/api/athletes/Ghost")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"].replace(OTHER, "X") == missing.json()["error"].replace(
        "Ghost", "X"
    )
    other = session_ids(built)[OTHER]
    hidden, missing = client.get(f"/api/sessions/{other}"), client.get("/api/sessions/99999")
    assert hidden.json()["error"].replace(str(other), "N") == missing.json()["error"].replace(
        "99999", "N"
    )
    assert client.get(f"/sessions/{other}").status_code == 404


def test_listings_hold_only_the_athletes_one_may_see(client: TestClient) -> None:
    api_login(client, "mick")
    assert [a["name"] for a in client.get("/api/athletes").json()["items"]] == [OWN]
    overview = client.get("/").text
    assert OWN in overview and OTHER not in overview and "Apollo" not in overview
    assert OTHER not in client.get("/compare").text
    client.cookies.clear()
    api_login(client, "boss")
    assert len(client.get("/api/athletes").json()["items"]) == 3


def test_analysts_get_anonymised_aggregates_only(client: TestClient) -> None:
    api_login(client, "ana")
    rows = client.get("/api/aggregates").json()["items"]
    assert [r["group"] for r in rows] == ["all"]  # teams of fewer than 3 are left out
    assert rows[0]["n_athletes"] == 3 and rows[0]["n_sessions"] >= 4
    text = client.get("/api/aggregates").text + client.get("/api/aggregates?format=csv").text
    assert all(name not in text for name in (OWN, OTHER, "Apollo", "birth"))
    assert client.get("/api/athletes").status_code == 403
    assert client.get("/").status_code == 403


def test_logins_are_rate_limited_per_login() -> None:
    now = [0.0]
    limiter = LoginLimiter(TeamConfig(max_failures=3, window_s=60), clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("mick", "10.0.0.1") is None
        limiter.failed("mick", "10.0.0.1")
    assert limiter.retry_after("MICK", "10.0.0.1") == 61
    assert limiter.retry_after("mick", "10.0.0.2") is None  # the guesser's address only
    assert limiter.retry_after("ivan", "10.0.0.1") is None  # 3 < 20 from one address
    now[0] = 61.0
    assert limiter.retry_after("mick", "10.0.0.1") is None


def test_too_many_wrong_passwords_answer_429_even_with_the_right_one(built: Path) -> None:
    app = create_app(built, team=TeamConfig(max_failures=2))
    with TestClient(app) as client:
        assert [api_login(client, "ana", "wrong-pass").status_code for _ in range(2)] == [401] * 2
        blocked = api_login(client, "ana")
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
        assert form_login(client, "ana").status_code == 429


def test_sessions_expire_after_their_time_and_when_idle(built: Path) -> None:
    with Lab(built) as lab:
        _, old = lab.accounts.create_token("mick", kind="session", expires_in=timedelta(seconds=-1))
    with TestClient(create_app(built, team=TeamConfig(idle_s=0))) as client:
        assert client.get("/api/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
        token = api_login(client, "mick").json()["token"]
        client.cookies.clear()
        idle = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert idle.status_code == 401  # idle_s=0: any pause ends the session
    with Lab(built) as lab:
        _, api = lab.accounts.create_token("mick")  # API tokens do not idle out
    with TestClient(create_app(built, team=TeamConfig(idle_s=0))) as client:
        assert client.get("/api/me", headers={"Authorization": f"Bearer {api}"}).status_code == 200


def test_every_access_to_athlete_data_is_audited(client: TestClient, built: Path) -> None:
    api_login(client, "ivan")
    client.get("/api/athletes/drago/load", headers={"X-Forwarded-For": "6.6.6.6"})
    client.get(f"/api/athletes/{OTHER}")
    client.cookies.clear()
    api_login(client, "ivan", "wrong-pass-1")
    with Lab(built) as lab:
        rows = lab.audit.entries().filter(lab.audit.entries()["login"] == "ivan").to_dicts()
    seen = [(r["action"], r["path"], r["athlete"], r["status"]) for r in rows[-4:]]
    assert seen == [
        ("login", "/api/login", None, 200),
        ("read", "/api/athletes/drago/load", OWN, 200),
        ("read", f"/api/athletes/{OTHER}", OTHER, 404),
        ("login-failed", "/api/login", None, 401),
    ]
    assert {r["remote"] for r in rows[-4:]} == {"testclient"}  # no proxy: header ignored


def test_local_mode_has_no_login(tmp_path: Path, stores: Stores) -> None:
    db = stores.copy("web", build_store, tmp_path / "drago.duckdb")
    with TestClient(create_app(db)) as local:
        assert local.get("/api/athletes").status_code == 200
        assert local.get("/login").status_code == 404
        assert local.post("/api/login", json={"login": "a", "password": "b"}).status_code == 404


def serve(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SERVE, "--db", str(db), "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_team_mode_needs_an_account_and_tls_flags_need_team_mode(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    Lab(db).close()
    answer = serve("--team", "--host", "0.0.0.0", db=db)
    assert answer.returncode == 2 and "team mode needs an account" in answer.stderr
    answer = serve("--proxy", "127.0.0.1", db=db)
    assert answer.returncode == 2 and "need --team" in answer.stderr
    answer = serve("--host", "0.0.0.0", db=db)
    assert answer.returncode == 2 and "needs team mode with authentication" in answer.stderr


def test_team_mode_binds_beyond_loopback_with_the_proxy_and_tls_given(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --team --host 0.0.0.0` reaches uvicorn with the team app, forwarded headers
    believed only from --proxy, and the TLS files."""
    import uvicorn

    from drago.cli.serve import run_team_server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    cert, key = Path("cert.pem"), Path("key.pem")
    run_team_server(built, host="0.0.0.0", port=8443, proxy="10.0.0.2", tls=(cert, key))
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8443
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.2"
    assert (seen["ssl_certfile"], seen["ssl_keyfile"]) == ("cert.pem", "key.pem")
    assert isinstance(seen["app"].state.team, TeamConfig)
    run_team_server(built, host="0.0.0.0", port=8000, proxy=None, tls=(None, None))
    assert seen["proxy_headers"] is False and seen["forwarded_allow_ips"] == ""
