"""A quotes-only app (fast to build) and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spinlens.config import Settings
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app


def make_app(settings: Settings | None = None, **config: object) -> FastAPI:
    settings = settings or Settings()
    pipeline = Pipeline(["quotes"], settings=settings)
    return create_app(settings, ServeConfig.model_validate(config), pipeline)


@pytest.fixture
def app() -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c
