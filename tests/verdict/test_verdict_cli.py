"""``spinlens eval verdict`` / ``train verdict`` on tiny datasets laid out like the shared ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spinlens.analyzers.verdict.model import StyleModel
from spinlens.eval.verdict import AMT, HORNE
from tests.core.cli_runner import run_cli

FAKE = (
    "SHOCKING!!! You won't BELIEVE what the corrupt traitors did! Sources say it is a secret plot.",
    "BOMBSHELL: Insiders claim the elite were EXPOSED! The truth they hide is stunning!!",
    "Reportedly the DISGRACEFUL scheme destroyed everything! Could this be the end?",
)
REAL = (
    "The minister said on Monday that unemployment fell to 3 percent in March, officials said.",
    "Police said on Tuesday that 12 people were arrested, according to a spokesperson.",
    "The council will vote on the 2024 budget in June, the mayor told reporters on Friday.",
)


def _datasets(root: Path, per_folder: int = 6) -> Path:
    """Horne 2017 (headlines in *_titles) and FakeNewsAMT folders with ``per_folder`` texts."""
    layout = {
        HORNE: [
            (f"{s}/{k}", k == "Fake")
            for s in ("buzzfeed_political", "random_political")
            for k in ("Fake", "Real")
        ],
        AMT: [
            (f"{s}/{k}", k == "fake")
            for s in ("fakeNewsDataset", "celebrityDataset")
            for k in ("fake", "legit")
        ],
    }
    for name, folders in layout.items():
        for sub, fake in folders:
            folder = root / name / sub
            folder.mkdir(parents=True)
            texts = FAKE if fake else REAL
            for i in range(per_folder):
                body = f"{texts[i % 3]} {texts[(i + 1) % 3]}"
                (folder / f"{i}.txt").write_text(body, encoding="utf-8")
    return root


def test_eval_prints_roc_auc_and_accuracy_both_ways(tmp_path: Path) -> None:
    run = run_cli("eval", "verdict", "--data", str(_datasets(tmp_path)))
    assert run.exit_code == 0, run.stderr
    assert "ROC-AUC" in run.stdout and "accuracy" in run.stdout
    rows = [line for line in run.stdout.splitlines() if re.search(r"\d\.\d{3}", line)]
    assert len(rows) == 2, run.stdout
    assert re.search(r"Horne 2017\s*│\s*FakeNewsAMT\s*│\s*24", rows[0]), rows[0]
    assert re.search(r"FakeNewsAMT\s*│\s*Horne 2017\s*│\s*24", rows[1]), rows[1]
    for row in rows:
        figures = [float(x) for x in re.findall(r"\b[01]\.\d{3}\b", row)]
        assert len(figures) >= 3 and all(0.0 <= f <= 1.0 for f in figures), row


def test_train_writes_a_style_model_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "style.json"
    run = run_cli("train", "verdict", "--data", str(_datasets(tmp_path / "d")), "-o", str(out))
    assert run.exit_code == 0, run.stderr
    model = StyleModel.load(out)
    assert model.meta and model.contributions({"exclamations": 0.5})


@pytest.mark.parametrize("l2", ["0", "-1", "nan"])
def test_a_non_positive_l2_is_a_usage_error(tmp_path: Path, l2: str) -> None:
    run = run_cli("eval", "verdict", "--data", str(tmp_path), "--l2", l2)
    assert run.exit_code == 2


def test_missing_or_empty_datasets_say_what_is_wrong(tmp_path: Path) -> None:
    missing = run_cli("eval", "verdict", "--data", str(tmp_path / "nowhere"))
    assert missing.exit_code == 7 and "horne2017-fakenewsdata1 not found" in missing.stderr
    (tmp_path / HORNE).mkdir()
    (tmp_path / AMT).mkdir()
    empty = run_cli("eval", "verdict", "--data", str(tmp_path))
    assert empty.exit_code == 7 and "0 fake and 0 real" in empty.stderr
    assert "Traceback" not in empty.stderr and len(empty.stderr.strip().splitlines()) == 1


def test_train_refuses_an_output_folder_that_does_not_exist(tmp_path: Path) -> None:
    run = run_cli(
        "train", "verdict", "--data", str(tmp_path), "-o", str(tmp_path / "no" / "s.json")
    )
    assert run.exit_code == 6 and "no such folder" in run.stderr


def test_help_shows_examples() -> None:
    assert "Examples: spinlens eval verdict" in run_cli("eval", "verdict", "--help").stdout
    assert "Example: spinlens train verdict" in run_cli("train", "verdict", "--help").stdout


def test_liar_scores_the_shipped_model_on_rated_statements(tmp_path: Path) -> None:
    rows = []
    for i in range(12):
        label = ("pants-fire", "false", "true", "mostly-true", "half-true")[i % 5]
        text = FAKE[i % 3] if label in {"pants-fire", "false"} else REAL[i % 3]
        rows.append(f"{i}.json\t{label}\t{text}\tsubject\tspeaker\n")
    (tmp_path / "liar").mkdir()
    (tmp_path / "liar" / "valid.tsv").write_text("".join(rows) * 2, encoding="utf-8")
    run = run_cli("eval", "verdict", "--data", str(tmp_path), "--liar")
    assert run.exit_code == 0, run.stderr
    (row,) = [line for line in run.stdout.splitlines() if line.startswith("│ valid")]
    assert re.search(r"│ valid\s*│ 20\s*│ 12 / 8\s*│ 1\.000\s*│ 1\.000", row), row
    missing = run_cli("eval", "verdict", "--data", str(tmp_path / "none"), "--liar")
    assert missing.exit_code == 7 and "liar" in missing.stderr
