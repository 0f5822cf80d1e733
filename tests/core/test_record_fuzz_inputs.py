"""Fuzzing the readers through the commands, from the sides ``test_reader_fuzz.py`` does not
take: whole ``.json`` files (one record or an array), closed deep nesting inside a field,
records on stdin, CRLF line ends and a byte-order mark, and ``batch`` with worker processes.

Whatever the records hold, each command ends with exit 0 (all read) or 8 (bad records
skipped and reported) when a good record has a line of its own, never 1 (an internal error);
a ``.json`` file is one document, so one too deep to read is a coded exit 3.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.cli_runner import Run, run_cli

GOOD = {"id": "last", "text": "A good closing record says the council met on Monday."}
FIELDS = ["id", "text", "html", "title", "url", "date", "source", "extra"]


def _deep(depth: int, leaf: object) -> str:
    """JSON of ``depth`` nested lists around ``leaf``, closed (valid JSON, but deep)."""
    return "[" * depth + json.dumps(leaf) + "]" * depth


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
# raw JSON text of a value: ordinary values, or hostile ones JSON allows
raw_values = values.map(json.dumps) | st.sampled_from(
    [
        _deep(3000, "x"),  # closed, deeper than Python's recursion limit
        _deep(40, {"text": "nested"}),
        "9" * 5000,  # over Python's 4,300-digit limit for int()
        "1e999",  # a float that overflows to infinity
        "NaN",
        '"\\ud800\\udfff\\ud800"',  # lone surrogates as escapes
        '"' + "word " * 20_000 + '"',  # 100 kB of text
        '"\\u0000"',
        "-0",
    ]
)
records = st.dictionaries(st.sampled_from(FIELDS), raw_values, max_size=5).map(
    lambda r: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in r.items()) + "}"
)


def _check(run: Run, *, some_good: bool) -> None:
    """``some_good``: a good record is on a line of its own, so reading must reach it."""
    assert run.exit_code != 1, run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert run.exit_code in ((0, 8) if some_good else (0, 3, 8)), run.stderr
    if run.exit_code == 3:  # a .json file is one document: too deep or broken, it is all bad
        assert "[E1" in run.stderr, run.stderr


EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("command", ["analyze", "index", "batch"])
@given(body=st.lists(records, min_size=0, max_size=3), as_array=st.booleans())
@EXAMPLES
def test_a_whole_json_file_of_fuzzed_records(command: str, body: list[str], as_array: bool) -> None:
    texts = [*body, json.dumps(GOOD)]
    raw = "[" + ", ".join(texts) + "]" if as_array else texts[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(raw, encoding="utf-8", errors="surrogatepass")
        out = str(Path(folder) / "out")
        if command == "analyze":
            run = run_cli("analyze", str(path), "--format", "jsonl", "--only", "quotes")
        elif command == "index":
            run = run_cli("index", "add", str(path), "--index", out, "-q")
        else:
            run = run_cli("batch", str(path), "--out", out, "--only", "quotes")
    _check(run, some_good=False)


@given(body=st.lists(records, min_size=1, max_size=3), bom=st.booleans())
@EXAMPLES
def test_fuzzed_records_on_stdin_with_crlf(body: list[str], bom: bool) -> None:
    text = "\r\n".join([*body, json.dumps(GOOD)]) + "\r\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
    run = run_cli("analyze", "-", "--format", "jsonl", "--only", "quotes", input=data)
    _check(run, some_good=True)


@pytest.mark.slow
@given(body=st.lists(records, min_size=1, max_size=4))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_batch_with_worker_processes_skips_fuzzed_records(body: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_text(
            "\n".join([*body, json.dumps(GOOD)]) + "\n", encoding="utf-8", errors="surrogatepass"
        )
        out = str(Path(folder) / "out")
        run = run_cli("batch", str(path), "--out", out, "--only", "quotes", "--workers", "2")
    _check(run, some_good=True)
