"""The HTTP API as a CMS would call it: reports, errors, options, schema, limits."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from spinlens.report import json_schema
from spinlens.serve.runner import Runner, WorkTimeoutError
from tests.serve.conftest import LOCAL, form_key, make_app

QUOTED = 'The mayor said "the bridge will open in May" at a press event on Tuesday.'


def test_analyze_returns_a_report_of_the_published_schema(
    client: TestClient, seed_text: str
) -> None:
    response = client.post("/api/v1/analyze", json={"text": seed_text, "title": "Seed"})
    assert response.status_code == 200
    report = response.json()
    jsonschema.validate(report, json_schema())
    assert report["document"]["title"] == "Seed"
    assert report["document"]["text"] == seed_text
    quotes = [f for f in report["findings"] if f["label"] == "quote"]
    assert quotes, "the seed's quotes are found"
    for finding in report["findings"]:
        assert seed_text[finding["start"] : finding["end"]] == finding["text"]


def test_reports_do_not_reveal_server_paths(client: TestClient) -> None:
    report = client.post("/api/v1/analyze", json={"text": "The mayor said the bridge opens today."})
    assert report.status_code == 200
    config = report.json()["config"]
    assert "paths" not in config
    assert "limits" in config  # the rest of the configuration stays, for reproducibility


def test_html_input_is_reduced_to_the_article_text(client: TestClient) -> None:
    html = (
        "<html><head><title>Bridge</title></head><body><nav>Home | Sport</nav>"
        f"<article><h1>Bridge</h1><p>{QUOTED}</p><p>Work began last year.</p></article>"
        "</body></html>"
    )
    body = {"html": html, "url": "https://news.example.org/a/1", "id": "b1"}
    report = client.post("/api/v1/analyze", json=body).json()
    assert "the bridge will open in May" in report["document"]["text"]
    assert "Home | Sport" not in report["document"]["text"]
    assert report["document"]["domain"] == "news.example.org"
    assert report["document"]["id"] == "b1"


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({}, 422, "give one of"),
        ({"text": "a", "html": "<p>a</p>"}, 422, "not both"),
        ({"text": "   \n "}, 422, "E101"),
        ({"text": QUOTED, "extra": 1}, 422, "extra"),
        ({"text": QUOTED, "options": {"only": ["nope"]}}, 400, "not loaded"),
    ],
)
def test_bad_requests_get_a_clear_error(
    client: TestClient, body: dict[str, object], status: int, needle: str
) -> None:
    response = client.post("/api/v1/analyze", json=body)
    assert response.status_code == status
    assert needle in response.text


def test_options_choose_among_the_loaded_analyzers(client: TestClient) -> None:
    body = {"text": QUOTED, "options": {"skip": ["quotes"]}}
    report = client.post("/api/v1/analyze", json=body).json()
    assert report["findings"] == [] and report["analyzers"] == []
    again = client.post("/api/v1/analyze", json={"text": QUOTED}).json()
    assert [a["name"] for a in again["analyzers"]] == ["quotes"], "the view changed nothing"


def test_schema_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/v1/schema").json() == json_schema()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["analyzers"] == ["quotes"]
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/analyze", "/api/v1/trace", "/api/v1/factcheck/match", "/healthz"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_api_docs_work_offline_and_cover_every_operation(client: TestClient) -> None:
    """FastAPI's own /docs loads Swagger UI from a CDN; ours must render with no network."""
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), "no external resources"
    assert "<script" not in html and "script-src" not in response.headers["content-security-policy"]
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in html.replace("&#123;", "{").replace("&#125;", "}")
    for name in ("AnalyzeIn", "MatchIn", "TraceIn", "ErrorOut"):
        assert f'id="schema-{name}"' in html
    assert "maxLength 2000000" in html, "field constraints are shown"
    assert client.get("/redoc").status_code == 404, "no CDN-backed page is left"


def test_openapi_declares_the_bearer_scheme_on_the_api() -> None:
    with TestClient(make_app(token="s3cret"), base_url=LOCAL) as client:
        spec = client.get("/openapi.json").json()
        assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        assert spec["paths"]["/api/v1/analyze"]["post"]["security"] == [{"HTTPBearer": []}]
        assert "security" not in spec["paths"]["/healthz"]["get"]
        assert "requires <code>Authorization: Bearer" in client.get("/docs").text
        body = {"text": QUOTED}
        lower = {"Authorization": "bearer s3cret"}
        assert client.post("/api/v1/analyze", json=body, headers=lower).status_code == 200
        basic = {"Authorization": "Basic s3cret"}
        assert client.post("/api/v1/analyze", json=body, headers=basic).status_code == 401
    with TestClient(make_app(), base_url=LOCAL) as client:
        spec = client.get("/openapi.json").json()
        assert "securitySchemes" not in spec.get("components", {}), "no token, no scheme"
        assert "security" not in spec["paths"]["/api/v1/analyze"]["post"]


def test_oversized_bodies_are_refused_declared_or_streamed() -> None:
    with TestClient(make_app(max_body_bytes=2000), base_url=LOCAL) as client:
        big = {"text": "word " * 1000}
        assert client.post("/api/v1/analyze", json=big).status_code == 413

        def chunks() -> Iterator[bytes]:
            yield b'{"text": "'
            for _ in range(100):
                yield b"word " * 10
            yield b'"}'

        response = client.post(
            "/api/v1/analyze", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "E104"
        assert client.post("/api/v1/analyze", json={"text": QUOTED}).status_code == 200


def test_token_is_required_when_configured() -> None:
    with TestClient(make_app(token="s3cret"), base_url=LOCAL) as client:
        body = {"text": QUOTED}
        assert client.post("/api/v1/analyze", json=body).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert client.post("/api/v1/analyze", json=body, headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        assert client.post("/api/v1/analyze", json=body, headers=right).status_code == 200
        assert client.get("/healthz").status_code == 200
        key = form_key(client)
        assert client.post(f"/report?form_key={key}", data={"text": QUOTED}).status_code == 401
        form = client.post(f"/report?form_key={key}", data={"text": QUOTED, "token": "s3cret"})
        assert form.status_code == 200


def test_a_full_queue_answers_503_with_retry_after() -> None:
    app = make_app(workers=1, queue=0, retry_after=7)
    runner: Runner[object] = app.state.service.runner
    release = threading.Event()
    blocker = threading.Thread(target=lambda: asyncio.run(runner.run(lambda _: release.wait())))
    blocker.start()
    try:
        deadline = time.monotonic() + 10
        while runner.admitted < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        with TestClient(app, base_url=LOCAL) as client:
            response = client.post("/api/v1/analyze", json={"text": QUOTED})
            assert response.status_code == 503
            assert response.headers["retry-after"] == "7"
            release.set()
            blocker.join(10)
            assert client.post("/api/v1/analyze", json={"text": QUOTED}).status_code == 200
    finally:
        release.set()


def test_a_slow_analysis_times_out_but_keeps_its_slot_until_it_ends() -> None:
    runner = Runner(lambda _: None, workers=1, queue_size=0, timeout=0.1)
    with pytest.raises(WorkTimeoutError):
        asyncio.run(runner.run(lambda _: time.sleep(0.6)))
    assert runner.admitted == 1, "the thread is still working"
    time.sleep(0.8)
    assert runner.admitted == 0


def test_http_level_errors_have_the_same_shape(client: TestClient) -> None:
    cases = [
        (client.get("/api/v1/nope"), 404, "E603"),
        (client.put("/api/v1/analyze", json={"text": QUOTED}), 405, "E604"),
        (
            client.post(
                "/api/v1/analyze",
                content=b'{"text": "caf\xe9 \xff"}',
                headers={"content-type": "application/json"},
            ),
            400,
            "E100",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"error"} and body["error"]["code"] == code
        assert body["error"]["message"]
    assert "POST" in cases[1][0].headers["allow"]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/healthz"), client.get("/nope")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_an_analysis_over_the_timeout_answers_504(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(workers=1, queue=1, timeout=0.2)
    service = app.state.service
    monkeypatch.setattr(service, "analyze", lambda *_: time.sleep(0.8))
    with TestClient(app, base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"text": QUOTED})
        assert response.status_code == 504
        assert response.json()["error"] == {
            "code": "E602",
            "message": "analysis took longer than 0.2 s",
        }
        assert client.get("/healthz").json()["busy"] == 1, "the slot is held until it ends"


def test_worker_threads_share_one_set_of_loaded_models() -> None:
    """Each worker has its own pipeline (SQLite connections stay on their thread), but the
    models in it are the ones loaded once for the process."""
    from spinlens.config import Settings
    from spinlens.pipeline import Pipeline
    from spinlens.serve import ServeConfig, create_app

    settings = Settings()
    app = create_app(
        settings, ServeConfig(workers=2), Pipeline(["propaganda", "quotes"], settings=settings)
    )
    runner = app.state.service.runner
    both = threading.Barrier(2, timeout=30)

    def ids(pipeline: Any) -> tuple[int, int]:
        both.wait()  # holds this worker until the other one has a job too
        (propaganda,) = [a for a in pipeline.analyzers if a.name == "propaganda"]
        return id(pipeline), id(propaganda.bundle)

    async def run_two() -> list[tuple[int, int]]:
        return list(await asyncio.gather(runner.run(ids), runner.run(ids)))

    (first_pipeline, first_model), (second_pipeline, second_model) = asyncio.run(run_two())
    assert first_pipeline != second_pipeline
    assert first_model == second_model
    runner.shutdown()


def test_a_body_that_is_not_json_is_a_400_like_the_docs_say(client: TestClient) -> None:
    for content in (b'{"text": ', b"not json at all", b'{"text": "a",}'):
        response = client.post(
            "/api/v1/analyze", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, content
        assert response.json()["error"]["code"] == "E100"


def test_a_foreign_host_gets_the_json_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/schema", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "E605"
    assert "--allow-host" in response.json()["error"]["message"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_token_is_checked_before_routing_and_redirects() -> None:
    """``/api/v1/schema/`` used to answer a 307 (trailing slash) to anyone: auth comes first."""
    with TestClient(make_app(token="s3cret"), base_url=LOCAL, follow_redirects=False) as client:
        for path in ("/api/v1/schema/", "/api/v1/schema", "/api/v1/nope", "/api"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] == "E700"
            assert response.headers["www-authenticate"] == "Bearer"
        right = {"Authorization": "Bearer s3cret"}
        assert client.get("/api/v1/nope", headers=right).status_code == 404


def test_ids_may_be_strings_or_integers_but_nothing_else(client: TestClient) -> None:
    for given, kept in (("a-1", "a-1"), (42, "42")):
        report = client.post("/api/v1/analyze", json={"text": QUOTED, "id": given})
        assert report.status_code == 200 and report.json()["document"]["id"] == kept
    for wrong in ({"nested": 1}, [1], True, 1.5):
        response = client.post("/api/v1/analyze", json={"text": QUOTED, "id": wrong})
        assert response.status_code == 422, wrong
        assert response.json()["error"]["message"].startswith("body.id")
