"""From text to technique spans: token model -> SI spans -> technique labels, plus the lexicon.

Kept free of the Document type so the evaluation and ``propaganda predict`` commands score
exactly what the analyzer reports.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.propaganda import lexicon
from spinlens.analyzers.propaganda.article import ArticleSpans
from spinlens.analyzers.propaganda.decode import spans_from_probs
from spinlens.analyzers.propaganda.model import Bundle
from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS

DEFAULT_THRESHOLD = 0.4
SECOND_LABEL = 0.35  # a span also gets its runner-up technique when that is this likely
HEAD_WEIGHT = 0.0  # weight of the token heads vs the span classifier: on held-out train
# articles heads alone scored TC 0.31, the span classifier 0.59, blends in between (see docs)
SVM_TEMPERATURE = 0.5  # SVM margins are small: sharpen them into a distribution


@dataclass(frozen=True, slots=True)
class Detection:
    start: int
    end: int
    technique: str  # PTC-2020 label
    score: float  # probability that the stretch is propaganda
    technique_score: float
    source: str  # "model" | "lexicon"


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, b if b >= 0 else len(text)


def technique_probs(
    bundle: Bundle,
    text: str,
    start: int,
    end: int,
    head: npt.NDArray[np.float32] | None,
    head_weight: float = HEAD_WEIGHT,
    article: ArticleSpans | None = None,
) -> npt.NDArray[np.float32]:
    """Technique distribution of one span from the token heads and/or the span classifier.

    ``article``: the span classifier's shared parts of ``text``, computed once for all its
    spans (``ArticleSpans``); without it each call costs the article's length.
    """
    parts: list[npt.NDArray[np.float32]] = []
    if head is not None and head.size:
        parts.append(head / max(float(head.sum()), 1e-6))
    if bundle.span_classifier is not None:
        if article is None:
            article = ArticleSpans(text, [(start, end)])
        parts.append(bundle.span_classifier.softmax(article.row(start, end), SVM_TEMPERATURE))
    if not parts:
        return np.full(len(PTC_LABELS), 1.0 / len(PTC_LABELS), dtype=np.float32)
    if len(parts) == 1:
        return parts[0]
    return (head_weight * parts[0] + (1 - head_weight) * parts[1]).astype(np.float32)


def model_spans(
    bundle: Bundle, text: str, threshold: float
) -> list[tuple[int, int, float, npt.NDArray[np.float32] | None]]:
    """SI spans ``(start, end, prob, mean technique-head probs)`` from the token tagger."""
    if bundle.tagger is None:
        return []
    out = bundle.tagger(text)
    decode = bundle.card.get("decode", {})
    max_gap = int(decode.get("max_gap", 1))
    min_chars = int(decode.get("min_chars", 1))
    starts, ends = out.encoded.offsets[:, 0], out.encoded.offsets[:, 1]
    # tokens come in text order, so the tokens inside a span are one run found by binary
    # search (a mask over all tokens per span cost tokens x spans on long texts)
    ordered = bool(np.all(np.diff(starts) >= 0) and np.all(np.diff(ends) >= 0))
    found = []
    for start, end, prob in spans_from_probs(
        out.encoded.offsets, out.probs[:, 0], threshold, max_gap, text
    ):
        if end - start < min_chars:
            continue
        head = None
        if out.probs.shape[1] > 1:
            if ordered:
                lo = int(np.searchsorted(starts, start, "left"))
                hi = int(np.searchsorted(ends, end, "right"))
                head = out.probs[lo : max(lo, hi), 1:].mean(axis=0)
            else:
                inside = (starts >= start) & (ends <= end)
                head = out.probs[inside, 1:].mean(axis=0)
        found.append((start, end, prob, head))
    return found


def detect(
    bundle: Bundle,
    text: str,
    threshold: float | None = None,
    use_lexicon: bool = True,
    multi_label: bool = True,
) -> list[Detection]:
    """All technique spans in ``text``, sorted by offset.

    ``threshold`` defaults to the one chosen for the shipped model (its card.json).
    """
    if threshold is None:
        threshold = float(bundle.card.get("threshold", DEFAULT_THRESHOLD))
    found: list[Detection] = []
    spans = model_spans(bundle, text, threshold)
    article = None
    if bundle.span_classifier is not None:
        article = ArticleSpans(text, [(a, b) for a, b, _, _ in spans])
    for start, end, prob, head in spans:
        dist = technique_probs(bundle, text, start, end, head, article=article)
        order = np.argsort(-dist)
        picks = [int(order[0])]
        if multi_label and len(order) > 1 and dist[order[1]] >= SECOND_LABEL:
            picks.append(int(order[1]))
        for k in picks:
            found.append(Detection(start, end, PTC_LABELS[k], prob, float(dist[k]), "model"))
    if use_lexicon:
        covers = Coverage(found)
        for hit in lexicon.find(text):
            if not covers(hit.technique, hit.start, hit.end):
                found.append(Detection(hit.start, hit.end, hit.technique, 0.9, 1.0, "lexicon"))
    return sorted(found, key=lambda d: (d.start, d.end, d.technique))


class Coverage:
    """Whether a detection of a technique contains ``[start, end)``, by binary search
    (comparing each lexicon hit with every detection cost hits x detections)."""

    def __init__(self, found: Iterable[Detection]) -> None:
        by_technique: dict[str, list[tuple[int, int]]] = {}
        for d in found:
            by_technique.setdefault(d.technique, []).append((d.start, d.end))
        self._starts: dict[str, list[int]] = {}
        self._reach: dict[str, list[int]] = {}  # the furthest end among spans starting so far
        for technique, spans in by_technique.items():
            spans.sort()
            self._starts[technique] = [a for a, _ in spans]
            self._reach[technique] = list(accumulate((b for _, b in spans), max))

    def __call__(self, technique: str, start: int, end: int) -> bool:
        starts = self._starts.get(technique)
        if not starts:
            return False
        i = bisect_right(starts, start)
        return i > 0 and self._reach[technique][i - 1] >= end
