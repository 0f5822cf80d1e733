"""``spinlens eval|train claims`` say which data is missing before doing any work."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli

TRAIN_EXTRA = ("sklearn", "torch", "transformers")


def _missing(modules: tuple[str, ...]) -> list[str]:
    found = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            found.append(name)
    return found


@pytest.mark.parametrize("command", ["eval", "train"])
def test_missing_data_is_named_before_any_work(tmp_path: Path, command: str) -> None:
    if command == "train" and (missing := _missing(TRAIN_EXTRA)):
        # training asks for the extra first (tested below), then for the data
        pytest.skip(f"needs the train extra ({', '.join(missing)} not installed)")
    (tmp_path / "checkthat2019-task1-checkworthiness").mkdir()
    run = run_cli(command, "claims", "--data", str(tmp_path))
    assert run.exit_code == 7
    assert run.stdout == ""  # nothing printed, nothing trained
    assert "checkthat2024-task1-checkworthiness-en" in run.stderr
    assert "checkthat2019" not in run.stderr
    run = run_cli(command, "claims", "--data", str(tmp_path / "nowhere"))
    assert run.exit_code == 7 and "data folder not found" in run.stderr


def test_train_without_the_train_extra_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # ``import sklearn`` now fails
    run = run_cli("train", "claims", "--data", str(tmp_path))
    assert run.exit_code == 7 and "spinlens[train]" in run.stderr


def test_eval_help_has_an_example() -> None:
    run = run_cli("eval", "claims", "--help")
    assert run.exit_code == 0 and "Example:" in run.stdout
