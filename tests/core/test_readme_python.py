"""The README's Python examples run as written: the library section, and the example analyzer
(which must also pass the conformance check it points to). Each runs in its own process with
its own data folder, so the example's registration cannot leak into other tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


def _python_block(section: str, doc: Path = README) -> str:
    text = doc.read_text(encoding="utf-8")
    body = text.split(f" {section}\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", body, re.S)
    assert match, f"no python example under '### {section}'"
    return match.group(1)


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SPINLENS_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,  # no spinlens.toml of the checkout's
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_python_section_runs(tmp_path: Path) -> None:
    run = _run(_python_block("Python"), tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 4, lines  # one report, two streamed verdicts, the quote's speaker
    assert lines[-1] == "the minister"


def test_the_example_analyzer_runs_and_passes_the_conformance_check(tmp_path: Path) -> None:
    check = """
import spinlens
from spinlens.analyzers.conformance import check_analyzer

check_analyzer("shouting")
report = spinlens.Pipeline(["shouting"])("The REGIME LIED again.")
print([f.text for f in report.findings])
"""
    run = _run(_python_block("Writing an analyzer") + check, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "['REGIME', 'LIED']"


def test_the_first_api_example_runs(tmp_path: Path) -> None:
    """docs/api.md's first example is the issue's "done" check: a verdict label, then 2."""
    run = _run(_python_block("A pipeline you keep", README.parent / "docs" / "api.md"), tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1] == "2" and lines[0] in {
        "reliable",
        "mixed",
        "unreliable",
        "insufficient evidence",
    }
