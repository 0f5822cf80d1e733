"""Every bad input gets one line on stderr naming the problem and a documented exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli


def _one_line_error(stderr: str, *needles: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("spinlens: error: ")
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    run = run_cli("analyze", str(path), "--format", "json")
    assert run.exit_code == 3
    _one_line_error(run.stderr, "empty")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    run = run_cli("analyze", str(path), "--format", "json")
    assert run.exit_code == 3
    _one_line_error(run.stderr, "binary")


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 50 + [0x01, 0x02, 0x03] * 40))
    run = run_cli("analyze", str(path), "--format", "json")
    assert run.exit_code == 3
    _one_line_error(run.stderr)


def test_text_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 400)
    run = run_cli("--set", "limits.max_bytes=1000", "analyze", str(path), "--format", "json")
    assert run.exit_code == 3
    _one_line_error(run.stderr, "1,000-byte limit")


def test_malformed_json_line_is_reported_and_others_processed(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    good = {"id": "a", "text": "The minister said the plan works, according to officials."}
    path.write_text(
        json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "c"}) + "\n",
        encoding="utf-8",
    )
    run = run_cli("analyze", str(path), "--format", "jsonl", "--only", "quotes")
    assert run.exit_code == 8
    ids = [json.loads(line)["document"]["id"] for line in run.stdout.splitlines()]
    assert ids == ["a", "c"]
    assert "line 2" in run.stderr and "malformed JSON" in run.stderr


def test_unreachable_url() -> None:
    run = run_cli("analyze", "http://127.0.0.1:9/article", "--format", "json")
    assert run.exit_code == 4
    _one_line_error(run.stderr, "127.0.0.1")


def test_unknown_analyzer(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some article text that is long enough to analyse.")
    run = run_cli("analyze", str(path), "--only", "astrology")
    assert run.exit_code == 5
    _one_line_error(run.stderr, "unknown analyzer 'astrology'")


def test_unwritable_output(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some article text that is long enough to analyse.")
    target = tmp_path / "missing-dir" / "out.json"
    run = run_cli("analyze", str(path), "--only", "quotes", "--output", str(target))
    assert run.exit_code == 6
    _one_line_error(run.stderr, "cannot write")


def test_missing_file() -> None:
    run = run_cli("analyze", "/nonexistent/article.txt")
    assert run.exit_code == 3
    _one_line_error(run.stderr, "no such file")


def test_bad_config_value(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some article text that is long enough to analyse.")
    run = run_cli("--set", "limits.max_bytes=-5", "analyze", str(path))
    assert run.exit_code == 5
    _one_line_error(run.stderr, "limits.max_bytes")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_documents_exit_codes(flag: str) -> None:
    run = run_cli(flag)
    assert run.exit_code == 0
    assert "Exit codes" in run.stdout


def test_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`spinlens claims rank f | head -1`: exit 0 and nothing on stderr, as with cat."""
    rows = tmp_path / "rows.tsv"
    rows.write_text(
        "".join(f"{i}\tThe economy grew by {i} percent last year.\n" for i in range(20_000)),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "spinlens", "claims", "rank", str(rows), "--fast"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"0\t")
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, stderr
    assert "error" not in stderr and "Traceback" not in stderr


def test_help_paragraphs_wrap_to_the_terminal() -> None:
    """A docstring's source line breaks do not become breaks in the middle of a sentence:
    in every paragraph of a command's description only the last line may be short."""
    run = run_cli("batch", "--help")
    assert run.exit_code == 0
    description = run.stdout.split("Usage:", 1)[1].split("\u256d", 1)[0]  # up to the first box
    paragraphs: list[list[str]] = [[]]
    for line in description.splitlines()[1:]:  # after the usage line
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    assert len([p for p in paragraphs if p]) >= 2
    for lines in paragraphs:
        assert all(len(line) > 40 for line in lines[:-1]), lines
