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

from spinlens.analyzers.verdict.model import Array, StyleModel, fit, roc_auc
from spinlens.analyzers.verdict.signals import signals
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
)
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
    for sub, label in pairs:
        for path in sorted((root / sub).glob("*.txt")):
            text = _read(path).strip()
            if text:
                yield text, label


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
    matrix = []
    for text in progress(texts):
        found = {s.name: s.value for s in signals(Document.from_text(text, language="en"), {})}
        matrix.append([found[name] for name in MODEL_FEATURES])
    return list(MODEL_FEATURES), np.asarray(matrix, dtype=np.float64)


@dataclass(frozen=True)
class CrossResult:
    train: str
    test: str
    auc: float
    accuracy: float
    n_test: int


def score(model: StyleModel, names: Sequence[str], matrix: Array) -> Array:
    return np.asarray([model.logit(dict(zip(names, row, strict=True))) for row in matrix])


def cross(
    a: tuple[Dataset, list[str], Array], b: tuple[Dataset, list[str], Array], l2: float
) -> CrossResult:
    """Fit on ``a``, score ``b``: ROC-AUC and accuracy at the fitted 0.5 probability."""
    (train, names, x_train), (test, _, x_test) = a, b
    model = fit(names, x_train, np.asarray(train.labels, dtype=np.float64), l2=l2)
    logits = score(model, names, x_test)
    y = np.asarray(test.labels)
    accuracy = float(((logits > 0).astype(int) == y).mean())
    return CrossResult(train.name, test.name, roc_auc(logits, test.labels), accuracy, len(y))


Featurized = tuple[Dataset, list[str], Array]


def fit_shipped(
    sets: Sequence[Featurized], l2: float, cross_results: Sequence[CrossResult]
) -> StyleModel:
    """The shipped model: fitted on every dataset together, with the cross-dataset figures."""
    names = sets[0][1]
    x = np.vstack([m for _, _, m in sets])
    y = np.concatenate([np.asarray(d.labels, dtype=np.float64) for d, _, _ in sets])
    model = fit(names, x, y, l2=l2)
    meta = {
        "name": "verdict-style-1",
        "trained_on": {d.name: len(d.labels) for d, _, _ in sets},
        "l2": l2,
        "cross_dataset": [
            {
                "train": r.train,
                "test": r.test,
                "roc_auc": round(r.auc, 4),
                "accuracy": round(r.accuracy, 4),
                "n_test": r.n_test,
            }
            for r in cross_results
        ],
    }
    return StyleModel(model.features, model.mean, model.scale, model.weights, model.bias, meta)
