"""Evaluation of the propaganda analyzer on PTC dev (SI) and by cross-validation (TC, 2023)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spinlens.analyzers.propaganda.detect import detect
from spinlens.analyzers.propaganda.model import Bundle, LinearModel
from spinlens.analyzers.propaganda.taxonomy import S2023_LABELS
from spinlens.errors import MissingDependencyError
from spinlens.eval.folds import FoldFigures, GroupBy, folds_of
from spinlens.eval.propaganda_data import PTC, S2023
from spinlens.eval.propaganda_score import PRF, multilabel_micro_f1, si_score


@dataclass(frozen=True)
class SIResult:
    prf: PRF
    articles: int
    groups: tuple[float, ...] = ()  # SI F1 of each of ``SI_GROUPS`` seeded groups of articles


SI_GROUPS = 5


def eval_si(
    bundle: Bundle,
    ptc: PTC,
    limit: int | None = None,
    threshold: float | None = None,
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
    groups = folds_of(ids, SI_GROUPS, 13) if len(ids) >= 2 * SI_GROUPS else []
    by_group = tuple(si_score({a: pred[a] for a in g}, {a: gold[a] for a in g}).f1 for g in groups)
    return SIResult(si_score(pred, gold), len(ids), by_group)


def tc_on_gold_spans(bundle: Bundle, ptc: PTC, ids: Iterable[str], head_weight: float) -> float:
    """TC micro-F1 on the gold spans of train articles ``ids`` with the shipped bundle.

    Used on the tagger's held-out train articles to choose how much the token heads weigh
    against the span classifier (which must then be fitted without those articles).
    """
    import numpy as np

    from spinlens.analyzers.propaganda.article import ArticleSpans
    from spinlens.analyzers.propaganda.detect import technique_probs
    from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS
    from spinlens.eval.propaganda_score import tc_micro_f1

    pred: list[tuple[str, int, int, str]] = []
    gold: list[tuple[str, int, int, str]] = []
    for art in ids:
        text = ptc.train[art]
        out = bundle.tagger(text) if bundle.tagger is not None else None
        spans = [g for g in ptc.train_spans.get(art, []) if g.technique]
        counts: dict[tuple[int, int], int] = {}
        for g in spans:
            counts[(g.start, g.end)] = counts.get((g.start, g.end), 0) + 1
            gold.append((art, g.start, g.end, g.technique or ""))
        article = ArticleSpans(text, list(counts))
        for (start, end), k in counts.items():
            head = None
            if out is not None and head_weight > 0:
                starts, ends = out.encoded.offsets[:, 0], out.encoded.offsets[:, 1]
                inside = (starts < end) & (ends > start)
                head = out.probs[inside, 1:].mean(axis=0) if inside.any() else None
            dist = technique_probs(bundle, text, start, end, head, head_weight, article)
            for idx in np.argsort(-dist)[:k]:
                pred.append((art, start, end, PTC_LABELS[int(idx)]))
    return tc_micro_f1(pred, gold)


def paragraph_figures(
    bundle: Bundle, s23: S2023, ids: Iterable[str], ngram: LinearModel
) -> dict[str, PRF]:
    """SemEval-2023 paragraph micro-P/R/F1 on articles ``ids`` by three predictors.

    ``ngram``: the paragraph classifier alone; ``tagger``: the 2023 labels of the tagger's spans
    on each line; ``union``: both. Only meaningful on articles neither model was fitted on
    (the 75 PTC dev articles when ``ngram`` was fitted on the other 371).
    """
    from spinlens.analyzers.propaganda.paragraphs import paragraph_labels, span_labels_by_line

    preds: dict[str, list[set[str]]] = {"ngram": [], "tagger": [], "union": []}
    gold: list[set[str]] = []
    for art in ids:
        text = s23.articles[art]
        labels = s23.paragraphs.get(art, {})
        by_line = span_labels_by_line(text, detect(bundle, text, use_lexicon=False))
        for number, _, _, predicted in paragraph_labels(ngram, text):
            gold.append({x for x in labels.get(number, []) if x in S2023_LABELS})
            preds["ngram"].append(set(predicted))
            preds["tagger"].append(by_line.get(number, set()))
            preds["union"].append(set(predicted) | by_line.get(number, set()))
    return {name: multilabel_micro_f1(p, gold) for name, p in preds.items()}


@dataclass(frozen=True)
class EvalPlan:
    """What ``spinlens eval propaganda`` was asked to measure."""

    data: Path
    semeval2023: Path | None = None
    folds: int = 5
    limit: int | None = None
    threshold: float | None = None
    lexicon: bool = False
    tc: bool = True
    paragraph_groups: GroupBy = "topic"


def evaluate_propaganda(
    plan: EvalPlan,
    progress: Callable[[Iterable[str], int], Iterable[str]] = lambda ids, _: ids,
    log: Callable[[str], None] = lambda _: None,
) -> Iterator[str]:
    """The figure lines of ``spinlens eval propaganda``, each as soon as it is measured.

    Every input is read before the long runs start, so a wrong folder fails at once.
    """
    from spinlens.analyzers.propaganda.model import load_bundle
    from spinlens.eval.propaganda_data import load_ptc, load_semeval2023
    from spinlens.train.propaganda_run import linear_trainer

    ptc = load_ptc(plan.data)
    s23 = load_semeval2023(plan.semeval2023) if plan.semeval2023 is not None else None
    linear = linear_trainer() if plan.tc or s23 is not None else None
    bundle = load_bundle()
    if bundle.tagger is None:
        raise MissingDependencyError("the propaganda model is not installed")
    n = min(plan.limit or len(ptc.dev), len(ptc.dev))
    si = eval_si(
        bundle, ptc, plan.limit, plan.threshold, plan.lexicon, lambda ids: progress(ids, n)
    )
    p = si.prf
    yield (
        f"SI dev ({si.articles} articles, {p.n_pred} predicted / {p.n_gold} gold spans): "
        f"P {p.precision:.4f} R {p.recall:.4f} F1 {p.f1:.4f}"
    )
    if si.groups:
        spread = FoldFigures(p.f1, si.groups).spread("groups of dev articles")
        yield f"  SI F1 {spread}"
        yield f"  expected SI F1 on unseen articles: {p.f1:.2f} ({_range(si.groups)})"
    if linear is not None and plan.tc:
        tc = linear.cv_tc(ptc, plan.folds, log=log)
        yield f"TC micro-F1 ({plan.folds}-fold CV by article on train, gold spans): {tc.pooled:.4f}"
        yield f"  TC micro-F1 {tc.spread()}"
    if linear is not None and s23 is not None:
        prf, folds = linear.cv_paragraphs(s23, plan.folds, log=log, groups=plan.paragraph_groups)
        yield (
            f"SemEval-2023 paragraphs ({plan.folds}-fold CV by {plan.paragraph_groups}): "
            f"P {prf.precision:.4f} R {prf.recall:.4f} micro-F1 {prf.f1:.4f}"
        )
        yield f"  paragraph micro-F1 {folds.spread()}"
        mean = sum(folds.folds) / len(folds.folds)
        yield (
            f"  expected paragraph micro-F1 on unseen articles (linear model): {mean:.2f} "
            f"({_range(folds.folds)}; by topic, the grouping that predicted the test set best)"
        )
        yield from _finetuned_paragraph_lines(bundle)


def _finetuned_paragraph_lines(bundle: Bundle) -> Iterator[str]:
    """The installed fine-tuned paragraph classifier's topic-fold figures, as recorded in its
    card (hours of CPU to rerun: ``python -m spinlens.train.propaganda_paragraphs cv``, or
    minutes on a GPU through ``line_job``, docs/propaganda.md)."""
    finetuned = bundle.paragraph_finetuned
    if finetuned is None or not finetuned.card.get("topic_cv"):
        return
    card = finetuned.card
    yield (
        "Shipped paragraph model (fine-tuned MiniLM averaged with the linear model above, "
        f"linear weight {finetuned.linear_weight:g}): topic-fold figures on the 446 SemEval-2023 "
        "articles recorded in its card (rerun: python -m spinlens.train.propaganda_paragraphs cv)"
    )
    for line in card["topic_cv"]:
        yield f"  {line}"
    if card.get("fixed_setting"):
        yield f"  at the shipped fixed setting ({card['fixed_setting']})"
    expected = card.get("expected_unseen")
    if expected:
        yield f"  expected paragraph micro-F1 on unseen articles (shipped model): {expected}"


def _range(values: tuple[float, ...]) -> str:
    return f"{min(values):.2f}-{max(values):.2f} across groups"
