"""Fuzzing the one reader: whatever bytes a JSONL line or a CSV row holds, reading yields a
unit or a coded failure for it and goes on; it never raises and never stops the file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinlens.document.loaders import Failed, Limits, Unit, read_units
from spinlens.document.loaders.jsonl import jsonl_units
from spinlens.document.loaders.records import STRING_FIELDS
from tests.core.cli_runner import run_cli

GOOD = json.dumps({"id": "last", "text": "A good closing record."}).encode()
LIMITS = Limits(max_bytes=20_000)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
records = st.dictionaries(
    st.sampled_from(["id", *STRING_FIELDS, "other"]), json_values, max_size=6
).map(lambda r: json.dumps(r).encode())
hostile = st.sampled_from(
    [
        b"[" * 50_000,
        b'{"text": "x", "n": ' + b"9" * 5000 + b"}",
        b'{"text": "\\ud800"}',
        b'{"text": "caf\xe9"}',
        b'{"text": "' + b"x" * 50_000 + b'"}',
        b'{"text": "\\u0000\\u0000"}',
    ]
)
lines = st.lists(records | hostile | st.binary(max_size=60), min_size=1, max_size=6)


@given(lines)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_jsonl_line_is_a_unit_or_a_coded_failure(body: list[bytes]) -> None:
    raw = b"\n".join(line.replace(b"\n", b" ") for line in [*body, GOOD]) + b"\n"
    items = list(jsonl_units(io.BytesIO(raw), "fuzz.jsonl", LIMITS))
    assert all(isinstance(item, Unit | Failed) for item in items)
    assert all(item.error.code.startswith("E1") for item in items if isinstance(item, Failed))
    last = items[-1]
    assert isinstance(last, Unit) and last.key == "last", "reading went on to the end"
    for item in items:
        if isinstance(item, Unit):
            assert item.record is not None
            assert all(isinstance(v, str) for v in item.record.values())


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=5))
@settings(max_examples=100, deadline=None)
def test_every_csv_row_is_a_unit_or_a_coded_failure(rows: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        # a quote may rightly open a field running to the end of the file; leave quotes out
        body = b"\n".join(row.replace(b'"', b"'") for row in rows)
        path.write_bytes(b"id,text\n" + body + b'\nlast,"A good closing row."\n')
        items = list(read_units([str(path)], LIMITS))
    assert all(isinstance(item, Unit | Failed) for item in items)
    assert any(isinstance(item, Unit) and item.key == "last" for item in items)


@pytest.mark.parametrize("command", ["batch", "index", "analyze"])
@given(st.lists(records | hostile, min_size=1, max_size=3))
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_no_command_crashes_on_fuzzed_records(command: str, body: list[bytes]) -> None:
    """Exit 0 or 8 (some records skipped), never 1: run_cli re-raises any uncaught error."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "in.jsonl"
        corpus.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in [*body, GOOD]))
        out = str(Path(folder) / "out")
        if command == "batch":
            run = run_cli("batch", str(corpus), "--out", out, "--only", "quotes")
        elif command == "index":
            run = run_cli("index", "add", str(corpus), "--index", out, "-q")
        else:
            run = run_cli("analyze", str(corpus), "--format", "jsonl", "--only", "quotes")
    assert run.exit_code in (0, 8), run.stderr
