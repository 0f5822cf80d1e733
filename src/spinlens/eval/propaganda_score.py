"""Official SemEval-2020 Task 11 scoring: SI partial-overlap P/R/F1 and TC micro-F1.

SI (as in the task's scorer): within each article, overlapping spans are merged first; then
P = sum over (predicted s, gold g) pairs of |s∩g|/|s|, divided by the number of predicted spans,
and R = the same with |s∩g|/|g| over the number of gold spans. F1 is their harmonic mean.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float
    n_pred: int = 0
    n_gold: int = 0


def f1_of(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def merge_spans(spans: Iterable[Interval]) -> list[Interval]:
    """Union of half-open intervals: overlapping ones become one (touching ones stay apart)."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _overlap(a: Interval, b: Interval) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def si_score(pred: Mapping[str, Sequence[Interval]], gold: Mapping[str, Sequence[Interval]]) -> PRF:
    """SI precision, recall and F1 over all articles (extra predictions count as wrong)."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for art in set(pred) | set(gold):
        ps, gs = merge_spans(pred.get(art, ())), merge_spans(gold.get(art, ()))
        n_pred += len(ps)
        n_gold += len(gs)
        for s in ps:
            for g in gs:
                inter = _overlap(s, g)
                if inter:
                    p_sum += inter / (s[1] - s[0])
                    r_sum += inter / (g[1] - g[0])
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return PRF(p, r, f1_of(p, r), n_pred, n_gold)


def tc_micro_f1(
    pred: Sequence[tuple[str, int, int, str]], gold: Sequence[tuple[str, int, int, str]]
) -> float:
    """TC micro-F1: a predicted (article, start, end, technique) is right when gold has it.

    Each gold instance can be matched once (multisets), as in the task's scorer, so a span
    annotated with two techniques needs two predictions to be fully recalled.
    """
    g = Counter(gold)
    p = Counter(pred)
    tp = sum((g & p).values())
    precision = tp / sum(p.values()) if p else 0.0
    recall = tp / sum(g.values()) if g else 0.0
    return f1_of(precision, recall)


def group_by_article(rows: Iterable[tuple[str, int, int]]) -> dict[str, list[Interval]]:
    out: dict[str, list[Interval]] = defaultdict(list)
    for art, start, end in rows:
        out[art].append((start, end))
    return dict(out)


def multilabel_micro_f1(pred: Sequence[set[str]], gold: Sequence[set[str]]) -> PRF:
    """Micro-averaged P/R/F1 over label sets (SemEval-2023 subtask 3, paragraph level)."""
    tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return PRF(precision, recall, f1_of(precision, recall), n_pred, n_gold)
