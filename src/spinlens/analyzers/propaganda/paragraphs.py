"""SemEval-2023 paragraph labels: each non-empty line gets the techniques it likely uses."""

from __future__ import annotations

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda.model import LinearModel


def paragraph_labels(model: LinearModel, text: str) -> list[tuple[int, int, int, list[str]]]:
    """``(line_number, start, end, labels)`` for every non-empty line (1-based numbers)."""
    out = []
    offset = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            probs = model.sigmoid(F.paragraph_features(line))
            labels = [model.labels[j] for j in range(len(probs)) if probs[j] >= model.threshold]
            out.append((number, offset, offset + len(line), labels))
        offset += len(line) + 1
    return out
