"""``spinlens train propaganda`` end to end (tagger fine-tuning, int8 export, decoding choice,
span and paragraph models) on a small synthetic corpus: about 2 minutes on 2 cores, so slow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli
from tests.propaganda.test_eval_command import CUES, FILLER, _corpus

pytestmark = pytest.mark.slow


def test_train_writes_a_model_that_finds_the_cue_spans(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from spinlens.analyzers.propaganda import PropagandaAnalyzer
    from spinlens.document import Document

    ptc, s23 = _corpus(tmp_path / "data", n_train=40)
    out = tmp_path / "model"
    run = run_cli(
        "train", "propaganda", "--data", str(ptc), "--semeval2023", str(s23),
        "--work", str(tmp_path / "work"), "--out", str(out), "--epochs", "1", "--threads", "1",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["seed"] == 13 and 0 < card["threshold"] < 1 and "decode" in card
    assert (out / "model.onnx").stat().st_size < 60e6
    analyzer = PropagandaAnalyzer(model_dir=str(out), lexicon=False)
    cue = CUES["Name_Calling,Labeling"][0]
    text = f"{FILLER} {cue} today.\n"
    spans = analyzer.analyze(Document.from_text(text), {}).spans
    a = text.index(cue)
    b = a + len(cue)
    found = [(text[s.start : s.end], s.label) for s in spans]
    # one epoch on 36 small articles: the tagger marks (part of) the cue and nothing else,
    # and the span classifier names its technique
    assert found and all(s.start < b and a < s.end for s in spans), found
    assert "Name_Calling,Labeling" in {label for _, label in found}, found
