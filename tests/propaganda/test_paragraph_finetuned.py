"""The fine-tuned SemEval-2023 paragraph classifier (models/data/propaganda-paragraphs) and its
average with the linear paragraph model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda.model import (
    PARAGRAPH_MODEL_NAME,
    LinearModel,
    ParagraphModel,
    linear_line_probs,
    load_bundle,
)
from spinlens.analyzers.propaganda.paragraphs import paragraph_labels
from spinlens.analyzers.propaganda.taxonomy import S2023_LABELS
from spinlens.models.runtime import model_dir


class _Finetuned:
    """A stand-in line classifier: probability 0.8 for label B on every line."""

    labels = ("A", "B")
    thresholds = np.array([0.5, 0.5], dtype=np.float32)

    def __init__(self, linear_weight: float) -> None:
        self.linear_weight = linear_weight

    def probs(self, lines: list[str]) -> np.ndarray:
        return np.tile(np.array([0.0, 0.8], dtype=np.float32), (len(lines), 1))


def _linear(tmp_path: Path) -> LinearModel:
    path = tmp_path / "linear.npz"
    np.savez(
        path,
        coef=np.zeros((2, F.DIMS), dtype=np.float16),
        bias=np.array([-1e4, -1e4], dtype=np.float32),  # probability 0 for both labels
        labels=np.array(["A", "B"]),
        threshold=np.float32(0.5),
    )
    return LinearModel(path)


@pytest.mark.parametrize(("weight", "want"), [(0.0, [["B"]]), (0.25, [["B"]]), (0.5, [[]])])
def test_the_average_gives_the_linear_model_its_card_weight(
    tmp_path: Path, weight: float, want: list[list[str]]
) -> None:
    fake: Any = _Finetuned(weight)
    model = ParagraphModel(_linear(tmp_path), fake)
    np.testing.assert_allclose(model.probs(["one line"]), [[0.0, 0.8 * (1 - weight)]])
    assert [labels for *_, labels in paragraph_labels(model, "one line")] == want


def test_a_paragraph_model_needs_a_part_and_one_label_order(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs"):
        ParagraphModel(None, None)
    fake: Any = _Finetuned(0.5)
    fake.labels = ("B", "A")
    with pytest.raises(ValueError, match="orders"):
        ParagraphModel(_linear(tmp_path), fake)


def test_shipped_onnx_model_gives_the_torch_labels_on_reference_lines() -> None:
    bundle = load_bundle()
    model = bundle.paragraph_model
    assert model is not None and model.finetuned is not None and model.linear is not None
    card = json.loads((model_dir(PARAGRAPH_MODEL_NAME) / "card.json").read_text("utf-8"))
    lines = [r["line"] for r in card["reference"]]
    torch_probs = np.array([r["torch_probs"] for r in card["reference"]], dtype=np.float32)
    onnx_probs = model.finetuned.probs(lines)
    assert np.abs(onnx_probs - torch_probs).max() < 0.05
    w = model.finetuned.linear_weight
    linear = linear_line_probs(model.linear, lines)
    want = [
        [S2023_LABELS[j] for j in np.flatnonzero(p >= model.thresholds)]
        for p in (1 - w) * torch_probs + w * linear
    ]
    got = [labels for *_, labels in paragraph_labels(model, "\n".join(lines))]
    assert got == want
    assert any(got) and not all(got)  # some lines are labelled, some are not


def test_shipped_paragraph_model_is_the_average_its_card_names() -> None:
    folder = model_dir(PARAGRAPH_MODEL_NAME)
    card = json.loads((folder / "card.json").read_text("utf-8"))
    assert card["labels"] == list(S2023_LABELS)
    assert 0 <= card["linear_weight"] < 1 and all(0 < t < 1 for t in card["thresholds"])
    assert (folder / "model.onnx").stat().st_size < 60e6
    assert "semeval2023-task3-en" in (folder / "MODEL_CARD.md").read_text("utf-8")
