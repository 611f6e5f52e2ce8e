"""Visibility where data is fetched (issue 15): a `ScopedLab` answers about the athletes its
caller may see and raises, for the others, the very error a missing one raises; fights name
only visible athletes, show no sensor figures of a hidden corner, and take a corner's rounds
only from its staff; a fault inside the guard is answered and audited."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from drago.errors import DragoError, NotFound
from drago.ingest.imu import read_imu
from drago.lab import Lab
from drago.lab.scoped import Forbidden, ScopedLab
from drago.lab.sessions import SessionsService
from drago.web import create_app
from drago.web.auth import TeamConfig
from drago.web.ids import MAX_ID, parse_id
from tests.conftest import Stores
from tests.team_store import OTHER, OWN, bearer_tokens, build_team_store, cheap_hashing
from tests.test_punch_sessions import JAB

MISSING = 987654
ROUND = {"jab_thrown": 10, "jab_landed": 3, "power_thrown": 8, "power_landed": 2, "knockdowns": 0}


@dataclasses.dataclass
class Store:
    db: Path
    session: int  # Rocky's session with a glove IMU (hidden from Moscow's coach)
    fight: int  # Drago (red) against Rocky (blue) on that night
    drago: int
    rocky: int


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[Store]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        db = stores.copy(
            "team", build_team_store, tmp_path_factory.mktemp("scoped") / "drago.duckdb"
        )
        start = read_imu(JAB).start
        assert start is not None
        with Lab(db) as lab:
            report = lab.sessions.import_paths([JAB], athlete=OTHER, hand="left", workers=1)
            [session] = report.outcomes[0].session_ids
            fight = lab.fights.new(red=OWN, blue=OTHER, day=start.date(), rounds=3)
            drago, rocky = lab.athletes.id_of(OWN), lab.athletes.id_of(OTHER)
        assert drago is not None and rocky is not None
        yield Store(db, session, fight, drago, rocky)


def coach_lab(store: Store) -> ScopedLab:
    return ScopedLab(store.db, frozenset({store.drago}), role="coach")


def message(call: Callable[[], Any]) -> str:
    with pytest.raises(NotFound) as caught:
        call()
    return str(caught.value)


def test_a_hidden_session_raises_what_a_missing_one_raises(store: Store) -> None:
    with coach_lab(store) as lab:
        methods = (
            lab.sessions.get,
            lab.streams.records,
            lab.punches.of_session,
            lab.streams.local_start,
            lab.streams.zones,
            lab.punches.imu_trace,
            lab.punches.has_imu,
            lab.streams.rounds,
        )
        for method in methods:
            call = method
            hidden = message(lambda call=call: call(store.session))
            missing = message(lambda call=call: call(MISSING))
            assert hidden == missing.replace(str(MISSING), str(store.session)), method
        assert lab.sessions.list()["athlete"].unique().to_list() == [OWN]
        assert message(lambda: lab.sessions.list(session_id=store.session)) == (
            f"no session {store.session}: see drago sessions for the ids"
        )


def test_a_hidden_athlete_raises_what_a_missing_one_raises(store: Store) -> None:
    with coach_lab(store) as lab:
        for call in (
            lab.athletes.get,
            lab.load.series,
            lab.readiness.series,
            lab.tape.side,
            lab.load.status,
            lab.camp.body_mass,
            lab.punches.output,
            lab.readiness.measurements,
        ):
            for spelled in ("Rocky", "ROCKY", " rocky "):
                assert message(lambda c=call, s=spelled: c(s)) == (  # type: ignore[misc]
                    f"no athlete {spelled}: add it with drago athlete add"
                ), call
        assert message(lambda: lab.sessions.list(athlete="rocky")).startswith("no athlete rocky:")
        assert message(lambda: lab.sessions.import_paths([JAB], athlete="Rocky")).startswith(
            "no athlete"
        )
        assert lab.athletes.get(" drago ").profile["name"] == OWN
        assert lab.athletes.list()["name"].to_list() == [OWN]
        assert list(lab.athletes.time_zones()) == [OWN]  # `drago sessions`' local times


def test_a_hidden_team_raises_what_a_missing_one_raises(store: Store) -> None:
    with coach_lab(store) as lab:
        assert message(lambda: lab.athletes.list(team="Philadelphia")) == (
            "no team Philadelphia: add it with drago team add"
        )
        assert message(lambda: lab.athletes.list(team="Nowhere")) == (
            "no team Nowhere: add it with drago team add"
        )
        assert lab.athletes.list(team="moscow")["name"].to_list() == [OWN]
        assert message(lambda: lab.sessions.list(team="Philadelphia")).startswith("no team")


def test_an_admin_lab_sees_everything(store: Store) -> None:
    with ScopedLab(store.db, None, role="admin") as lab:
        assert lab.sessions.get(store.session)["athlete"] == OTHER
        assert lab.athletes.list().height == 3
        assert len(lab.athletes.time_zones()) == 3
        assert lab.fights.report(store.fight).rounds  # the glove fills rounds


def test_a_fight_without_a_visible_corner_is_missing(store: Store, tmp_path: Path) -> None:
    with ScopedLab(store.db, frozenset(), role="coach") as nobody:
        assert message(lambda: nobody.fights.report(store.fight)) == (
            f"no fight {store.fight}: create one with drago fight new"
        )
        assert nobody.fights.list().height == 0


def test_a_fight_report_shows_no_sensor_figures_of_a_hidden_corner(store: Store) -> None:
    with ScopedLab(store.db, None) as admin:
        full = admin.fights.report(store.fight)
    assert any(r["blue"] and r["blue"]["power_index"] is not None for r in full.rounds)
    with coach_lab(store) as lab:
        report = lab.fights.report(store.fight)
    assert all(r["blue"] is None for r in report.rounds)
    assert "blue" not in report.totals


def test_a_corner_is_entered_by_its_own_staff_only(store: Store) -> None:
    with coach_lab(store) as lab:
        with pytest.raises(Forbidden):
            lab.fights.enter_round(store.fight, rnd=1, corner="blue", counts=ROUND)
        report = lab.fights.enter_round(store.fight, rnd=1, corner="red", counts=ROUND)
        assert report.rounds[0]["red"]["jabs_thrown"] == 10
    with (
        ScopedLab(store.db, frozenset({store.drago}), role="athlete") as athlete,
        pytest.raises(Forbidden),
    ):
        athlete.fights.enter_round(store.fight, rnd=1, corner="red", counts=ROUND)


def test_a_fight_names_only_visible_athletes(store: Store) -> None:
    """A hidden athlete named as a corner is an external name, as an unknown one is."""
    with coach_lab(store) as lab:
        hidden = lab.fights.new(red=OWN, blue="Rocky", day=date(2026, 7, 1), rounds=3)
        unknown = lab.fights.new(red=OWN, blue="Nobody", day=date(2026, 7, 1), rounds=3)
        shown = {f: lab.fights.report(f).fight for f in (hidden, unknown)}
    assert shown[hidden]["blue_athlete_id"] is None and shown[unknown]["blue_athlete_id"] is None
    assert shown[hidden]["blue_name"] == "Rocky"


def test_the_web_refuses_the_hidden_corner_and_its_sensors(store: Store) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        tokens = bearer_tokens(store.db)
        with TestClient(create_app(store.db, team=TeamConfig(), linger_s=0)) as client:
            coach = {"Authorization": f"Bearer {tokens['coach']}"}
            body = {
                "round": 2,
                "corner": "blue",
                "jabs_thrown": 1,
                "jabs_landed": 0,
                "power_thrown": 1,
                "power_landed": 0,
            }
            answer = client.post(f"/api/fights/{store.fight}/rounds", json=body, headers=coach)
            assert answer.status_code == 403 and answer.json()["ok"] is False
            shown = client.get(f"/api/fights/{store.fight}", headers=coach).json()
            assert all(
                r["blue"] is None or r["blue"]["source"] == "entered" for r in shown["rounds"]
            )
            assert all(
                r["blue"] is None or r["blue"]["power_index"] is None for r in shown["rounds"]
            )
            form = {"red": OWN, "blue": "rocky", "date": "2026-12-01", "rounds": "3"}
            made = client.post("/fights", data=form, headers=coach, follow_redirects=False)
            assert made.status_code == 303
            fid = int(made.headers["location"].rsplit("/", 1)[1])
    with Lab(store.db) as lab:
        assert lab.fights.report(fid).fight["blue_athlete_id"] is None


def test_a_fault_inside_the_guard_is_answered_and_audited(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_hashing(monkeypatch)
    tokens = bearer_tokens(store.db)

    def broken(*_: Any) -> None:
        raise RuntimeError("a bug in the guard")

    monkeypatch.setattr(SessionsService, "athlete_id_of", broken)
    with TestClient(create_app(store.db, team=TeamConfig(), linger_s=0)) as client:
        answer = client.get(
            f"/api/sessions/{store.session}",
            headers={"Authorization": f"Bearer {tokens['coach']}"},
        )
    assert answer.status_code == 500
    assert answer.json() == {
        "ok": False,
        "error": "internal error while checking access: see the server log",
        "status": 500,
    }
    with Lab(store.db) as lab:
        last = lab.audit.entries().row(-1, named=True)
    assert last["status"] == 500 and last["path"] == f"/api/sessions/{store.session}"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_the_id_parser_takes_exactly_the_plain_digits(text: str) -> None:
    parsed = parse_id(text)
    plain = text.isascii() and text.isdigit() and not text.startswith("0")
    assert (parsed is not None) == (plain and 1 <= int(text) <= MAX_ID)
    if parsed is not None:
        assert str(parsed) == text


@pytest.mark.parametrize("text", ["1", "5", str(MAX_ID)])
def test_the_id_parser_takes_the_range(text: str) -> None:
    assert parse_id(text) == int(text)


@pytest.mark.parametrize("text", ["0", str(MAX_ID + 1), "99999999999", "", "-1"])
def test_the_id_parser_refuses_what_is_out_of_range(text: str) -> None:
    assert parse_id(text) is None


def test_scoped_errors_are_drago_errors() -> None:
    assert issubclass(Forbidden, DragoError)
