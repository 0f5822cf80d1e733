"""SemEval-2023 paragraph labels: each non-empty line gets the techniques it likely uses."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda.detect import Detection
from spinlens.analyzers.propaganda.model import LinearModel
from spinlens.analyzers.propaganda.taxonomy import to_taxonomy


def paragraph_labels(model: LinearModel, text: str) -> list[tuple[int, int, int, list[str]]]:
    """``(line_number, start, end, labels)`` for every non-empty line (1-based numbers, lines
    split at "\\n" as in the SemEval-2023 label files; ``text[start:end]`` is the line without
    its line end).

    A model with a dense part also reads each line's sentence embedding from the shared
    MiniLM encoder (one batch per article).
    """
    units = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")  # a CRLF line end is not part of the paragraph
        if line.strip():
            units.append((number, offset, line))
        offset += len(raw) + 1
    embeddings = None
    if model.dense_coef is not None and units:
        from spinlens.models.encoder import encode

        embeddings = encode([line for _, _, line in units])
    out = []
    for i, (number, start, line) in enumerate(units):
        dense = embeddings[i] if embeddings is not None else None
        probs = model.sigmoid(F.paragraph_features(line), dense)
        labels = [model.labels[j] for j in range(len(probs)) if probs[j] >= model.thresholds[j]]
        out.append((number, start, start + len(line), labels))
    return out


def span_labels_by_line(text: str, found: Iterable[Detection]) -> dict[int, set[str]]:
    """SemEval-2023 labels of detected spans, by the 1-based number of each line they touch."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    out: dict[int, set[str]] = {}
    for d in found:
        label = to_taxonomy(d.technique, "semeval2023")
        if label is None:
            continue
        first = bisect_right(starts, d.start)
        last = bisect_right(starts, max(d.start, d.end - 1))
        for number in range(first, last + 1):
            out.setdefault(number, set()).add(label)
    return out
