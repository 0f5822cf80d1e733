"""The calibrated style model: logistic regression over log-scaled signal rates.

Fitted by ``spinlens train verdict`` (numpy only: a dozen features need no ML library) and
shipped as a small JSON under ``spinlens/models/data/verdict/``. Contributions are per feature
(``weight * z``) so each can be shown as a reason with its spans.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinlens.errors import MissingDependencyError

Array = NDArray[np.float64]


def transform(rates: Sequence[float] | Array) -> Array:
    """log1p squashes the long tail (one rant with 40 exclamation marks is not 40x worse)."""
    return np.log1p(np.asarray(rates, dtype=np.float64))


@dataclass(frozen=True)
class StyleModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)

    def contributions(self, rates: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the logit relative to a text where it is absent (rate 0).

        Measured from zero, not from the training mean, so a signal that is not in the article
        moves nothing and every contribution has spans to show; the offset goes to the prior.
        """
        x = transform([rates.get(f, 0.0) for f in self.features])
        z = x / np.asarray(self.scale)
        return {f: float(w * v) for f, w, v in zip(self.features, self.weights, z, strict=True)}

    def logit(self, rates: Mapping[str, float]) -> float:
        """The fitted model's own logit (training-mean centred), used for evaluation."""
        x = transform([rates.get(f, 0.0) for f in self.features])
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return self.bias + float(np.dot(self.weights, z))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StyleModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
            meta=dict(data.get("meta", {})),
        )

    @classmethod
    def load(cls, path: Path) -> StyleModel:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise MissingDependencyError(
                f"verdict calibration {path} is missing (run: spinlens train verdict)"
            ) from None


def fit(
    features: Sequence[str], rates: Array, labels: Array, *, l2: float = 1.0, iterations: int = 50
) -> StyleModel:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    x = transform(rates.ravel()).reshape(rates.shape)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (p - labels) + penalty * beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return StyleModel(
        features=tuple(features),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in beta[:-1]),
        bias=float(beta[-1]),
    )


def roc_auc(scores: Sequence[float] | Array, labels: Sequence[int]) -> float:
    """Area under the ROC curve as the Mann-Whitney U statistic (ties count half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("ROC-AUC needs both classes")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))
