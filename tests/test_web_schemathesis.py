"""Property tests of the API from its own OpenAPI schema (schemathesis over the ASGI app):
whatever a client sends, the answer is never a server error. Bounded: few examples per route."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from drago.web import create_app
from tests.conftest import Stores
from tests.web_store import build_store

#: Examples per API operation (25 operations).
EXAMPLES = 25


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Any:
    app = create_app(
        stores.copy("web", build_store, tmp_path_factory.mktemp("schema") / "drago.duckdb")
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_input_makes_a_server_error(schema: Any) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 26  # 15 (main), the gym's day and fight results (issue 17),
    # readiness now and the camp (issue 16), the bout's weigh-in rules

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        check()
