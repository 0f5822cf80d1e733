"""The shipped check-worthiness models; scores run 0-1 and 0.5 is the decision point.

- ``checkworthy``: all-MiniLM-L6-v2 fine-tuned as a sentence classifier, int8 ONNX
  (``model.onnx`` + ``tokenizer.json``; :class:`FinetunedCheckworthy`), one encoder pass per
  sentence; its logit is stacked with the n-gram margin in a logistic calibration fitted on
  2024 dev and dev-test with both classes weighted equally (``spinlens.eval.claims_cv``), so
  0.5 is the balanced-error cut on debates the classifier never saw, not a probability.
- ``checkworthy-fast``: logistic regression over hashed n-grams and cues
  (:class:`CheckworthyModel`, ``weights.npz``, numpy only). A ``weights.npz`` model may also
  carry frozen MiniLM embeddings as features (the earlier ``checkworthy`` model).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.claims.features import HAND_FEATURES, dense_features, hashed_ngrams
from spinlens.models.encoder import length_batches
from spinlens.models.runtime import load_card, load_session, load_tokenizer, model_dir

MODEL = "checkworthy"
FAST_MODEL = "checkworthy-fast"
MODELS = (MODEL, FAST_MODEL)

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class CheckworthyModel:
    """Linear weights over dense features and hashed n-grams, then ``sigmoid(a*z + b)``."""

    dense: Vector
    hashed: Vector
    bias: float
    platt_a: float
    platt_b: float

    @classmethod
    def load(cls, path: Path) -> CheckworthyModel:
        with np.load(path) as w:
            return cls(
                dense=w["dense"].astype(np.float32),
                hashed=w["hashed"].astype(np.float32),
                bias=float(w["bias"]),
                platt_a=float(w["platt"][0]),
                platt_b=float(w["platt"][1]),
            )

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            dense=self.dense,
            hashed=self.hashed.astype(np.float16),
            bias=np.float32(self.bias),
            platt=np.asarray([self.platt_a, self.platt_b], dtype=np.float32),
        )

    @property
    def uses_encoder(self) -> bool:
        """False for the fast model: n-grams and surface cues only, no sentence embedding."""
        return len(self.dense) > len(HAND_FEATURES)

    def margin(self, texts: Sequence[str], embeddings: Vector | None = None) -> Vector:
        """Uncalibrated linear scores (what Platt scaling is fitted on)."""
        z = dense_features(texts, embeddings, self.uses_encoder) @ self.dense + self.bias
        for row, text in enumerate(texts):
            z[row] += sum(self.hashed[i] * v for i, v in hashed_ngrams(text).items())
        return z.astype(np.float32)

    def predict(self, texts: Sequence[str], embeddings: Vector | None = None) -> Vector:
        """Calibrated probability that each text is check-worthy."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        z = self.platt_a * self.margin(texts, embeddings) + self.platt_b
        probs: Vector = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return probs

    def scores(self, texts: Sequence[str]) -> list[float]:
        """:meth:`predict` as plain floats (for scorers)."""
        return [float(p) for p in self.predict(texts)]


class SentenceScorer(Protocol):
    def predict(self, texts: Sequence[str]) -> Vector: ...

    def scores(self, texts: Sequence[str]) -> list[float]: ...


CASCADE_BELOW = 0.0


def _sigmoid(z: Vector) -> Vector:
    probs: Vector = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
    return probs


@dataclass(frozen=True)
class FinetunedCheckworthy:
    """Fine-tuned MiniLM classifier in int8 ONNX: ``sigmoid(a * logit + w * fast + b)``.

    ``fast`` is the margin of the n-gram model stored next to it (``fast.npz``, no encoder),
    stacked with a weight ``w`` fitted together with ``a`` and ``b`` (see the card); without it
    the score is plain Platt scaling of the logit.
    """

    session: Any
    tokenizer: Any
    platt_a: float
    platt_b: float
    fast: CheckworthyModel | None = None
    fast_weight: float = 0.0
    batch_size: int = 8
    cascade_below: float = CASCADE_BELOW

    @classmethod
    def load(cls, folder: Path, platt: tuple[float, float] | None = None) -> FinetunedCheckworthy:
        """The model in ``folder``; calibration from its card unless ``platt`` is given."""
        fast, weight = None, 0.0
        if platt is None:
            meta = json.loads((folder / "card.json").read_text(encoding="utf-8"))
            platt = (float(meta["platt"][0]), float(meta["platt"][1]))
            weight = float(meta.get("fast_weight", 0.0))
            if weight:
                fast = CheckworthyModel.load(folder / "fast.npz")
        return cls(
            load_session(str(folder / "model.onnx")),
            load_tokenizer(str(folder / "tokenizer.json")),
            platt[0],
            platt[1],
            fast,
            weight,
        )

    def logits(self, texts: Sequence[str]) -> Vector:
        """Raw classifier logits; sentences are length-sorted into small batches (less padding)."""
        out = np.zeros(len(texts), dtype=np.float32)
        for chunk, ids, mask in length_batches(self.tokenizer, texts, self.batch_size):
            out[chunk] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out

    def stack_inputs(self, texts: Sequence[str]) -> Vector:
        """The calibration's inputs, one row per text: ``[logit, fast margin]`` (the margin
        is 0 without a stacked n-gram model). What training fits ``a``, ``w``, ``b`` on."""
        margin = self.fast.margin(texts) if self.fast is not None else np.zeros(len(texts))
        rows: Vector = np.c_[self.logits(texts), margin].astype(np.float32)
        return rows

    def predict(self, texts: Sequence[str]) -> Vector:
        """Check-worthiness score of each text; 0.5 is the decision point.

        An optional cascade (``cascade_below`` > 0, off by default): the n-gram model scores
        every sentence first, and sentences it gives less than ``cascade_below`` keep that
        (calibrated) score without an encoder pass. At 0.05, on 30 PTC dev articles, it skips
        31% of the sentences (claims analyzer 7.3 -> 9.1 articles per CPU-second) and changes
        1 of 1,159 decisions at 0.5; 2024 dev-test F1 stays 0.757 but rankings lose (2019
        held-out MAP 0.183 -> 0.176, 2024 dev-test MAP 0.945 -> 0.926), hence off.
        """
        if not texts:
            return np.zeros(0, dtype=np.float32)
        if self.fast is None:
            return _sigmoid(self.platt_a * self.logits(texts) + self.platt_b)
        margin = self.fast.margin(texts)
        probs = _sigmoid(self.fast.platt_a * margin + self.fast.platt_b)
        keep = np.flatnonzero(probs >= self.cascade_below)
        if len(keep):
            logits = self.logits([texts[int(i)] for i in keep])
            z = self.platt_a * logits + self.platt_b + self.fast_weight * margin[keep]
            probs[keep] = _sigmoid(z)
        return probs

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [float(p) for p in self.predict(texts)]


@lru_cache(maxsize=2)
def shipped_model(name: str = MODEL) -> CheckworthyModel | FinetunedCheckworthy:
    """The named shipped model: ONNX when its folder holds ``model.onnx``, else ``weights.npz``."""
    folder = model_dir(name)
    if (folder / "model.onnx").is_file():
        return FinetunedCheckworthy.load(folder)
    return CheckworthyModel.load(folder / "weights.npz")


def card(name: str = MODEL) -> dict[str, Any]:
    return load_card(name)
