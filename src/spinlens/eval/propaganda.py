"""Evaluation of the propaganda analyzer on PTC dev (SI) and by cross-validation (TC, 2023)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spinlens.analyzers.propaganda.detect import DEFAULT_THRESHOLD, detect
from spinlens.analyzers.propaganda.model import Bundle
from spinlens.eval.propaganda_data import PTC
from spinlens.eval.propaganda_score import PRF, si_score


@dataclass(frozen=True)
class SIResult:
    prf: PRF
    articles: int


def eval_si(
    bundle: Bundle,
    ptc: PTC,
    limit: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    use_lexicon: bool = False,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda x: x,
) -> SIResult:
    """SI P/R/F1 on the PTC dev articles (gold boundaries from dev-task-TC-template.out).

    The lexicon is off by default: it targets epithets in the seed's register, and the figure
    should describe the trained model.
    """
    ids = sorted(ptc.dev)[:limit] if limit else sorted(ptc.dev)
    pred = {}
    for art in progress(ids):
        found = detect(bundle, ptc.dev[art], threshold, use_lexicon=use_lexicon)
        pred[art] = [(d.start, d.end) for d in found]
    gold = {a: [(g.start, g.end) for g in ptc.dev_spans.get(a, [])] for a in ids}
    return SIResult(si_score(pred, gold), len(ids))
