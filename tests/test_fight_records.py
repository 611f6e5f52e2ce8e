"""Fight records (issue 17): how a fight ended, from the CLI, the form and the API, and the
W-L-D (KOs) record on the athlete page and the tale of the tape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web.app import create_app
from tests.conftest import Cli


@pytest.fixture
def fights(cli: Cli) -> Cli:
    cli("athlete", "add", "ivan", "--sex", "m")
    cli("athlete", "add", "rocky", "--sex", "m")
    bouts = (
        ("2025-06-01", "ivan", "Tommy Gunn"),
        ("2025-09-01", "ivan", "rocky"),
        ("2026-01-10", "rocky", "ivan"),
        ("2026-03-01", "ivan", "Spider"),
    )
    for day, red, blue in bouts:
        cli("fight", "new", "--red", red, "--blue", blue, "--date", day, "--rounds", "10")
    return cli


def test_results_from_the_cli_make_the_record(fights: Cli) -> None:
    out = fights("fight", "result", "1", "ko", "--winner", "red", "--round", "3", "--time", "2:15")
    assert out.stdout.strip() == "fight 1: KO for red in round 3 at 2:15"
    fights("fight", "result", "2", "TKO", "--winner", "red", "--round", "9", "--time", "0:40")
    fights("fight", "result", "3", "SD", "--winner", "red")  # rocky (red) wins on the cards
    fights("fight", "result", "4", "NC")
    with Lab(fights.db) as lab:
        ivan, lines = lab.fights.record("ivan")
        rocky, _ = lab.fights.record("rocky")
        row = lab.fights.report(3).fight
    # BoxRec's convention: W-L-D, KOs counting wins by KO, TKO and RTD; an NC counts as none.
    assert (ivan.wins, ivan.losses, ivan.draws, ivan.kos, ivan.no_contests) == (2, 1, 0, 2, 1)
    assert ivan.text == "2-1-0 (2 KOs)" and rocky.text == "1-1-0 (0 KOs)"
    assert [f.result for f in lines] == ["NC", "L", "W", "W"]  # newest first
    assert lines[3].method == "KO" and lines[3].end_time == "2:15"
    assert row["end_round"] == 10  # a decision goes the distance
    show = fights("fight", "show", "1").stdout
    assert "result: KO, red, round 3" in show


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["KO", "--winner", "red"], "round"),
        (["KO", "--winner", "red", "--round", "3"], "time"),
        (["KO", "--winner", "red", "--round", "11", "--time", "1:00"], "1-10"),
        (["TKO", "--winner", "red", "--round", "2", "--time", "3:30"], "outside a round"),
        (["UD"], "winner"),
        (["draw", "--winner", "blue"], "no winner"),
        (["UD", "--winner", "red", "--round", "4"], "distance"),
        (["DQ", "--winner", "red"], "unknown result"),
        (["KO", "--winner", "red", "--round", "3", "--time", "2:75"], "M:SS"),
    ],
)
def test_impossible_results_are_one_line_errors(fights: Cli, args: list[str], word: str) -> None:
    result = fights("fight", "result", "1", *args, code=2)
    assert word in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def client(fights: Cli) -> Iterator[TestClient]:
    with TestClient(create_app(fights.db, linger_s=0)) as c:
        yield c


def test_the_form_and_the_api_record_results_and_pages_show_the_record(
    client: TestClient,
) -> None:
    made = client.post(
        "/fights/1/result",
        data={"result": "RTD", "winner": "red", "round": "6", "time": ""},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/fights/1#result"
    page = client.get("/fights/1").text
    assert "<strong>RTD: ivan (red)</strong>, round 6" in page and 'id="result-form"' in page
    answer = client.post("/api/fights/2/result", json={"result": "MD", "winner": "blue"})
    assert answer.status_code == 200 and answer.json()["fight"]["result"] == "MD"
    bad = client.post("/api/fights/2/result", json={"result": "KO", "winner": "red"})
    assert bad.status_code == 422 and bad.json()["ok"] is False and "round" in bad.json()["error"]
    assert "<td>RTD ivan R6</td>" in client.get("/fights").text
    athlete = client.get("/athletes/ivan").text
    assert '<span class="record">1-1-0 (1 KO)</span>' in athlete
    tape = client.get("/compare?a=ivan&b=rocky").text
    assert "1-1-0 (1 KO)" in tape and "W MD" in tape and "no result yet" in tape
