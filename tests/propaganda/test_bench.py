"""``python bench/propaganda.py``: runs on a few dev articles and prints its figures' lines
(the figures themselves are not asserted: they depend on the machine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, shared_dataset

BENCH = ROOT / "bench" / "propaganda.py"


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300
    )


def test_bench_prints_rate_and_peak_memory() -> None:
    data = shared_dataset("ptc-semeval2020-task11")
    run = _bench("--data", str(data), "--limit", "2")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("articles: 2 ")
    assert any(ln.startswith("articles/s: ") and "tokens/s: " in ln for ln in lines)
    assert any(ln.startswith("peak RSS: ") and ln.endswith(" MB") for ln in lines)


def test_bench_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    run = _bench("--data", str(tmp_path))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "not a folder" in run.stderr and "Traceback" not in run.stderr
    run = _bench("--limit", "0")
    assert run.returncode == 2 and "at least 1" in run.stderr
