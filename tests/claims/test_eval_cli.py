"""``spinlens eval|train claims`` say which data is missing before doing any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli


@pytest.mark.parametrize("command", ["eval", "train"])
def test_missing_data_is_named_before_any_work(tmp_path: Path, command: str) -> None:
    (tmp_path / "checkthat2019-task1-checkworthiness").mkdir()
    run = run_cli(command, "claims", "--data", str(tmp_path))
    assert run.exit_code == 7
    assert run.stdout == ""  # nothing printed, nothing trained
    assert "checkthat2024-task1-checkworthiness-en" in run.stderr
    assert "checkthat2019" not in run.stderr
    run = run_cli(command, "claims", "--data", str(tmp_path / "nowhere"))
    assert run.exit_code == 7 and "data folder not found" in run.stderr


def test_eval_help_has_an_example() -> None:
    run = run_cli("eval", "claims", "--help")
    assert run.exit_code == 0 and "Example:" in run.stdout
