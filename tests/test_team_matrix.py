"""The authorisation matrix of team mode, generated from the app's own route table: every
route x every role, anonymous and an expired token -> the status the role's rights give.

A route without a rule in `drago.web.access.RULES` fails here (and is refused to everybody by
the server) until it gets one; so does a route whose parameters this test has no sample for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web import create_app
from drago.web.access import ATHLETE_PARAMS, RULES, Kind, route_table
from drago.web.auth import TeamConfig
from tests.conftest import Stores
from tests.team_store import (
    ACCOUNTS,
    OTHER,
    OWN,
    ROLE_LOGIN,
    bearer_tokens,
    build_team_store,
    cheap_hashing,
    fight_ids,
    session_ids,
)

#: Every route of a team server, read off the app (no store is opened for this).
ROUTES = sorted(set(route_table(create_app(Path("unused.duckdb"), team=TeamConfig()).routes)))
WHO = ("anonymous", "expired", "admin", "coach", "athlete", "analyst")
#: The only routes anybody reaches without logging in.
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/login"),
    ("GET", "/static/plotly.min.js"),
    ("GET", "/static/{path:path}"),
}
#: Answers of a success that are not 200: forms redirect.
#: Query parameters a route needs to succeed: the store's fights are past, so the camp names
#: one ahead of an earlier day, and the questionnaire stands in for load before it.
CAMP_QUERY = "as_of=2026-05-01&fight_date=2026-06-01&weekly_hours=6&usual_rpe=6"
QUERIES = {
    ("GET", "/api/athletes/{name}/camp"): CAMP_QUERY,
    ("GET", "/athletes/{name}/camp"): CAMP_QUERY,
}
SUCCESS = {
    ("POST", "/login"): 303,
    ("POST", "/logout"): 303,
    ("POST", "/fights"): 303,
    ("POST", "/fights/{fight_id}/rounds"): 303,
    ("POST", "/fights/{fight_id}/result"): 303,
    ("POST", "/fights/{fight_id}/weigh-in"): 303,
    ("POST", "/athletes/{name}/morning"): 303,
    ("POST", "/athletes/{name}/weights"): 303,
    ("POST", "/athletes/{name}/sessions"): 303,
    ("POST", "/sessions/{session_id}/rating"): 303,
    ("POST", "/api/athletes/{name}/wellness"): 201,
    ("POST", "/api/athletes/{name}/weights"): 201,
    ("POST", "/api/athletes/{name}/rr"): 201,
    ("POST", "/api/athletes/{name}/sessions"): 201,
    # the test store has no lake attached: whoever gets through gets the route's 400
    ("GET", "/api/federation"): 400,
}
ROUND = {
    "round": 1,
    "corner": "red",
    "jabs_thrown": 10,
    "jabs_landed": 3,
    "power_thrown": 8,
    "power_landed": 2,
}
#: Routes that end the session they are called with: each call gets a token of its own.
ENDS_SESSION = {("POST", "/logout"), ("POST", "/api/logout")}
PASSWORD = ACCOUNTS["boss"][1]
#: The date of the gym's day entries.
DAY = "2026-11-30"


def request_body(method: str, pattern: str) -> dict[str, Any]:
    """What a well-formed request to a route sends (a new POST route needs an entry)."""
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/api/athletes/{name}/imports"): {
            "files": {"files": ("bad.fit", b"not a FIT file")}
        },
        ("POST", "/api/login"): {"json": {"login": "boss", "password": PASSWORD}},
        ("POST", "/login"): {
            "data": {"login": "boss", "password": PASSWORD, "csrf_token": "t"},
            "cookies": {"drago_csrf": "t"},
        },
        ("POST", "/logout"): {},
        ("POST", "/api/logout"): {},
        ("POST", "/fights"): {
            "data": {"red": "Drago", "blue": "Clubber Lang", "date": "2026-12-01", "rounds": "3"}
        },
        ("POST", "/fights/{fight_id}/rounds"): {"data": {k: str(v) for k, v in ROUND.items()}},
        ("POST", "/api/fights/{fight_id}/rounds"): {"json": ROUND},
        ("POST", "/fights/{fight_id}/result"): {"data": {"result": "UD", "winner": "red"}},
        ("POST", "/api/fights/{fight_id}/result"): {"json": {"result": "UD", "winner": "red"}},
        ("POST", "/fights/{fight_id}/weigh-in"): {"data": {"weigh_in": "amateur"}},
        ("POST", "/api/fights/{fight_id}/weigh-in"): {"json": {"weigh_in": "amateur"}},
        # the gym's day (issue 17)
        ("POST", "/athletes/{name}/morning"): {"data": {"date": DAY, "sleep": "3"}},
        ("POST", "/athletes/{name}/weights"): {"data": {"date": DAY, "kg": "90"}},
        ("POST", "/athletes/{name}/sessions"): {
            "data": {"date": DAY, "minutes": "30", "rpe": "5", "activity": "run"}
        },
        ("POST", "/sessions/{session_id}/rating"): {"data": {"rpe": "6"}},
        ("POST", "/api/athletes/{name}/wellness"): {
            "json": {"date": DAY, "sleep": 2, "stress": 2, "fatigue": 2, "soreness": 2}
        },
        ("POST", "/api/athletes/{name}/weights"): {"json": {"date": DAY, "kg": 90}},
        ("POST", "/api/athletes/{name}/rr"): {"json": {"date": DAY, "rr": [1000.0] * 60}},
        ("POST", "/api/athletes/{name}/sessions"): {
            "json": {"date": DAY, "minutes": 30, "rpe": 5, "activity": "run"}
        },
        ("PATCH", "/api/sessions/{session_id}"): {"json": {"rpe": 6}},
    }
    if method == "GET":
        return {}
    assert (method, pattern) in bodies, f"no sample request for {method} {pattern}: add one"
    return bodies[(method, pattern)]


def expected(method: str, pattern: str, who: str, target: str) -> int:
    """The status `who` must get; `target` "own": the athletes named are ones every role
    but the analyst may see, "other": one only the admin may see."""
    rule = RULES[(method, pattern)]
    kind = rule.kind
    success = SUCCESS.get((method, pattern), 200)
    if kind is Kind.public:
        return success
    if who in ("anonymous", "expired"):
        api = pattern.startswith("/api") or pattern == "/openapi.json"
        return 401 if api else 303
    if kind is Kind.account:
        return success
    if kind is Kind.aggregates:
        return 403 if who == "athlete" else success
    assert kind is Kind.athletes
    if who == "analyst" or (rule.roles is not None and who not in rule.roles):
        return 403
    return success if who == "admin" or target == "own" else 404


@dataclass
class Team:
    db: Path
    client: TestClient
    tokens: dict[str, str]
    sessions: dict[str, int]
    fights: dict[str, int]

    def url(self, method: str, pattern: str, target: str) -> str:
        athlete = OWN if target == "own" else OTHER
        samples = {
            "name": athlete,
            "session_id": str(self.sessions[athlete]),
            "fight_id": str(self.fights[athlete]),
            "path": "drago.css",
        }
        params = re.findall(r"{(\w+)(?::\w+)?}", pattern)
        missing = [p for p in params if p not in samples]
        assert not missing, f"no sample value for {missing} of {pattern}: add one"
        url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: samples[m.group(1)], pattern)
        query = RULES[(method, pattern)].query
        if query:  # the first names the own athlete, the others the target
            names = [OWN] + [athlete] * (len(query) - 1)
            url += "?" + "&".join(f"{key}={name}" for key, name in zip(query, names, strict=True))
        if (method, pattern) in QUERIES:
            url += ("&" if "?" in url else "?") + QUERIES[(method, pattern)]
        return url

    def headers(self, method: str, pattern: str, who: str) -> dict[str, str]:
        if who == "anonymous":
            return {}
        token = self.tokens[who]
        if (method, pattern) in ENDS_SESSION and who != "expired":
            with Lab(self.db) as lab:
                token = lab.accounts.create_token(ROLE_LOGIN[who])[1]
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[Team]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        db = stores.copy(
            "team", build_team_store, tmp_path_factory.mktemp("matrix") / "drago.duckdb"
        )
        app = create_app(db, team=TeamConfig())
        with TestClient(app) as client:
            yield Team(db, client, bearer_tokens(db), session_ids(db), fight_ids(db))


def test_every_route_has_a_rule_and_every_rule_a_route() -> None:
    assert len(ROUTES) > 20
    assert sorted(set(ROUTES) - set(RULES)) == [], "routes without a rule in access.RULES"
    assert sorted(set(RULES) - set(ROUTES)) == [], "rules of routes that no longer exist"


def test_athlete_data_is_never_public() -> None:
    """A route naming an athlete or a session serves athlete data; public routes are few."""
    for method, pattern in ROUTES:
        params = set(re.findall(r"{(\w+)", pattern))
        if params & set(ATHLETE_PARAMS):
            assert RULES[(method, pattern)].kind is Kind.athletes, (method, pattern)
        if RULES[(method, pattern)].kind is Kind.public:
            assert (method, pattern) in PUBLIC, (method, pattern)


@pytest.mark.parametrize(("method", "pattern"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_matrix(team: Team, method: str, pattern: str) -> None:
    named = re.search(r"{(name|session_id|fight_id)}", pattern) or RULES[(method, pattern)].query
    wrong = []
    for target in ("own", "other") if named else ("own",):
        for who in WHO:
            team.client.cookies.clear()
            body = request_body(method, pattern)
            for key, value in body.pop("cookies", {}).items():
                team.client.cookies.set(key, value)
            answer = team.client.request(
                method,
                team.url(method, pattern, target),
                headers=team.headers(method, pattern, who),
                follow_redirects=False,
                **body,
            )
            want = expected(method, pattern, who, target)
            if answer.status_code != want:
                wrong.append((who, target, answer.status_code, want, answer.text[:120]))
    assert wrong == []


# -- ids spelled around the guard (issue 15) ---------------------------------------------------

#: An id no store of these tests reaches, spelled like the others.
MISSING_ID = 987654
#: Digits of other scripts: Arabic-Indic, Devanagari, Bengali, fullwidth, mathematical bold.
DIGIT_ZEROS = (0x0660, 0x0966, 0x09E6, 0xFF10, 0x1D7CE)
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def id_spellings(number: int) -> dict[str, str]:
    """URL path segments that spell `number` some way other than its ASCII digits: signs,
    decimals, exponents, whitespace, leading zeros, other scripts' digits, and
    percent-encodings (the server decodes one level), keyed by how they are made."""
    text = str(number)
    spelled = {
        "plus": f"+{text}",
        "minus": f"-{text}",
        "point zero": f"{text}.0",
        "point": f"{text}.",
        "point zeros": f"{text}.00",
        "exponent": f"{text}e0",
        "Exponent": f"{text}E0",
        "negative exponent": f"{text}0e-1",
        "space before": f" {text}",
        "space after": f"{text} ",
        "tab": f"\t{text}",
        "newline": f"{text}\n",
        "zero": f"0{text}",
        "zeros": f"00{text}",
        "hex": f"0x{number:x}",
        "underscore": f"{text}_0",
        "nul": f"{text}\x00",
        "percent": f"{text}%",
        "complex": f"{text}j",
        "fraction": f"{text}/1",
        "superscript": "".join(SUPERSCRIPTS[int(d)] for d in text),
        "one foreign digit": text[:-1] + chr(DIGIT_ZEROS[0] + int(text[-1])),
    }
    spelled |= {
        f"digits {zero:x}": "".join(chr(zero + int(d)) for d in text) for zero in DIGIT_ZEROS
    }
    encoded = {label: quote(s, safe="/") for label, s in spelled.items()}
    # percent-encoded ASCII digits are the id itself once decoded (encoded twice they are not,
    # but Starlette's TestClient decodes twice: that case is left to a real server)
    encoded["encoded digits"] = "".join(f"%{ord(c):02X}" for c in text)
    encoded["encoded plus"] = f"%2B{text}"
    encoded["encoded space"] = f"%20{text}"
    encoded["encoded superscript two"] = f"%C2%B2{text}"
    return encoded


def id_routes() -> list[tuple[str, str, str]]:
    """(method, pattern, id parameter) of every route that takes an id."""
    found = []
    for method, pattern in ROUTES:
        for param in ("session_id", "fight_id"):
            if "{" + param + "}" in pattern:
                found.append((method, pattern, param))
    return found


def same_answer(hidden: Any, missing: Any, hidden_id: int) -> bool:
    """Status and body equal, byte for byte once the ids themselves are set aside."""
    body = re.sub(rf"\b(session|fight) {hidden_id}\b", rf"\1 {MISSING_ID}", hidden.text)
    return hidden.status_code == missing.status_code and body == missing.text


ID_ROUTES = id_routes()


def test_every_id_route_is_spelled() -> None:
    assert {(m, p) for m, p, _ in ID_ROUTES} >= {
        ("GET", "/api/sessions/{session_id}"),
        ("GET", "/api/sessions/{session_id}/streams"),
        ("GET", "/api/sessions/{session_id}/punches"),
        ("GET", "/sessions/{session_id}"),
        ("GET", "/api/fights/{fight_id}"),
        ("POST", "/api/fights/{fight_id}/rounds"),
        ("GET", "/fights/{fight_id}"),
        ("POST", "/fights/{fight_id}/rounds"),
    }


@pytest.mark.parametrize(
    ("method", "pattern", "param"), ID_ROUTES, ids=[f"{m} {p}" for m, p, _ in ID_ROUTES]
)
def test_a_hidden_id_answers_like_a_missing_one_however_it_is_spelled(
    team: Team, method: str, pattern: str, param: str
) -> None:
    """The coach of Moscow asks for Philadelphia's session or fight, its id spelled every way:
    each answer is the answer to the same spelling of an id that does not exist; and no
    spelling but the plain digits reaches even the coach's own data, or the admin's."""
    ids = team.sessions if param == "session_id" else team.fights
    hidden, own = ids[OTHER], ids[OWN]
    wrong = []

    def ask(who: str, spelled: str) -> Any:
        team.client.cookies.clear()
        url = pattern.replace("{" + param + "}", spelled)
        headers = team.headers(method, pattern, who)
        body = request_body(method, pattern)
        return team.client.request(method, url, headers=headers, follow_redirects=False, **body)

    for who in ("coach", "athlete", "admin"):
        cases = [
            ("plain", str(hidden), hidden),
            *((k, v, hidden) for k, v in id_spellings(hidden).items()),
        ]
        cases += [(k, v, own) for k, v in id_spellings(own).items() if k != "encoded digits"]
        for label, spelled, number in cases:
            if who == "admin" and label in ("plain", "encoded digits"):
                continue  # the admin sees everything
            missing_spelled = (
                str(MISSING_ID) if label == "plain" else id_spellings(MISSING_ID)[label]
            )
            answer = ask(who, spelled)
            missing = ask(who, missing_spelled)
            if answer.status_code == 403 and missing.status_code == 403:
                continue  # the role never reaches the route (the athlete entering rounds)
            if not same_answer(answer, missing, number) or answer.status_code != 404:
                wrong.append(
                    (who, label, spelled, answer.status_code, answer.text[:90], missing.text[:90])
                )
    assert wrong == []


NAME_SPELLINGS = ("{}", " {} ", "%20{}", "{}%09", "{}%0A", "{}%00", "{}.", "{}%C2%AD")


def test_a_hidden_athlete_answers_like_a_missing_one_however_it_is_spelled(team: Team) -> None:
    """Names go through the same case and space folding in the guard and the lab."""
    wrong = []
    routes = [(m, p) for m, p in ROUTES if "{name}" in p]
    assert len(routes) >= 6
    for method, pattern in routes:
        for template in NAME_SPELLINGS:
            for hidden in (OTHER.lower(), OTHER.upper()):
                missing = "nobody" if hidden.islower() else "NOBODY"
                answers = []
                for name in (hidden, missing):
                    team.client.cookies.clear()
                    url = pattern.replace("{name}", template.replace("{}", name))
                    headers = team.headers(method, pattern, "coach")
                    body = request_body(method, pattern)
                    answers.append(team.client.request(method, url, headers=headers, **body))
                texts = [re.sub("(?i)rocky|nobody", "X", a.text) for a in answers]
                if answers[0].status_code != answers[1].status_code or texts[0] != texts[1]:
                    wrong.append((method, pattern, template, hidden, answers[0].text[:80]))
    assert wrong == []
