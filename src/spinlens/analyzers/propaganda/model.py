"""Inference with the shipped models: the int8 ONNX token tagger, the two linear models and the
fine-tuned paragraph classifier (models/data/propaganda-paragraphs)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda import windows as W
from spinlens.deadline import check as check_deadline
from spinlens.models.runtime import load_session, load_tokenizer, model_dir

MODEL_NAME = "propaganda"
BATCH = 8  # windows per onnxruntime call: bounds memory on long articles


@dataclass(frozen=True)
class TokenProbs:
    encoded: W.Encoded
    probs: npt.NDArray[np.float32]  # (tokens, 1 + techniques): column 0 = inside a span


class TokenTagger:
    """The fine-tuned MiniLM: per-token probabilities for long texts, window by window."""

    def __init__(self, folder: Path) -> None:
        self.session = load_session(str(folder / "model.onnx"))
        self.tokenizer = W.prepare(load_tokenizer(str(folder / "tokenizer.json")))
        self.cls_id = int(self.tokenizer.token_to_id("[CLS]"))
        self.sep_id = int(self.tokenizer.token_to_id("[SEP]"))
        # a graph rewritten for unpadded windows (spinlens.models.runtime_unmask) has no mask
        self.feeds_mask = any(i.name == "attention_mask" for i in self.session.get_inputs())

    def __call__(self, text: str) -> TokenProbs:
        enc = W.encode(self.tokenizer, text)
        ranges = W.windows(len(enc.ids))
        if not ranges:
            return TokenProbs(enc, np.zeros((0, 1), dtype=np.float32))
        # check_deadline between batches: a cancelled server request stops there
        probs = W.run_windows(
            self.run, enc.ids, ranges, self.cls_id, self.sep_id, BATCH, check_deadline
        )
        return TokenProbs(enc, probs)

    def run(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Any:
        """The graph's output for one batch of windows (``windows.batch_inputs``)."""
        if self.feeds_mask:
            return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        if not mask.all():
            raise ValueError("padded windows need a tagger graph with an attention mask")
        return self.session.run(None, {"input_ids": ids})[0]


class LinearModel:
    """Weights of a linear model over ``features`` rows, loaded from an ``.npz``."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as z:
            self.coef: npt.NDArray[np.float16] = z[
                "coef"
            ]  # float16 (classes, DIMS): columns are cast when used
            self.bias: npt.NDArray[np.float32] = z["bias"].astype(np.float32)
            self.labels = tuple(str(x) for x in z["labels"])
            self.threshold = float(z["threshold"]) if "threshold" in z else 0.5
            # optional per-label thresholds (paragraph model); above 1: label never predicted
            self.thresholds: npt.NDArray[np.float32] = (
                z["thresholds"].astype(np.float32)
                if "thresholds" in z
                else np.full(len(self.labels), self.threshold, dtype=np.float32)
            )
            # optional dense part: weights over ``dense_weight`` x a MiniLM sentence embedding
            self.dense_coef: npt.NDArray[np.float32] | None = (
                z["dense_coef"].astype(np.float32) if "dense_coef" in z else None
            )
            self.dense_weight = float(z["dense_weight"]) if "dense_weight" in z else 1.0

    def scores(
        self, row: F.SparseRow | F.SpanRow, dense: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float32]:
        out = F.scores(row, self.coef, self.bias)
        if self.dense_coef is not None and dense is not None:
            out = (out + self.dense_coef @ (np.float32(self.dense_weight) * dense)).astype(
                np.float32
            )
        return out

    def softmax(
        self, row: F.SparseRow | F.SpanRow, temperature: float = 1.0
    ) -> npt.NDArray[np.float32]:
        s = self.scores(row) / np.float32(temperature)
        e: npt.NDArray[np.float32] = np.exp(s - s.max()).astype(np.float32)
        return e / np.float32(e.sum())

    def sigmoid(
        self, row: F.SparseRow, dense: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float32]:
        # the logistic function, written so that large margins cannot overflow
        half: npt.NDArray[np.float32] = np.tanh(0.5 * self.scores(row, dense)).astype(np.float32)
        return (0.5 * (1.0 + half)).astype(np.float32)


class LineClassifier:
    """The fine-tuned MiniLM paragraph classifier (int8 ONNX, folder
    ``models/data/propaganda-paragraphs``): one probability per SemEval-2023 label per line.
    Its card holds the labels, the decision thresholds and the share of the linear model
    (``paragraphs.npz``) in the average the thresholds were chosen for."""

    def __init__(self, folder: Path) -> None:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        self.card: dict[str, Any] = card
        self.session = load_session(str(folder / "model.onnx"))
        self.tokenizer = load_tokenizer(str(folder / "tokenizer.json"))
        self.labels = tuple(str(x) for x in card["labels"])
        self.thresholds = np.asarray(card["thresholds"], dtype=np.float32)
        self.linear_weight = float(card.get("linear_weight", 0.0))

    def probs(self, lines: Sequence[str]) -> npt.NDArray[np.float32]:
        from spinlens.models.encoder import length_batches

        out = np.zeros((len(lines), len(self.labels)), dtype=np.float32)
        for chunk, ids, mask in length_batches(self.tokenizer, lines, BATCH):
            out[chunk] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def linear_line_probs(model: LinearModel, lines: Sequence[str]) -> npt.NDArray[np.float32]:
    """The linear paragraph model's label probabilities for ``lines``; a model with a dense
    part also reads each line's embedding from the shared MiniLM encoder (one batch)."""
    embeddings = None
    if model.dense_coef is not None and lines:
        from spinlens.models.encoder import encode

        embeddings = encode(list(lines))
    out = np.zeros((len(lines), len(model.labels)), dtype=np.float32)
    for i, line in enumerate(lines):
        dense = embeddings[i] if embeddings is not None else None
        out[i] = model.sigmoid(F.paragraph_features(line), dense)
    return out


@dataclass(frozen=True)
class ParagraphModel:
    """What labels a paragraph: the fine-tuned line classifier averaged with the linear model
    (``linear_weight`` of its card is the linear model's share), or either one alone."""

    linear: LinearModel | None
    finetuned: LineClassifier | None

    def __post_init__(self) -> None:
        if self.linear is None and self.finetuned is None:
            raise ValueError("a paragraph model needs the linear or the fine-tuned part")
        linear, finetuned = self.linear, self.finetuned
        if linear is not None and finetuned is not None and linear.labels != finetuned.labels:
            raise ValueError("the two paragraph models label in different orders")

    @property
    def labels(self) -> tuple[str, ...]:
        return self.finetuned.labels if self.finetuned is not None else self._linear().labels

    @property
    def thresholds(self) -> npt.NDArray[np.float32]:
        if self.finetuned is not None:
            return self.finetuned.thresholds
        return self._linear().thresholds

    def _linear(self) -> LinearModel:
        assert self.linear is not None
        return self.linear

    def probs(self, lines: Sequence[str]) -> npt.NDArray[np.float32]:
        if self.finetuned is None:
            return linear_line_probs(self._linear(), lines)
        w = self.finetuned.linear_weight if self.linear is not None else 0.0
        out = self.finetuned.probs(lines)
        if w > 0:
            out = ((1.0 - w) * out + w * linear_line_probs(self._linear(), lines)).astype(
                np.float32
            )
        return out


@dataclass(frozen=True)
class Bundle:
    tagger: TokenTagger | None
    span_classifier: LinearModel | None
    paragraph_classifier: LinearModel | None
    card: dict[str, Any]
    paragraph_finetuned: LineClassifier | None = None

    @property
    def paragraph_model(self) -> ParagraphModel | None:
        """The paragraph labeller: the fine-tuned classifier (with the linear model in its
        average) when installed, else the linear model alone; None when neither is."""
        if self.paragraph_classifier is None and self.paragraph_finetuned is None:
            return None
        return ParagraphModel(self.paragraph_classifier, self.paragraph_finetuned)


PARAGRAPH_MODEL_NAME = "propaganda-paragraphs"


def _paragraph_folder(root: Path, shipped: bool) -> Path:
    """The fine-tuned paragraph classifier's folder: next to the shipped propaganda folder, or
    ``paragraphs/`` inside a model folder given in the configuration."""
    return root.parent / PARAGRAPH_MODEL_NAME if shipped else root / "paragraphs"


@lru_cache(maxsize=2)
def load_bundle(folder: str | None = None) -> Bundle:
    """Everything under models/data/propaganda (and the fine-tuned paragraph classifier in
    models/data/propaganda-paragraphs); parts that are absent load as None."""
    root = Path(folder) if folder else model_dir(MODEL_NAME)
    card_path = root / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
    par = _paragraph_folder(root, folder is None)
    return Bundle(
        TokenTagger(root) if (root / "model.onnx").is_file() else None,
        LinearModel(root / "span_classifier.npz")
        if (root / "span_classifier.npz").is_file()
        else None,
        LinearModel(root / "paragraphs.npz") if (root / "paragraphs.npz").is_file() else None,
        card,
        LineClassifier(par) if (par / "model.onnx").is_file() else None,
    )
