"""``spinlens eval propaganda`` end to end on a small synthetic corpus in the two datasets'
layouts: every figure line the issue asks for is printed, and cross-validation learns an
easy signal (each technique has its own cue words) while a label-free corpus scores low."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from spinlens.models.runtime import model_dir
from tests.core.cli_runner import run_cli

pytest.importorskip("sklearn")

CUES = {
    "Name_Calling,Labeling": ("those traitors and thugs", "Name_Calling-Labeling"),
    "Doubt": ("nobody can trust the so-called experts", "Doubt"),
    "Flag-Waving": ("for our great nation and our flag", "Flag_Waving"),
}
FILLER = "The council met on Tuesday to discuss the budget for the next year."


def _corpus(root: Path, n_train: int = 16, shuffle_labels: bool = False) -> tuple[Path, Path]:
    rng = random.Random(7)
    ptc, s23 = root / "ptc", root / "s23"
    for folder in (ptc / "train-articles", ptc / "dev-articles", s23 / "train-articles-subtask-3"):
        folder.mkdir(parents=True)
    tc, dev, par = [], [], []
    techniques = list(CUES)
    for i in range(n_train + 4):
        art = str(1000 + i)
        lines, spans = [], []
        offset = 0
        for j in range(6):
            tech = techniques[(i + j) % len(techniques)] if j % 2 == 0 else None
            line = f"{FILLER} {CUES[tech][0]} today." if tech else FILLER
            if tech:
                start = offset + len(FILLER) + 1
                spans.append((tech, start, start + len(CUES[tech][0])))
            lines.append(line)
            offset += len(line) + 2  # each line is followed by a blank line
        text = "\n\n".join(lines) + "\n"
        is_dev = i >= n_train
        where = ptc / ("dev-articles" if is_dev else "train-articles")
        (where / f"article{art}.txt").write_text(text, encoding="utf-8")
        (s23 / "train-articles-subtask-3" / f"article{art}.txt").write_text(text, encoding="utf-8")
        for tech, start, end in spans:
            label = rng.choice(techniques) if shuffle_labels else tech
            (dev if is_dev else tc).append(f"{art}\t{'?' if is_dev else label}\t{start}\t{end}")
        for j in range(6):
            tech = techniques[(i + j) % len(techniques)] if j % 2 == 0 else None
            label = CUES[rng.choice(techniques) if shuffle_labels else tech][1] if tech else ""
            par.append(f"{art}\t{2 * j + 1}\t{label}")
    (ptc / "train-task2-TC.labels").write_text("\n".join(tc) + "\n", encoding="utf-8")
    (ptc / "dev-task-TC-template.out").write_text("\n".join(dev) + "\n", encoding="utf-8")
    (s23 / "train-labels-subtask-3.txt").write_text("\n".join(par) + "\n", encoding="utf-8")
    return ptc, s23


def _figures(stdout: str) -> dict[str, str]:
    return {line.split(" ")[0]: line for line in stdout.strip().splitlines()}


def test_eval_prints_si_tc_and_paragraph_figures(tmp_path: Path) -> None:
    ptc, s23 = _corpus(tmp_path)
    run = run_cli(
        "eval", "propaganda", "--data", str(ptc), "--semeval2023", str(s23), "--folds", "2"
    )
    assert run.exit_code == 0, run.stderr
    lines = _figures(run.stdout)
    assert lines["SI"].startswith("SI dev (4 articles, ") and "/ 12 gold spans" in lines["SI"]
    tc = lines["TC"]
    assert tc.startswith("TC micro-F1 (2-fold CV by article on train, gold spans): ")
    assert float(tc.rsplit(" ", 1)[1]) >= 0.9  # the cue words give the technique away
    par = lines["SemEval-2023"]
    assert par.startswith("SemEval-2023 paragraphs (2-fold CV by topic): P ")
    assert float(par.rsplit(" ", 1)[1]) >= 0.8
    # the shipped fine-tuned paragraph model's recorded topic-fold figures, with the expectation
    assert "linear weight 0.5" in lines["Shipped"]
    card = json.loads((model_dir("propaganda-paragraphs") / "card.json").read_text("utf-8"))
    expected = (
        f"expected paragraph micro-F1 on unseen articles (shipped model): {card['expected_unseen']}"
    )
    assert expected in run.stdout
    assert f"at the shipped fixed setting ({card['fixed_setting']})" in run.stdout


def test_cross_validation_cannot_learn_random_labels(tmp_path: Path) -> None:
    ptc, s23 = _corpus(tmp_path, shuffle_labels=True)
    run = run_cli(
        "eval", "propaganda", "--data", str(ptc), "--semeval2023", str(s23), "--folds", "2"
    )
    assert run.exit_code == 0, run.stderr
    lines = _figures(run.stdout)
    assert float(lines["TC"].rsplit(" ", 1)[1]) < 0.7
    assert float(lines["SemEval-2023"].rsplit(" ", 1)[1]) < 0.7


def test_broken_dataset_files_are_one_line_errors(tmp_path: Path) -> None:
    ptc, s23 = _corpus(tmp_path)
    labels = s23 / "train-labels-subtask-3.txt"
    labels.write_text(labels.read_text(encoding="utf-8") + "1000\tfirst\tDoubt\n", "utf-8")
    run = run_cli("eval", "propaganda", "--data", str(ptc), "--semeval2023", str(s23))
    assert run.exit_code == 3 and "train-labels-subtask-3.txt:" in run.stderr
    assert "bad line number 'first'" in run.stderr and "SI dev" not in run.stdout
    (ptc / "train-articles" / "article1000.txt").write_bytes(b"caf\xe9")
    run = run_cli("eval", "propaganda", "--data", str(ptc), "--no-tc")
    assert run.exit_code == 3 and "article1000.txt: not UTF-8" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_train_skip_tagger_writes_models_the_analyzer_uses(tmp_path: Path) -> None:
    import shutil

    from spinlens.analyzers.propaganda import PropagandaAnalyzer
    from spinlens.document import Document
    from spinlens.models.runtime import model_dir

    ptc, s23 = _corpus(tmp_path / "data")
    out = tmp_path / "model"
    out.mkdir()
    for name in ("model.onnx", "tokenizer.json", "card.json"):  # the shipped tagger
        shutil.copy(model_dir("propaganda") / name, out / name)
    run = run_cli(
        "train", "propaganda", "--data", str(ptc), "--semeval2023", str(s23),
        "--out", str(out), "--skip-tagger",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert (out / "span_classifier.npz").is_file() and (out / "paragraphs.npz").is_file()
    analyzer = PropagandaAnalyzer(taxonomy="semeval2023", model_dir=str(out), lexicon=False)
    text = f"{FILLER} {CUES['Flag-Waving'][0]} today.\n"
    result = analyzer.analyze(Document.from_text(text), {})
    assert [p["labels"] for p in result.data["paragraphs"]] == [["Flag_Waving"]]
