"""A quotes-only app (fast to build) and a client for it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spinlens.config import Settings
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app

# The app serves only loopback Host names by default (no DNS rebinding); so do the tests.
LOCAL = "http://localhost"


def make_app(settings: Settings | None = None, **config: object) -> FastAPI:
    settings = settings or Settings()
    pipeline = Pipeline(["quotes"], settings=settings)
    return create_app(settings, ServeConfig.model_validate(config), pipeline)


@pytest.fixture
def app() -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOCAL) as c:
        yield c


def form_key(client: TestClient) -> str:
    """The key the page puts in its form's action; posts without it are refused (CSRF)."""
    match = re.search(r'action="report\?form_key=([^"]+)"', client.get("/").text)
    assert match, "the page's form carries a form key"
    return match.group(1)


def report_url(client: TestClient) -> str:
    """Where the page's form posts: ``/report`` with this server's form key."""
    return f"/report?form_key={form_key(client)}"


@pytest.fixture
def localhost_cert(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for ``localhost``, for HTTPS tests on loopback."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    names = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *names, *files],
        check=True,
        capture_output=True,
    )
    return cert, key
