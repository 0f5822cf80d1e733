"""Training writes where the user says, else under the user data folder: never into the
installed package (read-only in site-packages, replaced by the next install)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import spinlens
from spinlens.train.output import model_output, trained_models_dir
from tests.core.cli_runner import run_cli

PACKAGE = Path(spinlens.__file__).parent


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.npz")}


def test_the_default_model_folder_is_outside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    target = model_output("propaganda")
    assert target == tmp_path / "home" / "models" / "propaganda" and target.is_dir()
    assert not target.resolve().is_relative_to(PACKAGE.resolve())
    assert trained_models_dir() == tmp_path / "home" / "models"
    assert model_output("propaganda", tmp_path / "mine") == tmp_path / "mine"


def test_train_without_out_leaves_the_shipped_models_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sklearn")
    from spinlens.models.runtime import model_dir
    from tests.propaganda.test_eval_command import _corpus

    shipped = model_dir("propaganda")
    before = _digests(shipped)
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    ptc, _ = _corpus(tmp_path / "data")
    run = run_cli("train", "propaganda", "--data", str(ptc), "--skip-tagger")
    assert run.exit_code == 0, run.stderr
    target = tmp_path / "home" / "models" / "propaganda"
    assert (target / "span_classifier.npz").is_file()
    assert (target / "model.onnx").is_file(), "the shipped tagger completes the folder"
    assert f"analyzers.propaganda.model_dir={target}" in run.stderr
    assert _digests(shipped) == before
