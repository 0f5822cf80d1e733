"""The quality floors file: every floor lies under its measured figure, names data with a
recorded digest and is read by a test (no floor kept as a constant in a test any more)."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT
from tests.floors import FLOORS_FILE


def test_every_floor_is_below_its_measurement_and_names_digested_data() -> None:
    table = tomllib.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    digests = table.pop("data")
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests.values())
    names = []
    for area, figures in table.items():
        for figure, entry in figures.items():
            names.append(f"{area}.{figure}")
            assert 0 < entry["floor"] < entry["measured"], (area, figure)
            assert entry["data"] and set(entry["data"]) <= set(digests), (area, figure)
            assert entry["command"], (area, figure)
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for name in names:
        assert f'"{name}"' in sources, f"no test reads the floor {name}"
