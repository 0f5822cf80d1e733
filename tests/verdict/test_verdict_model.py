"""The style model's maths and the train/eval commands, on data written for the test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinlens.analyzers.verdict.model import StyleModel, fit, roc_auc
from spinlens.eval.verdict import AMT, HORNE, MODEL_FEATURES
from spinlens.models.runtime import model_dir
from tests.core.cli_runner import run_cli

FAKE = "SHOCKING!!! You won't believe this BOMBSHELL! The corrupt elites lie again! Share it!\n"
REAL = (
    "WASHINGTON, May 2 - The Senate voted 52-48 on Tuesday to approve the bill, officials said. "
    "The measure funds 1,200 projects, according to the budget office, a spokesman said.\n"
)


def test_roc_auc_known_values() -> None:
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 0.0
    assert roc_auc([0.5, 0.5], [1, 0]) == 0.5
    assert roc_auc([0.9, 0.3, 0.6, 0.1], [1, 0, 0, 1]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        roc_auc([0.1, 0.2], [1, 1])


def test_fit_learns_the_direction_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    signal = rng.exponential(1.0, 200)
    labels = (signal + rng.normal(0, 0.3, 200) > 1.0).astype(float)
    noise = rng.exponential(1.0, 200)
    model = fit(["signal", "noise"], np.column_stack([signal, noise]), labels, l2=1.0)
    assert model.weights[0] > 1.0 and abs(model.weights[1]) < 0.5
    logits = [model.logit({"signal": s, "noise": n}) for s, n in zip(signal, noise, strict=True)]
    assert roc_auc(logits, labels.astype(int).tolist()) > 0.9
    assert StyleModel.from_json(json.loads(json.dumps(model.to_json()))) == model
    # contributions are measured from absence: a zero rate contributes nothing
    assert model.contributions({"signal": 0.0, "noise": 0.0}) == {"signal": 0.0, "noise": 0.0}


def _dataset(root: Path) -> Path:
    """Tiny copies of both datasets' folder layouts, fake and real texts told apart by style."""
    layout = {
        HORNE: {"buzzfeed_political/Fake": FAKE, "buzzfeed_political/Real": REAL,
                "random_political/Fake": FAKE, "random_political/Real": REAL},
        AMT: {"fakeNewsDataset/fake": FAKE, "fakeNewsDataset/legit": REAL,
              "celebrityDataset/fake": FAKE, "celebrityDataset/legit": REAL},
    }  # fmt: skip
    for name, folders in layout.items():
        for sub, text in folders.items():
            folder = root / name / sub
            folder.mkdir(parents=True)
            for i in range(3):
                (folder / f"{i}.txt").write_text(f"Story {i}. " + text * (i + 1), encoding="utf-8")
    return root


def test_train_and_eval_commands(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    out = tmp_path / "style.json"
    run = run_cli("train", "verdict", "--data", str(data), "--output", str(out))
    assert run.exit_code == 0, run.stderr
    assert "ROC-AUC" in run.stdout
    model = StyleModel.load(out)
    assert model.features == MODEL_FEATURES
    assert {r["train"] for r in model.meta["cross_dataset"]} == {HORNE, AMT}
    assert all(r["roc_auc"] == 1.0 for r in model.meta["cross_dataset"])

    evaluated = run_cli("eval", "verdict", "--data", str(data))
    assert evaluated.exit_code == 0 and "1.000" in evaluated.stdout
    assert "verdict score ROC-AUC" in evaluated.stdout and "L2 (CV on train)" in evaluated.stdout


def test_eval_without_data_is_a_clear_error(tmp_path: Path) -> None:
    run = run_cli("eval", "verdict", "--data", str(tmp_path))
    assert run.exit_code == 7
    assert "horne2017-fakenewsdata1 not found" in run.stderr


def test_eval_with_propaganda_scores_style_plus_its_reasons(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    run = run_cli("eval", "verdict", "--data", str(data), "--with-propaganda")
    assert run.exit_code == 0, run.stderr
    assert "+ propaganda" in run.stdout
    rows = [line for line in run.stdout.splitlines() if "Horne 2017" in line]
    assert len(rows) == 2 and all(line.count("1.000") >= 2 for line in rows), run.stdout


def test_train_without_output_leaves_the_shipped_model_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = model_dir("verdict") / "style.json"
    before = shipped.read_bytes()
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    run = run_cli("train", "verdict", "--data", str(_dataset(tmp_path / "data")))
    assert run.exit_code == 0, run.stderr
    written = tmp_path / "home" / "models" / "verdict" / "style.json"
    assert StyleModel.load(written).features == MODEL_FEATURES
    assert str(written) in run.stdout
    assert shipped.read_bytes() == before
