"""Cheap quality floors on real data: a model that regressed badly fails here, in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.analyzers.propaganda.model import load_bundle
from spinlens.eval.propaganda import eval_si
from spinlens.eval.propaganda_data import load_ptc
from tests.conftest import shared_dataset
from tests.floors import floor

pytestmark = pytest.mark.quality


def test_si_f1_floor_on_ten_dev_articles() -> None:
    bundle = load_bundle()
    if bundle.tagger is None:
        pytest.skip("propaganda model not installed")
    ptc = load_ptc(shared_dataset("ptc-semeval2020-task11"))
    result = eval_si(bundle, ptc, limit=10)
    # a collapsed or mis-decoded model scores near 0 (floor and measured figure: the file)
    assert result.prf.f1 >= floor("propaganda.si_f1_ten_dev_articles"), result.prf


def test_eval_command_prints_si_figures() -> None:
    from tests.core.cli_runner import run_cli

    data = shared_dataset("ptc-semeval2020-task11")
    run = run_cli("eval", "propaganda", "--data", str(data), "--limit", "3", "--no-tc")
    assert run.exit_code == 0, run.stderr
    line = run.stdout.strip().splitlines()[-1]
    assert line.startswith("SI dev (3 articles") and " P " in line and " F1 " in line


def test_eval_command_rejects_wrong_folder(tmp_path: Path) -> None:
    from tests.core.cli_runner import run_cli

    run = run_cli("eval", "propaganda", "--data", str(tmp_path), "--no-tc")
    assert run.exit_code == 7 and "not the PTC data folder" in run.stderr


def test_eval_command_checks_the_semeval2023_folder_before_running(tmp_path: Path) -> None:
    from tests.core.cli_runner import run_cli

    data = shared_dataset("ptc-semeval2020-task11")
    run = run_cli(
        "eval", "propaganda", "--data", str(data), "--semeval2023", str(tmp_path), "--no-tc"
    )
    assert run.exit_code == 7 and "not the SemEval-2023" in run.stderr
    assert "SI dev" not in run.stdout  # failed at once, not after the dev run


def test_train_command_checks_its_inputs_before_training(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from tests.core.cli_runner import run_cli

    data = str(shared_dataset("ptc-semeval2020-task11"))
    run = run_cli("train", "propaganda", "--data", data, "--semeval2023", str(tmp_path))
    assert run.exit_code == 7 and "not the SemEval-2023" in run.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    run = run_cli("train", "propaganda", "--data", data, "--out", str(blocker), "--skip-tagger")
    assert run.exit_code == 6 and "cannot write the model" in run.stderr
    run = run_cli("train", "propaganda", "--data", data, "--init", str(tmp_path / "no.pt"))
    assert run.exit_code == 3 and "no such checkpoint" in run.stderr
