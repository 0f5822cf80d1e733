"""Store paths in a config file: ``~`` is the home folder, as the README's example promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spinlens.config import Paths


def test_tilde_in_store_paths_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = Paths.model_validate(
        {"index": "~/idx.sqlite", "factcheck_db": "~/fc.sqlite", "sources_db": "~/src.sqlite"}
    )
    assert paths.index == tmp_path / "idx.sqlite"
    assert paths.factcheck_db == tmp_path / "fc.sqlite"
    assert paths.sources_db == tmp_path / "src.sqlite"


def test_closed_stdout_ends_quietly() -> None:
    """`spinlens ... | head`: the reader leaving is not an internal error."""
    code = (
        "import typer\n"
        "from spinlens.cli.app import handle_errors\n"
        "def gone() -> None:\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "try:\n"
        "    handle_errors(gone)()\n"
        "except typer.Exit as done:\n"
        "    raise SystemExit(done.exit_code)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert "internal error" not in run.stderr
    assert "Traceback" not in run.stderr
