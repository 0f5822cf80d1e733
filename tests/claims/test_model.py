"""The shipped check-worthiness model and the fine-tuning helpers that do not need torch."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from spinlens.analyzers.claims.model import MODEL, FinetunedCheckworthy, shipped_model
from spinlens.models.runtime import model_dir

SENTENCES = [
    "Unemployment fell to 4.1 percent in March, the lowest level in 20 years.",
    "Thank you all for coming tonight.",
    "The senator voted against the bill three times.",
    "Well, I think that's a great question.",
    "Iran has fired 22 missiles at two bases housing US troops in Iraq.",
]


def test_shipped_model_is_the_fine_tuned_classifier() -> None:
    folder = model_dir(MODEL)
    assert (folder / "model.onnx").stat().st_size < 60e6
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    assert card["threshold"] == 0.5 and len(card["platt"]) == 2
    assert isinstance(shipped_model(MODEL), FinetunedCheckworthy)


def test_scores_are_probabilities_in_input_order() -> None:
    model = shipped_model(MODEL)
    forward = model.predict(SENTENCES)
    backward = model.predict(SENTENCES[::-1])[::-1]
    assert forward.shape == (len(SENTENCES),)
    assert ((forward >= 0) & (forward <= 1)).all()
    # int8 activations are quantized per batch, so batch mates move a score only slightly.
    assert np.abs(forward - backward).max() < 0.05
    assert model.predict([]).shape == (0,)


def test_numbers_outrank_pleasantries() -> None:
    scores = shipped_model(MODEL).predict(SENTENCES)
    assert scores[0] >= 0.5 and scores[4] >= 0.5
    assert scores[1] < 0.5 and scores[3] < 0.5


def test_batches_cover_every_row_once_and_pad() -> None:
    pytest.importorskip("sklearn")
    from spinlens.train.loop import batches, pad

    rows = [[101] + [7] * random.Random(i).randint(1, 40) + [102] for i in range(300)]
    for rng in (random.Random(0), None):
        got = batches(rows, 16, rng)
        flat = sorted(i for b in got for i in b)
        assert flat == list(range(len(rows)))
        assert all(1 <= len(b) <= 16 for b in got)
    ids, mask = pad([rows[0], rows[1]])
    assert ids.shape == mask.shape == (2, max(len(rows[0]), len(rows[1])))
    assert int(mask.sum()) == len(rows[0]) + len(rows[1])


@pytest.mark.slow
def test_export_matches_torch(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from spinlens.train.claims_export import export_onnx
    from spinlens.train.claims_finetune import build_classifier
    from spinlens.train.propaganda import encoder_dir

    torch.manual_seed(0)
    checkpoint = tmp_path / "random.pt"
    torch.save(build_classifier(encoder_dir()).state_dict(), checkpoint)
    checks = export_onnx(checkpoint, tmp_path / "out")
    assert checks["max_abs_diff_vs_torch"] < 0.1
    model = FinetunedCheckworthy.load(tmp_path / "out", platt=(1.0, 0.0))
    assert model.logits(SENTENCES).shape == (len(SENTENCES),)
