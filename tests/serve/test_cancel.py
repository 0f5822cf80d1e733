"""A request past its deadline is cancelled, not only answered 504: its worker is freed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from spinlens.analyzers import base
from spinlens.analyzers.base import BaseAnalyzer, Result, register
from spinlens.config import Settings
from spinlens.deadline import DeadlineExceeded, check
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app
from tests.serve.conftest import LOCAL

STOPPED = threading.Event()


class _Endless(BaseAnalyzer):
    """Works (checking its deadline between steps, as long analyzers do) for 60 s on any
    text starting with 'slow'; answers at once otherwise."""

    name: ClassVar[str] = "test_endless"
    default_enabled: ClassVar[bool] = False

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        until = time.monotonic() + 60
        try:
            while doc.text.startswith("slow") and time.monotonic() < until:
                check()
                time.sleep(0.01)
        except DeadlineExceeded:
            STOPPED.set()
            raise
        return Result(data={"done": True})


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    register(_Endless)
    STOPPED.clear()
    yield
    base._REGISTRY.pop(_Endless.name, None)


def _wait_idle(client: TestClient, seconds: float = 15) -> int:
    deadline = time.monotonic() + seconds
    busy = client.get("/healthz").json()["busy"]
    while busy and time.monotonic() < deadline:
        time.sleep(0.05)
        busy = client.get("/healthz").json()["busy"]
    return int(busy)


def test_a_timed_out_request_frees_its_worker_for_the_next_ones() -> None:
    from spinlens.document.loaders import document_from_text

    document_from_text("a text to load the language model now")  # not in the 2 s below
    settings = Settings()
    pipeline = Pipeline(["test_endless", "quotes"], settings=settings)
    app = create_app(settings, ServeConfig(workers=1, queue=0, timeout=2.0), pipeline)
    with TestClient(app, base_url=LOCAL) as client:
        warm = client.post("/api/v1/analyze", json={"text": "quick text that ends at once"})
        assert warm.status_code == 200
        late = client.post("/api/v1/analyze", json={"text": "slow text that never ends"})
        assert late.status_code == 504 and late.json()["error"]["code"] == "E602"
        assert _wait_idle(client) == 0, "the timed-out analysis still holds the only worker"
        assert STOPPED.is_set(), "the analyzer was stopped at its deadline check"
        for _ in range(3):
            small = client.post("/api/v1/analyze", json={"text": 'He said "yes" today.'})
            assert small.status_code == 200
            assert small.json()["data"]["test_endless"] == {"done": True}


def test_the_deadline_is_not_reported_as_one_more_analyzer_error() -> None:
    """The pipeline isolates analyzer failures; a cancellation must stop it instead."""
    from spinlens.deadline import Deadline, deadline_scope
    from spinlens.document.loaders import document_from_text

    pipeline = Pipeline(["test_endless", "quotes"])
    with pytest.raises(DeadlineExceeded), deadline_scope(Deadline(0.2)):
        pipeline.run(document_from_text("slow and endless text"))
    text = 'The mayor said "the bridge will open in May" at a press event on Tuesday.'
    report = pipeline.run(document_from_text(text))  # outside a scope: no deadline
    assert {run.status for run in report.analyzers} == {"ok"}
