"""Fitting the two linear models spinlens ships with the propaganda tagger: the technique of
a span (TC, PTC-2020; ``span_classifier.npz``) and the techniques of a paragraph (SemEval-2023
subtask 3; ``paragraphs.npz``). Both use ``propaganda.features``; scikit-learn fits them
(train extra) and the weights ship as an ``.npz`` of plain arrays.

Cross-validation folds are by article, seeded, so no article is both fitted and scored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS, S2023_LABELS
from spinlens.eval.folds import FoldFigures, GroupBy, folds_of
from spinlens.eval.propaganda_data import PTC, S2023
from spinlens.eval.propaganda_score import PRF, multilabel_micro_f1, tc_micro_f1

TC_C = 0.2  # LinearSVC C when none is chosen
TC_C_GRID = (0.1, 0.2, 0.3)  # the candidates; ``cv_tc`` picks among them inside each fold
PAR_ALPHA = 1e-4  # topic-grouped CV: 1e-4 beat 2e-5 in all 5 folds (mean 0.320 vs 0.309), 3e-4 lost
PAR_DENSE_WEIGHT = 1.0  # scale of the MiniLM line embedding next to the hashed n-grams
PAR_PER_LABEL = False  # per-label thresholds: 0.313 vs 0.320 by topic (alpha 1e-4), so one for all


def line_around(text: str, start: int, end: int) -> str:
    """The line (PTC: sentence) holding a fragment."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


@dataclass
class SpanRows:
    keys: list[tuple[str, int, int]]
    labels: list[str]
    rows: list[F.SparseRow]


def tc_rows(texts: dict[str, str], spans: dict[str, Any]) -> SpanRows:
    keys, labels, rows = [], [], []
    for art, text in texts.items():
        for g in spans.get(art, []):
            if g.technique is None:
                continue
            keys.append((art, g.start, g.end))
            labels.append(g.technique)
            a = text.rfind("\n", 0, g.start) + 1
            b = text.find("\n", g.end)
            b = b if b >= 0 else len(text)
            rows.append(
                F.span_features(
                    text[g.start : g.end], text[a:b], text, text[a : g.start], text[g.end : b]
                )
            )
    return SpanRows(keys, labels, rows)


def fit_multiclass(
    X: Any, y: Sequence[str], labels: Sequence[str], c: float = TC_C
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.svm import LinearSVC

    # A linear SVM: as accurate as logistic regression here and 30x faster to fit.
    clf = LinearSVC(C=c, random_state=0)
    clf.fit(X, [labels.index(v) for v in y])
    coef = np.zeros((len(labels), F.DIMS), dtype=np.float32)
    bias = np.full(len(labels), -1e4, dtype=np.float32)  # classes absent from a fold
    for row, cls in enumerate(clf.classes_):
        coef[cls] = clf.coef_[row]
        bias[cls] = clf.intercept_[row]
    return coef, bias


def predict_top(X: Any, coef: np.ndarray, bias: np.ndarray, k: int) -> list[int]:
    s = np.asarray(X @ coef.T) + bias
    return [int(i) for i in np.argsort(-s[0])[:k]]


def tc_predict(
    keys: list[tuple[str, int, int]], X: Any, coef: np.ndarray, bias: np.ndarray
) -> list[tuple[str, int, int, str]]:
    """One label per gold instance; a span annotated k times gets the top-k distinct labels."""
    count = Counter(keys)
    seen: dict[tuple[str, int, int], int] = defaultdict(int)
    scores = np.asarray(X @ coef.T) + bias
    out = []
    for i, key in enumerate(keys):
        ranked = np.argsort(-scores[i])[: count[key]]
        out.append((*key, PTC_LABELS[int(ranked[seen[key]])]))
        seen[key] += 1
    return out


def _tc_fold_predictions(
    data: SpanRows, X: Any, arts: np.ndarray, fold: set[str], c: float
) -> list[tuple[str, int, int, str]]:
    test = np.isin(arts, list(fold))
    train = np.flatnonzero(~test)
    coef, bias = fit_multiclass(X[train], [data.labels[j] for j in train], PTC_LABELS, c)
    return tc_predict([data.keys[j] for j in np.flatnonzero(test)], X[test], coef, bias)


def choose_c(
    data: SpanRows, X: Any, arts: np.ndarray, seed: int, grid: Sequence[float] = TC_C_GRID
) -> tuple[float, dict[float, float]]:
    """The C with the best 3-fold CV TC micro-F1 on these rows (folds by article)."""
    gold = [(*key, lab) for key, lab in zip(data.keys, data.labels, strict=True)]
    scores = {}
    for c in grid:
        pred: list[tuple[str, int, int, str]] = []
        for fold in folds_of(sorted(set(arts.tolist())), 3, seed):
            pred += _tc_fold_predictions(data, X, arts, fold, c)
        scores[c] = tc_micro_f1(pred, gold)
    return max(grid, key=lambda c: scores[c]), scores


def _subset(data: SpanRows, rows: np.ndarray) -> SpanRows:
    return SpanRows(
        [data.keys[j] for j in rows], [data.labels[j] for j in rows], [data.rows[j] for j in rows]
    )


def cv_tc(ptc: PTC, k: int = 5, seed: int = 13, log: Callable[[str], None] = print) -> FoldFigures:
    """TC micro-F1 by k-fold cross-validation over PTC train articles (gold spans given).

    Nested: in each outer fold, C is chosen by an inner 3-fold CV on the outer training
    articles only, so the held-out fold plays no part in any choice.
    """
    data = tc_rows(ptc.train, ptc.train_spans)
    X = F.to_csr(data.rows)
    arts = np.array([key[0] for key in data.keys])
    pred: list[tuple[str, int, int, str]] = []
    gold = [(*key, lab) for key, lab in zip(data.keys, data.labels, strict=True)]
    per_fold = []
    for i, fold in enumerate(folds_of(list(ptc.train), k, seed)):
        inner = np.flatnonzero(~np.isin(arts, list(fold)))
        c, scores = choose_c(_subset(data, inner), X[inner], arts[inner], seed)
        fold_pred = _tc_fold_predictions(data, X, arts, fold, c)
        pred += fold_pred
        per_fold.append(tc_micro_f1(fold_pred, [g for g in gold if g[0] in fold]))
        inner_f1 = " ".join(f"{k}:{v:.3f}" for k, v in scores.items())
        log(f"TC fold {i + 1}/{k}: {per_fold[-1]:.4f} (C {c}; inner CV {inner_f1})")
    return FoldFigures(tc_micro_f1(pred, gold), tuple(per_fold))


def fit_tc(ptc: PTC, out: Path, articles: Sequence[str] | None = None, seed: int = 13) -> float:
    """Fit the shipped span classifier; C is chosen by 3-fold CV on the same articles."""
    texts = {a: ptc.train[a] for a in (articles or ptc.train)}
    data = tc_rows(texts, ptc.train_spans)
    X = F.to_csr(data.rows)
    c, _ = choose_c(data, X, np.array([key[0] for key in data.keys]), seed)
    coef, bias = fit_multiclass(X, data.labels, PTC_LABELS, c)
    np.savez_compressed(out, coef=coef.astype(np.float16), bias=bias, labels=np.array(PTC_LABELS))
    return c


# --- SemEval-2023 paragraphs -------------------------------------------------------------


def paragraph_units(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their 1-based line numbers, as the 2023 label files number them."""
    return [(i, line) for i, line in enumerate(text.split("\n"), 1) if line.strip()]


def paragraph_rows(
    s23: S2023, ids: Sequence[str]
) -> tuple[list[tuple[str, int]], list[set[str]], list[F.SparseRow]]:
    keys, gold, rows = [], [], []
    for art in ids:
        labels = s23.paragraphs.get(art, {})
        for number, line in paragraph_units(s23.articles[art]):
            keys.append((art, number))
            gold.append({x for x in labels.get(number, []) if x in S2023_LABELS})
            rows.append(F.paragraph_features(line))
    return keys, gold, rows


def paragraph_matrix(
    s23: S2023, ids: Sequence[str], dense_weight: float | None = PAR_DENSE_WEIGHT
) -> tuple[list[tuple[str, int]], list[set[str]], Any]:
    """Rows of every non-empty line of ``ids``: hashed n-grams, then (unless ``dense_weight``
    is None) ``dense_weight`` x the line's MiniLM sentence embedding in the last 384 columns."""
    from scipy.sparse import csr_matrix, hstack

    keys, gold, rows = paragraph_rows(s23, ids)
    X = F.to_csr(rows)
    if dense_weight is None:
        return keys, gold, X
    from spinlens.models.encoder import encode

    lines = [line for art in ids for _, line in paragraph_units(s23.articles[art])]
    dense = csr_matrix(np.float32(dense_weight) * encode(lines))
    return keys, gold, hstack([X, dense]).tocsr()


def fit_ovr(
    X: Any, gold: Sequence[set[str]], alpha: float = PAR_ALPHA
) -> tuple[np.ndarray, np.ndarray]:
    """One logistic model per label, fitted by SGD (seconds, where liblinear took minutes)."""
    from sklearn.linear_model import SGDClassifier

    coef = np.zeros((len(S2023_LABELS), X.shape[1]), dtype=np.float32)
    bias = np.full(len(S2023_LABELS), -1e4, dtype=np.float32)
    for j, label in enumerate(S2023_LABELS):
        y = np.array([label in g for g in gold])
        if y.sum() == 0 or y.all():
            continue
        clf = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=30, tol=1e-4, random_state=j)
        clf.fit(X, y)
        coef[j], bias[j] = clf.coef_[0], clf.intercept_[0]
    return coef, bias


def probs_ovr(X: Any, coef: np.ndarray, bias: np.ndarray) -> np.ndarray:
    # 0.5 * (1 + tanh(x / 2)) is the logistic function without exp overflow
    probs: np.ndarray = 0.5 * (1.0 + np.tanh(0.5 * (np.asarray(X @ coef.T) + bias)))
    return probs


def decide(probs: np.ndarray, threshold: float | np.ndarray) -> list[set[str]]:
    """Labels at or above ``threshold`` (one for all labels, or one per label)."""
    return [{S2023_LABELS[j] for j in np.flatnonzero(row >= threshold)} for row in probs]


THRESHOLD_GRID = np.arange(0.1, 0.61, 0.025)
NEVER = 1.01  # a per-label threshold no probability reaches: the label is not predicted


def _inner_oof(X: Any, gold: list[set[str]], arts: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold probabilities from an inner 3-fold CV by article."""
    oof = np.zeros((X.shape[0], len(S2023_LABELS)))
    for fold in folds_of(sorted(set(arts.tolist())), 3, seed):
        test = np.isin(arts, list(fold))
        coef, bias = fit_ovr(X[~test], [gold[j] for j in np.flatnonzero(~test)])
        oof[test] = probs_ovr(X[test], coef, bias)
    return oof


def _global_threshold(oof: np.ndarray, gold: list[set[str]]) -> float:
    return float(max(THRESHOLD_GRID, key=lambda t: multilabel_micro_f1(decide(oof, t), gold).f1))


def tune_threshold(X: Any, gold: list[set[str]], arts: np.ndarray, seed: int) -> float:
    """Global decision threshold maximising micro-F1 on inner 3-fold out-of-fold scores."""
    return _global_threshold(_inner_oof(X, gold, arts, seed), gold)


def per_label_thresholds(oof: np.ndarray, gold: list[set[str]], start: float) -> np.ndarray:
    """One threshold per label maximising micro-F1 on out-of-fold scores: two rounds of
    coordinate ascent from the global ``start``. A label whose predictions only lower
    micro-F1 gets :data:`NEVER` (a label is worth predicting only when it is right more
    often than about half the micro-F1), which drops labels that are never right."""
    y = np.array([[label in g for label in S2023_LABELS] for g in gold])
    n_gold = int(y.sum())

    def micro(th: np.ndarray) -> float:
        hits = oof >= th
        total = int(hits.sum()) + n_gold
        return 2 * int((hits & y).sum()) / total if total else 0.0

    th = np.full(len(S2023_LABELS), start)
    for _ in range(2):
        for j in range(len(S2023_LABELS)):
            best, best_t = micro(th), th[j]
            for t in [*THRESHOLD_GRID, NEVER]:
                trial = th.copy()
                trial[j] = t
                if (f := micro(trial)) > best + 1e-9:
                    best, best_t = f, t
            th[j] = best_t
    return th


def tune_thresholds(
    X: Any, gold: list[set[str]], arts: np.ndarray, seed: int, per_label: bool = True
) -> np.ndarray:
    """One threshold per label from inner 3-fold out-of-fold scores: the best global one, then
    (``per_label``) :func:`per_label_thresholds` from there."""
    oof = _inner_oof(X, gold, arts, seed)
    start = _global_threshold(oof, gold)
    if not per_label:
        return np.full(len(S2023_LABELS), start)
    return per_label_thresholds(oof, gold, start)


def cv_paragraphs(
    s23: S2023,
    k: int = 5,
    seed: int = 13,
    log: Callable[[str], None] = print,
    dense_weight: float | None = PAR_DENSE_WEIGHT,
    groups: GroupBy = "topic",
    per_label: bool = PAR_PER_LABEL,
) -> tuple[PRF, FoldFigures]:
    """Paragraph-level micro P/R/F1 by k-fold CV over the 2023 articles, grouped by article
    (``groups="article"``: seeded random folds) or by topic (``"topic"``: :func:`topic_folds`,
    whole clusters of similar articles held out at once). The threshold is chosen inside each
    fold. Returns the pooled P/R/F1 and the micro-F1 of each fold."""
    ids = sorted(s23.articles)
    keys, gold, X = paragraph_matrix(s23, ids, dense_weight)
    arts = np.array([key[0] for key in keys])
    if groups == "article":
        folds = folds_of(ids, k, seed)
    elif dense_weight is not None:
        folds = topic_folds(np.asarray(X[:, F.DIMS :].todense()), arts, ids, k)
    else:
        _, _, with_dense = paragraph_matrix(s23, ids, 1.0)
        folds = topic_folds(np.asarray(with_dense[:, F.DIMS :].todense()), arts, ids, k)
    pred: list[set[str]] = [set() for _ in keys]
    per_fold = []
    for i, fold in enumerate(folds):
        test = np.isin(arts, list(fold))
        tr = np.flatnonzero(~test)
        thr = tune_thresholds(X[tr], [gold[j] for j in tr], arts[tr], seed, per_label)
        coef, bias = fit_ovr(X[tr], [gold[j] for j in tr])
        held = decide(probs_ovr(X[test], coef, bias), thr)
        for j, labels in zip(np.flatnonzero(test), held, strict=True):
            pred[j] = labels
        per_fold.append(multilabel_micro_f1(held, [gold[j] for j in np.flatnonzero(test)]).f1)
        log(
            f"paragraph fold {i + 1}/{k} ({len(fold)} articles): {per_fold[-1]:.4f} "
            f"({int((thr > 1).sum())} labels dropped)"
        )
    prf = multilabel_micro_f1(pred, gold)
    return prf, FoldFigures(prf.f1, tuple(per_fold))


def topic_folds(
    line_vectors: np.ndarray, arts: np.ndarray, ids: Sequence[str], k: int, seed: int = 0
) -> list[set[str]]:
    """``k`` folds that are topic clusters: k-means over each article's mean MiniLM line
    embedding (``line_vectors``, one row per line, ``arts`` its article). The articles scores
    are reported for cover later news events than the training articles (PTC's 2017-2018
    news), and random article folds hide that shift (5-fold CV 0.388 against 0.302 on the
    test set); holding out whole topics shows part of it."""
    from sklearn.cluster import KMeans

    means = np.stack([line_vectors[arts == a].mean(axis=0) for a in ids])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(means)
    return [{a for a, c in zip(ids, labels, strict=True) if c == i} for i in range(k)]


def fit_paragraphs(
    s23: S2023,
    out: Path,
    seed: int = 13,
    ids: Sequence[str] | None = None,
    dense_weight: float | None = PAR_DENSE_WEIGHT,
    per_label: bool = PAR_PER_LABEL,
) -> float:
    """Fit on ``ids`` (default: all articles); thresholds come from inner 3-fold CV
    (:func:`tune_thresholds`). Returns the median threshold of the labels kept."""
    ids = sorted(ids or s23.articles)
    keys, gold, X = paragraph_matrix(s23, ids, dense_weight)
    arts = np.array([key[0] for key in keys])
    thresholds = tune_thresholds(X, gold, arts, seed, per_label)
    kept = thresholds[thresholds <= 1]
    thr = float(np.median(kept)) if len(kept) else NEVER
    coef, bias = fit_ovr(X, gold)
    extra: dict[str, Any] = {}
    if dense_weight is not None:
        extra = {"dense_coef": coef[:, F.DIMS :], "dense_weight": np.float32(dense_weight)}
    np.savez_compressed(
        out,
        coef=coef[:, : F.DIMS].astype(np.float16),
        bias=bias,
        labels=np.array(S2023_LABELS),
        threshold=np.float32(thr),
        thresholds=thresholds.astype(np.float32),
        **extra,
    )
    return thr
