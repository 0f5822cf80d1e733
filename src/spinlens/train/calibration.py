"""Calibration of model scores into probabilities: Platt scaling, or stacking several scores.

One unregularised logistic regression serves both, so every shipped check-worthiness model
is calibrated the same way (0.5 = check-worthy).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def fit_calibration(
    scores: npt.NDArray[np.floating], labels: Sequence[int]
) -> tuple[list[float], float, float]:
    """``sigmoid(w . scores + b)`` fitted by log-loss; ``scores`` is one column per input score
    (a 1-D array is Platt scaling). Returns (w, b, log-loss on the fitted data)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    x = scores.reshape(len(scores), -1)
    fitted = LogisticRegression(C=1e6, max_iter=1000).fit(x, labels)
    loss = float(log_loss(labels, fitted.predict_proba(x)[:, 1]))
    return [float(w) for w in fitted.coef_[0]], float(fitted.intercept_[0]), loss
