"""Turn per-token probabilities into character spans."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def spans_from_probs(
    offsets: npt.NDArray[np.int64],
    probs: npt.NDArray[np.float32],
    threshold: float,
    max_gap: int = 1,
) -> list[tuple[int, int, float]]:
    """Runs of tokens with ``probs >= threshold`` as ``(start, end, mean prob)``.

    Runs separated by at most ``max_gap`` low tokens are joined: the model often dips on a
    single function word inside a phrase.
    """
    on = np.flatnonzero(probs >= threshold)
    if not len(on):
        return []
    runs: list[list[int]] = [[int(on[0]), int(on[0])]]
    for i in on[1:]:
        if i - runs[-1][1] <= max_gap + 1:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    out = []
    for a, b in runs:
        start, end = int(offsets[a, 0]), int(offsets[b, 1])
        if end > start:
            out.append((start, end, float(probs[a : b + 1].mean())))
    return out
