"""SemEval-2023 paragraph labels: each non-empty line gets the techniques it likely uses."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

import numpy as np

from spinlens.analyzers.propaganda.detect import Detection
from spinlens.analyzers.propaganda.model import LinearModel, ParagraphModel
from spinlens.analyzers.propaganda.taxonomy import to_taxonomy


def paragraph_labels(
    model: LinearModel | ParagraphModel, text: str
) -> list[tuple[int, int, int, list[str]]]:
    """``(line_number, start, end, labels)`` for every non-empty line (1-based numbers, lines
    split at "\\n" as in the SemEval-2023 label files; ``text[start:end]`` is the line without
    its line end).

    ``model``: the bundle's :class:`ParagraphModel` (the fine-tuned line classifier averaged
    with the linear model), or a linear model alone; one batch of lines per article.
    """
    if isinstance(model, LinearModel):
        model = ParagraphModel(model, None)
    units = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")  # a CRLF line end is not part of the paragraph
        if line.strip():
            units.append((number, offset, line))
        offset += len(raw) + 1
    probs = model.probs([line for _, _, line in units])
    labels, thresholds = model.labels, model.thresholds
    return [
        (number, start, start + len(line), [labels[j] for j in np.flatnonzero(p >= thresholds)])
        for (number, start, line), p in zip(units, probs, strict=True)
    ]


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
