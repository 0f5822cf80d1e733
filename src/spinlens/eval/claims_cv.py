"""Check-worthiness under a new debate: calibration fitted and scored by debate groups.

The fine-tuned classifier trained on 2024 train, whose sentences come from the same debates
as 2024 dev (both are random draws over ClaimBuster's sentence ids), so a calibration fitted
on dev alone learns how confident the model is on debates it has seen. On debates it has not
seen (2024 dev-test, the CheckThat! 2024 test) it is less confident, and a dev calibration says
Yes too rarely (dev-test: 69 Yes for 108 check-worthy sentences; the 2024 test: 57 for 88).

The calibration is therefore fitted on every labelled 2024 sentence the classifier never
trained on (dev and dev-test) with the two classes weighted equally, and its figure on unseen
debates is estimated by leaving out one dev-test debate at a time. CheckThat! 2024 files name
no debate; ClaimBuster's sentence ids run in debate order, so blocks of 1,000 ids stand for
the dev-test debates (4 groups of 57-98 sentences).

Needs numpy only: the three-parameter logistic fit is a few Newton steps.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.claims.formats import Sentence
from spinlens.eval.claims import average_precision, f1_positive, load_ct2019, load_ct2024

Matrix = npt.NDArray[np.float64]
DEBATE_BLOCK = 1000  # ClaimBuster sentence ids per stand-in "debate" of dev-test


def fit_logistic(
    x: npt.NDArray[np.floating[Any]],
    y: Sequence[int],
    balanced: bool = True,
    l2: float = 1e-4,
    steps: int = 50,
) -> tuple[list[float], float]:
    """``sigmoid(w . x + b)`` by Newton's method; ``balanced`` weights both classes equally
    (each class's weights sum to half the rows), so 0.5 is the balanced-error cut rather
    than a probability. Returns ``(w, b)``."""
    features = np.c_[np.asarray(x, dtype=np.float64).reshape(len(y), -1), np.ones(len(y))]
    target = np.asarray(y, dtype=np.float64)
    weight = np.ones(len(y))
    if balanced:
        pos = max(1.0, float(target.sum()))
        neg = max(1.0, float(len(target) - target.sum()))
        weight = np.where(target > 0, len(y) / (2 * pos), len(y) / (2 * neg))
    beta = np.zeros(features.shape[1])
    ridge = l2 * np.eye(features.shape[1])
    ridge[-1, -1] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(features @ beta)))
        grad = features.T @ (weight * (p - target)) + ridge @ beta
        hess = (features * (weight * p * (1 - p))[:, None]).T @ features + ridge
        delta = np.linalg.solve(hess, grad)
        beta -= delta
        if float(np.abs(delta).max()) < 1e-8:
            break
    return [float(v) for v in beta[:-1]], float(beta[-1])


def debate_groups(sentences: Sequence[Sentence], block: int = DEBATE_BLOCK) -> list[str]:
    """A stand-in debate name per sentence: its ClaimBuster id's block of ``block`` ids."""
    return [f"ids {int(s.id) // block * block}+" for s in sentences]


@dataclass(frozen=True)
class Spread:
    """One figure per left-out group, with their mean, spread and the pooled figure."""

    name: str
    values: tuple[float, ...]
    pooled: float

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)

    @property
    def std(self) -> float:
        return statistics.stdev(self.values) if len(self.values) > 1 else 0.0

    def line(self) -> str:
        return (
            f"{self.name}: mean {self.mean:.3f} (std {self.std:.3f}, min {min(self.values):.3f}, "
            f"max {max(self.values):.3f}; pooled {self.pooled:.3f}) over {len(self.values)} groups"
        )


Features = Callable[[Sequence[str]], npt.NDArray[np.floating[Any]]]


def unseen_debate_figures(data: Path, features: Features) -> list[Spread]:
    """F1 of Yes at 0.5 and average precision on each dev-test debate, the calibration fitted
    on 2024 dev plus the other dev-test debates (balanced, as shipped); and the 2019 MAP per
    held-out transcript (rankings by the calibration fitted on all of dev and dev-test; its
    intercept does not change them)."""
    dev, test = load_ct2024(data, "dev"), load_ct2024(data, "dev-test")
    x_dev, x_test = features([s.text for s in dev]), features([s.text for s in test])
    y_dev = [s.label or 0 for s in dev]
    y_test = np.array([s.label or 0 for s in test])
    groups = np.array(debate_groups(test))
    pooled = np.zeros(len(test))
    f1s, aps = [], []
    for group in sorted(set(groups)):
        out = groups == group
        w, b = fit_logistic(
            np.r_[x_dev, x_test[~out]], [*y_dev, *y_test[~out].tolist()], balanced=True
        )
        scores = 1.0 / (1.0 + np.exp(-(x_test[out] @ np.asarray(w) + b)))
        pooled[out] = scores
        f1s.append(f1_positive(y_test[out].tolist(), scores.tolist()))
        aps.append(average_precision(y_test[out].tolist(), scores.tolist()))
    w_all, _ = fit_logistic(np.r_[x_dev, x_test], [*y_dev, *y_test.tolist()], balanced=True)
    maps = []
    for sentences in load_ct2019(data, held_out=True).values():
        ranking = features([s.text for s in sentences]) @ np.asarray(w_all)
        maps.append(average_precision([s.label or 0 for s in sentences], ranking.tolist()))
    return [
        Spread(
            "2024 F1(Yes, >=0.5), one dev-test debate left out",
            tuple(f1s),
            f1_positive(y_test.tolist(), pooled.tolist()),
        ),
        Spread(
            "2024 average precision, one dev-test debate left out",
            tuple(aps),
            average_precision(y_test.tolist(), pooled.tolist()),
        ),
        Spread("2019 AP per held-out transcript (MAP)", tuple(maps), statistics.fmean(maps)),
    ]


def expected_lines(data: Path, model: object) -> list[str]:
    """What ``spinlens eval claims`` prints after the per-split figures: the figures to
    expect on a new debate (empty for a model with no stacked calibration inputs)."""
    stack = getattr(model, "stack_inputs", None)
    if stack is None:
        return []
    return [
        "  2024 dev and dev-test fit the calibration (their figures above are optimistic); "
        "expected on a debate the model never saw (calibration refitted without it):",
        *("    " + s.line() for s in unseen_debate_figures(data, stack)),
    ]
