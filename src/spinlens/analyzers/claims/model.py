"""The shipped check-worthiness model: logistic regression over :mod:`.features`, Platt-scaled.

Weights are a small ``weights.npz`` in ``spinlens/models/data/checkworthy/``; scoring is numpy
only. Scores are calibrated probabilities: 0.5 or more means check-worthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.claims.features import HAND_FEATURES, dense_features, hashed_ngrams
from spinlens.models.runtime import load_card, model_dir

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


@lru_cache(maxsize=2)
def shipped_model(name: str = MODEL) -> CheckworthyModel:
    return CheckworthyModel.load(model_dir(name) / "weights.npz")


def card(name: str = MODEL) -> dict[str, Any]:
    return load_card(name)
