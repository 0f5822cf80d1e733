"""Schema-driven fuzzing of our own OpenAPI: no 5xx, responses match what /openapi.json says.

Slow (hundreds of generated requests); run with ``make test-slow``. Schemathesis' pytest
plugin does not load under this pytest, so the generated cases run through hypothesis here.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.serve.conftest import make_app

pytestmark = pytest.mark.slow


def _operations() -> list[Any]:
    # A large queue: this run is about inputs, not load, so 503s would only be noise. Any Host:
    # schemathesis' client names itself "testserver" (the Host check has its own test).
    app = make_app(queue=64, allowed_hosts=["*"])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_api_conforms_to_its_openapi() -> None:
    operations = _operations()
    assert {op.path for op in operations} >= {"/api/v1/analyze", "/api/v1/sources/{domain}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # Schema-valid but meaningless input (whitespace-only text, HTML with no article,
            # an unresolvable URL) is rightly refused with 422/502, which this check forbids.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
