"""Shared fixtures: where ../shared/data is, and the seed article."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPINLENS_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SEED = ROOT / "examples" / "seed-article.txt"


def shared_dataset(name: str) -> Path:
    """Path to ../shared/data/<name>; skips (or fails under CI=true) when it is absent."""
    path = DATA / name
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"dataset {path} is required under CI=true but is missing")
        pytest.skip(f"dataset {name} not found at {path} (needs ../shared/data)")
    return path


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test's stores out of the user's real data directory."""
    home = tmp_path_factory.mktemp("spinlens-home")
    monkeypatch.setenv("SPINLENS_HOME", str(home))
    for var in ("SPINLENS_INDEX", "SPINLENS_FACTCHECK_DB", "SPINLENS_SOURCES_DB"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local[2] Spark session shared by a test module; Java is required under CI=true."""
    from spinlens.batch.spark import java_available, spark_session

    if not java_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Java is required for the Spark tests under CI=true")
        pytest.skip("Java is not installed; the Spark engine needs Java 17")
    pytest.importorskip("pyspark")
    session = spark_session("local[2]", "spinlens-tests")
    yield session
    session.stop()
