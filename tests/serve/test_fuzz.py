"""Fuzzing the API: hostile JSON records, and requests generated from our own OpenAPI.

The record fuzz (nested, wrong-typed and oversized records, fast) runs by default: no input
may get a 5xx. The schema-driven run is slow (hundreds of generated requests; ``make
test-slow``). Schemathesis' pytest plugin does not load under this pytest, so its generated
cases run through hypothesis here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.serve.conftest import LOCAL, make_app

ENDPOINTS = ["/api/v1/analyze", "/api/v1/trace", "/api/v1/factcheck/match"]
FIELDS = ["text", "html", "url", "title", "id", "options", "claim", "top", "top_k"]

leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["\x00" * 8, "\ud800", " \n\t ", "<p>x</p>", "http://[::1]/", "é" * 30])
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
records = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=6),
    values | st.text(min_size=1, max_size=300),
    max_size=5,
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # A large queue: this is about inputs, not load. Small limits so oversized bodies are cheap.
    app = make_app(queue=64, max_body_bytes=200_000)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


def _check(response: Any, what: object) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message"} and error["code"].startswith("E"), error


def _no_fetch(record: dict[str, Any]) -> dict[str, Any]:
    """A URL alone is fetched, and an unreachable one is rightly a 502: not this test's case."""
    url = record.get("url")
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        record = {**record, "url": "not a url"}
    return record


@given(record=records, endpoint=st.sampled_from(ENDPOINTS))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_records_get_no_5xx(
    client: TestClient, record: dict[str, Any], endpoint: str
) -> None:
    record = _no_fetch(record)
    body = json.dumps(record).encode()  # ASCII escapes: lone surrogates (\ud800) go through
    response = client.post(endpoint, content=body, headers={"content-type": "application/json"})
    _check(response, record)


# Openers and their closers; repeated ``depth`` times around a leaf.
NESTINGS = {"[": "]", '{"a":': "}", '{"text":[': "]}", '{"text":"x","options":{"only":[': "]}}"}


@given(
    depth=st.integers(1, 200_000),
    shape=st.sampled_from(sorted(NESTINGS)),
    endpoint=st.sampled_from(ENDPOINTS),
)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_deeply_nested_json_gets_no_5xx(
    client: TestClient, depth: int, shape: str, endpoint: str
) -> None:
    body = (shape * depth + "1" + NESTINGS[shape] * depth).encode()
    response = client.post(endpoint, content=body, headers={"content-type": "application/json"})
    _check(response, (shape, depth))


@given(
    size=st.integers(200_100, 2_000_000),
    field=st.sampled_from(["text", "html", "title", "id", "claim"]),
    declared=st.booleans(),
)
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_oversized_records_get_413(
    client: TestClient, size: int, field: str, declared: bool
) -> None:
    body = json.dumps({field: "word " * (size // 5)}).encode()
    if declared:
        response = client.post(
            "/api/v1/analyze", content=body, headers={"content-type": "application/json"}
        )
    else:  # streamed, without Content-Length
        response = client.post(
            "/api/v1/analyze",
            content=iter([body[i : i + 65536] for i in range(0, len(body), 65536)]),
            headers={"content-type": "application/json"},
        )
    _check(response, (field, size))
    assert response.status_code == 413, (field, size)


def _operations() -> list[Any]:
    # A large queue: this run is about inputs, not load, so 503s would only be noise. Any Host:
    # schemathesis' client names itself "testserver" (the Host check has its own test).
    app = make_app(queue=64, allowed_hosts=["*"])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
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
