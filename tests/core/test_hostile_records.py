"""Hostile JSONL records are skipped bad records (exit 8) in every reader, never a crash.

Each case sits in a JSONL file between two good records; ``batch``, ``index add`` and
``analyze`` must analyse (or index) both good records, report the bad one with its code,
and exit 8. Before the one reader, each of these was an internal error (exit 1) or aborted
the whole file in at least one of the three commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli

GOOD = "The minister said the plan works, according to officials."
NESTED = b'{"id": "deep", "text": "x", "meta": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"

CASES: dict[str, tuple[bytes, str, str]] = {
    # name: (the bad JSONL line, its code, words the reason must contain)
    "nested": (NESTED, "E105", "nested too deeply"),
    "nested-unclosed": (b"[" * 50_000, "E105", "nested too deeply"),
    "id-object": (b'{"id": {"nested": 1}, "text": "Some text."}', "E105", "'id' must be"),
    "title-number": (b'{"id": "t", "title": 5, "text": "Some text."}', "E105", "'title' must"),
    "text-list": (b'{"id": "l", "text": ["a", "b"]}', "E105", "'text' must be a string"),
    "huge-int": (b'{"id": "n", "text": "x", "n": ' + b"9" * 5000 + b"}", "E105", "unreadable"),
    "latin-1": ('{"id": "é", "text": "café"}'.encode("latin-1"), "E105", "not UTF-8"),
    "surrogate": (b'{"id": "s", "text": "bad \\ud800 text"}', "E105", "surrogate"),
    "nul-text": (b'{"id": "z", "text": "\\u0000\\u0000\\u0000\\u0000"}', "E102", "binary"),
    "control-text": (b'{"id": "c", "text": "\\u0001\\u0002 \\u0003\\u0004"}', "E102", "binary"),
}


def _corpus(tmp_path: Path, bad: bytes) -> Path:
    path = tmp_path / "in.jsonl"
    first = json.dumps({"id": "good1", "text": GOOD}).encode()
    last = json.dumps({"id": "good2", "text": GOOD.replace("plan", "budget")}).encode()
    path.write_bytes(b"\n".join([first, bad, last]) + b"\n")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_batch_skips_the_record_and_goes_on(tmp_path: Path, case: str) -> None:
    line, code, reason = CASES[case]
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(_corpus(tmp_path, line)), "--out", str(out), "--only", "quotes")
    assert run.exit_code == 8, run.stderr
    ids = [json.loads(report)["document"]["id"] for report in out.open(encoding="utf-8")]
    assert sorted(ids) == ["good1", "good2"]
    (bad,) = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").open()]
    assert bad["origin"].endswith(":2") and bad["code"] == code and reason in bad["error"]


@pytest.mark.parametrize("case", ["nested", "huge-int", "latin-1"])
def test_batch_resumes_past_a_hostile_record(tmp_path: Path, case: str) -> None:
    """Counting the input (for the ETA) reads it too: it must not stop there either."""
    corpus = _corpus(tmp_path, CASES[case][0])
    out = tmp_path / "out.jsonl"
    args = ("batch", str(corpus), "--out", str(out), "--only", "quotes")
    assert run_cli(*args).exit_code == 8
    again = run_cli(*args)
    assert again.exit_code == 8 and "2 already in" in again.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_index_add_skips_the_record_and_goes_on(tmp_path: Path, case: str) -> None:
    line, code, reason = CASES[case]
    index = tmp_path / "index.sqlite"
    run = run_cli("index", "add", str(_corpus(tmp_path, line)), "--index", str(index), "-q")
    assert run.exit_code == 8, run.stderr
    assert "added 2" in run.stdout and "bad 1" in run.stdout
    assert reason in run.stderr and f"[{code}]" in run.stderr
    assert run.stderr.count(str(tmp_path / "in.jsonl")) == 1, "the origin is named once"


@pytest.mark.parametrize("case", sorted(CASES))
def test_analyze_skips_the_record_and_goes_on(tmp_path: Path, case: str) -> None:
    line, code, reason = CASES[case]
    corpus = _corpus(tmp_path, line)
    run = run_cli("analyze", str(corpus), "--format", "jsonl", "--only", "quotes")
    assert run.exit_code == 8, run.stderr
    ids = [json.loads(report)["document"]["id"] for report in run.stdout.splitlines()]
    assert ids == ["good1", "good2"]
    assert reason in run.stderr and code in run.stderr


def test_a_deeply_nested_json_file_is_one_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 50_000 + b"]" * 50_000)
    run = run_cli("analyze", str(path), "--only", "quotes")
    assert run.exit_code == 3 and "E105" in run.stderr and "nested too deeply" in run.stderr


def test_an_integer_id_is_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 7, "text": GOOD}) + "\n", encoding="utf-8")
    run = run_cli("analyze", str(path), "--format", "jsonl", "--only", "quotes")
    assert run.exit_code == 0 and json.loads(run.stdout)["document"]["id"] == "7"


def test_a_bad_record_whose_id_is_a_lone_surrogate_is_reported_without_its_id(
    tmp_path: Path,
) -> None:
    """The side file names a bad record by its id; an id that is a lone ``\\ud800`` cannot be
    written as UTF-8, so the record is reported without it (it was an internal error, exit 1)."""
    path = tmp_path / "in.json"
    path.write_text(
        '[{"id": "\\ud800", "text": 5}, ' + json.dumps({"id": "ok", "text": GOOD}) + "]",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(path), "--out", str(out), "--only", "quotes")
    assert run.exit_code == 8, run.stderr
    (bad,) = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").open()]
    assert bad["id"] is None and bad["code"] == "E105"
