"""Article-level fake-vs-real evaluation of the verdict, across datasets.

Horne & Adali 2017 (political news from real and fake sites; satire left out) and Perez-Rosas et
al. 2018 FakeNewsAMT (crowd-written fake vs legit news, plus web celebrity gossip). The style
model is fitted on one and scored on the other, both ways, because in-dataset scores on such
sets are inflated by topic and style leakage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spinlens.analyzers.base import BaseAnalyzer
from spinlens.analyzers.quotes import QuotesAnalyzer
from spinlens.analyzers.verdict import load_calibration, reasons, style_logit
from spinlens.analyzers.verdict.model import Array, StyleModel, fit, roc_auc
from spinlens.analyzers.verdict.signals import signals, word_count
from spinlens.document import Document
from spinlens.errors import MissingDependencyError

# The style model's features. Left out although computed: first_person, second_person,
# attributed_quotes and attributions, whose fitted signs contradicted the reason a reader would
# be shown (e.g. "quotes attributed to named speakers" counting toward manipulation).
MODEL_FEATURES = (
    "loaded_words",
    "all_caps",
    "exclamations",
    "questions",
    "hedges",
    "sensational",
    "scare_quotes",
    "unattributed_quotes",
    "reporting_verbs",
    "numbers",
    "dates",
    "roles",
    "headline_shouting",
    "headline_exclamations",
)
# The L2 penalties tried; each fit picks one by cross-validation inside its training data.
L2_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
FOLDS = 5
HORNE = "horne2017-fakenewsdata1"
AMT = "fakenews-amt-celebrity-perezrosas2018"


@dataclass(frozen=True)
class Dataset:
    name: str
    texts: tuple[str, ...]
    labels: tuple[int, ...]  # 1 = fake


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _folder(root: Path, pairs: Sequence[tuple[str, int]]) -> Iterator[tuple[str, int]]:
    """Texts of each folder; Horne 2017 keeps headlines apart (``<folder>_titles``), and they
    go back on top of the body, as FakeNewsAMT and real articles have them."""
    for sub, label in pairs:
        for path in sorted((root / sub).glob("*.txt")):
            text = _read(path).strip()
            title = root / f"{sub}_titles" / path.name
            head = _read(title).strip() if title.is_file() else ""
            if text:
                yield (f"{head}\n\n{text}" if head else text), label


def load(data: Path, name: str) -> Dataset:
    root = data / name
    if not root.is_dir():
        raise MissingDependencyError(f"dataset {name} not found under {data}")
    if name == HORNE:
        subs = [
            (f"{s}/{k}", int(k == "Fake"))
            for s in ("buzzfeed_political", "random_political")
            for k in ("Fake", "Real")
        ]
    else:
        subs = [
            (f"{s}/{k}", int(k == "fake"))
            for s in ("fakeNewsDataset", "celebrityDataset")
            for k in ("fake", "legit")
        ]
    rows = list(_folder(root, subs))
    return Dataset(name, tuple(t for t, _ in rows), tuple(y for _, y in rows))


def rates(
    texts: Sequence[str], progress: Callable[[Iterable[str]], Iterable[str]] = iter
) -> tuple[list[str], Array]:
    """The signal-rate matrix of ``texts`` (rows) by feature (columns)."""
    names, matrix, _ = featurize(texts, progress)
    return names, matrix


def featurize(
    texts: Sequence[str],
    progress: Callable[[Iterable[str]], Iterable[str]] = iter,
    propaganda: BaseAnalyzer | None = None,
) -> tuple[list[str], Array, Array | None]:
    """Signal rates, and with ``propaganda`` the weight of its reasons in each verdict.

    With the propaganda analyzer the rates are computed as the pipeline computes them (words
    inside technique spans are not loaded words again), and the third value holds the
    hand-set propaganda reasons' total logit per text (``reasons.propaganda``).
    """
    _, weights = load_calibration()
    quotes = QuotesAnalyzer()
    matrix, evidence = [], []
    for text in progress(texts):
        doc = Document.from_text(text, language="en")
        # The quotes analyzer's spans, as the pipeline gives them to the verdict.
        context = {"quotes": quotes.analyze(doc, {})}
        if propaganda is not None:
            context["propaganda"] = propaganda.analyze(doc, {})
        found = {s.name: s.value for s in signals(doc, context)}
        matrix.append([found[name] for name in MODEL_FEATURES])
        if propaganda is not None:
            per = weights["propaganda_per_technique"]
            drafts = reasons.propaganda(context, per, word_count(doc), weights)
            evidence.append(sum(d.weight for d in drafts))
    extra = np.asarray(evidence, dtype=np.float64) if propaganda is not None else None
    return list(MODEL_FEATURES), np.asarray(matrix, dtype=np.float64), extra


@dataclass(frozen=True)
class CrossResult:
    train: str
    test: str
    auc: float
    accuracy: float
    n_test: int
    l2: float = 10.0
    verdict_auc: float | None = None  # of the analyzer's style-only score: prior + capped style
    with_propaganda_auc: float | None = None  # that score plus the propaganda reasons


def _folds(labels: Array, k: int) -> list[Array]:
    """Stratified folds, deterministic: every k-th example of each class, after a fixed shuffle."""
    rng = np.random.default_rng(0)
    folds: list[list[int]] = [[] for _ in range(k)]
    for cls in (0, 1):
        members = rng.permutation(np.flatnonzero(labels == cls))
        for i, j in enumerate(members):
            folds[i % k].append(int(j))
    return [np.asarray(sorted(f)) for f in folds if f]


def choose_l2(
    names: Sequence[str], x: Array, labels: Array, grid: Sequence[float] = L2_GRID
) -> float:
    """The L2 penalty with the best mean ROC-AUC over stratified folds of the training data only.

    Ties go to the stronger penalty. With fewer than 2 examples of a class per fold there is
    nothing to validate on, and the middle of the grid is used.
    """
    k = min(FOLDS, int(min((labels == 0).sum(), (labels == 1).sum())))
    if k < 2:
        return float(grid[len(grid) // 2])
    folds = _folds(labels, k)
    best, best_auc = float(grid[-1]), -1.0
    for l2 in sorted(grid, reverse=True):
        aucs = []
        for held in folds:
            train = np.setdiff1d(np.arange(len(labels)), held)
            y_held = labels[held]
            if len(set(y_held.tolist())) < 2:
                continue
            model = fit(names, x[train], labels[train], l2=l2)
            aucs.append(roc_auc(score(model, names, x[held]), y_held.astype(int).tolist()))
        auc = float(np.mean(aucs)) if aucs else 0.0
        if auc > best_auc + 1e-9:
            best, best_auc = float(l2), auc
    return best


def score(model: StyleModel, names: Sequence[str], matrix: Array) -> Array:
    return np.asarray([model.logit(dict(zip(names, row, strict=True))) for row in matrix])


def cross(
    a: tuple[Dataset, list[str], Array],
    b: tuple[Dataset, list[str], Array],
    l2: float | None = None,
    evidence: Array | None = None,
) -> CrossResult:
    """Fit on ``a``, score ``b``: ROC-AUC and accuracy at the fitted 0.5 probability.

    ``l2=None`` picks the penalty by cross-validation inside ``a`` (:func:`choose_l2`); the test
    dataset is never looked at before scoring. ``evidence`` (per test text, from
    :func:`featurize` with the propaganda analyzer) adds the verdict's propaganda reasons to
    the style score, as the analyzer does.
    """
    (train, names, x_train), (test, _, x_test) = a, b
    y_train = np.asarray(train.labels, dtype=np.float64)
    penalty = choose_l2(names, x_train, y_train) if l2 is None else l2
    model = fit(names, x_train, y_train, l2=penalty)
    logits = score(model, names, x_test)
    y = np.asarray(test.labels)
    accuracy = float(((logits > 0).astype(int) == y).mean())
    auc = roc_auc(logits, test.labels)
    _, weights = load_calibration()
    styled = [style_logit(model, dict(zip(names, row, strict=True)), weights) for row in x_test]
    verdict_auc = roc_auc(styled, test.labels)
    full = None if evidence is None else roc_auc(np.asarray(styled) + evidence, test.labels)
    return CrossResult(train.name, test.name, auc, accuracy, len(y), penalty, verdict_auc, full)


Featurized = tuple[Dataset, list[str], Array]


def fit_shipped(
    sets: Sequence[Featurized], l2: float | None, cross_results: Sequence[CrossResult]
) -> StyleModel:
    """The shipped model: fitted on every dataset together, with the cross-dataset figures.

    ``l2=None`` picks the penalty by cross-validation over the pooled data.
    """
    names = sets[0][1]
    x = np.vstack([m for _, _, m in sets])
    y = np.concatenate([np.asarray(d.labels, dtype=np.float64) for d, _, _ in sets])
    l2 = choose_l2(names, x, y) if l2 is None else l2
    model = fit(names, x, y, l2=l2)
    meta = {
        "name": "verdict-style-2",
        "trained_on": {d.name: len(d.labels) for d, _, _ in sets},
        "l2": l2,
        "cross_dataset": [
            {
                "train": r.train,
                "test": r.test,
                "roc_auc": round(r.auc, 4),
                "accuracy": round(r.accuracy, 4),
                "n_test": r.n_test,
                "l2": r.l2,
                "verdict_style_roc_auc": None if r.verdict_auc is None else round(r.verdict_auc, 4),
            }
            for r in cross_results
        ],
    }
    return StyleModel(model.features, model.mean, model.scale, model.weights, model.bias, meta)
