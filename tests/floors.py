"""Quality floors, all kept in ``tests/quality_floors.toml`` with the digests of their data.

``floor("claims.dev_test_f1")`` returns the floor after checking that each dataset it is
measured on is present (else the test skips, or fails under CI=true) and unchanged (else the
test fails: changed data needs a new measurement, not a silently different floor).
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_dataset

FLOORS_FILE = Path(__file__).with_name("quality_floors.toml")


@cache
def _table() -> dict[str, Any]:
    with FLOORS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def dataset_digest(folder: Path) -> str:
    """sha256 over every file of ``folder``: relative paths and contents, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def floor(name: str) -> float:
    """The floor called ``name`` ("area.figure"), its data present and unchanged."""
    area, figure = name.split(".", 1)
    entry = _table()[area][figure]
    for dataset in entry["data"]:
        want = _table()["data"][dataset]
        got = dataset_digest(shared_dataset(dataset))
        if got != want:
            pytest.fail(
                f"{dataset} differs from the data the floors were measured on "
                f"(sha256 {got}, recorded {want}): re-measure ({entry['command']}) and "
                f"update {FLOORS_FILE.name}"
            )
    return float(entry["floor"])
