"""Endpoints and analyzers backed by SQLite stores work from the server's worker threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinlens.config import Settings
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app
from spinlens.sources import Entry, SourceStore
from tests.conftest import SEED
from tests.core.cli_runner import run_cli
from tests.serve.conftest import LOCAL


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings()
    store = SourceStore(settings.paths.sources_db)
    entries = [Entry("dubious.example", 0.1, "conspiracy"), Entry("wire.example", 0.9, "reliable")]
    store.replace_list("test-list", "csv", "test", entries)
    store.close()
    return settings


def test_store_backed_analyzers_run_on_two_worker_threads(settings: Settings) -> None:
    pipeline = Pipeline(["quotes", "sources"], settings=settings)
    app = create_app(settings, ServeConfig(workers=2), pipeline)
    body = {"text": 'He said "hello there" to the crowd.', "url": "https://dubious.example/a"}
    with TestClient(app, base_url=LOCAL) as client:
        for _ in range(4):  # both workers answer, each with the store it opened itself
            response = client.post("/api/v1/analyze", json=body)
            assert response.status_code == 200
            assert response.json()["data"]["sources"]["score"] == pytest.approx(0.1)


def test_sources_endpoint_reads_the_store(settings: Settings) -> None:
    app = create_app(settings, ServeConfig(), Pipeline(["quotes"], settings=settings))
    with TestClient(app, base_url=LOCAL) as client:
        found = client.get("/api/v1/sources/www.wire.example").json()
        assert found["score"] == pytest.approx(0.9)
        assert [r["list"] for r in found["ratings"]] == ["test-list"]
        assert client.get("/api/v1/sources/unknown.example").json()["ratings"] == []
        assert client.get("/api/v1/sources/bad%20domain").status_code == 422
        idn = client.get("/api/v1/sources/b%C3%BCcher.example")  # Unicode hosts are domains too
        assert idn.status_code == 200 and idn.json()["ratings"] == []
        chosen = client.get("/api/v1/sources/www.wire.example?list=test-list").json()
        assert [r["list"] for r in chosen["ratings"]] == ["test-list"]
        typo = client.get("/api/v1/sources/www.wire.example?list=tset-list")
        assert typo.status_code == 422
        assert "no list named 'tset-list'" in typo.json()["error"]["message"]


def test_missing_stores_answer_404_with_a_hint() -> None:
    with TestClient(
        create_app(Settings(), ServeConfig(), Pipeline(["quotes"])), base_url=LOCAL
    ) as client:
        response = client.post("/api/v1/trace", json={"text": "Some article text here."})
        assert response.status_code == 404
        assert "spinlens index add" in response.json()["error"]["message"]
        match = client.post("/api/v1/factcheck/match", json={"claim": "The earth is flat"})
        assert match.status_code == 404


def test_trace_ranks_sources_and_types_the_mutations() -> None:
    assert run_cli("index", "add", str(SEED.parent / "corpus"), "-q").exit_code == 0
    with TestClient(
        create_app(Settings(), ServeConfig(), Pipeline(["quotes"])), base_url=LOCAL
    ) as client:
        traced = client.post("/api/v1/trace", json={"text": SEED.read_text(encoding="utf-8")})
        assert traced.status_code == 200
        assert traced.json()["best_source"] == "wire-isis-soleimani"
        assert any(m["type"] == "quote_added" for m in traced.json()["mutations"])


def _damage(path: Path) -> None:
    """8 KB of random bytes into the middle of the file (past its first page)."""
    import random

    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(max(4096, size // 2 - 4096))
        handle.write(random.Random(7).randbytes(8192))


def test_a_damaged_store_is_a_coded_5xx_without_a_traceback(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """It used to be a 500 'internal error' with a traceback in the log on every request."""
    assert run_cli("index", "add", str(SEED.parent / "corpus"), "-q").exit_code == 0
    _damage(settings.paths.sources_db)
    _damage(settings.paths.index)
    app = create_app(settings, ServeConfig(), Pipeline(["quotes"], settings=settings))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        for _ in range(2):
            answers = {
                "sources": client.get("/api/v1/sources/wire.example"),
                "trace": client.post("/api/v1/trace", json={"text": SEED.read_text("utf-8")}),
            }
            for name, response in answers.items():
                assert response.status_code == 500, (name, response.text)
                error = response.json()["error"]
                assert error["code"] == "E504", (name, error)
                assert "cannot be read" in error["message"] and "spinlens" in error["message"]
                assert str(settings.paths.index.parent) not in error["message"], "no server paths"
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"
    assert any("cannot be read" in r.getMessage() for r in caplog.records), "one line each"
