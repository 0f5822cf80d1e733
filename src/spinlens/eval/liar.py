"""The shipped verdict style model scored on LIAR statements (``spinlens eval verdict --liar``).

LIAR holds one-sentence political statements, not articles, so this checks how far the
article-level style signals carry, not a target (docs/verdict.md).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from spinlens.errors import MissingDependencyError

LIAR = "liar"
LIAR_LABELS = {"false": 1, "pants-fire": 1, "true": 0, "mostly-true": 0}
MIN_PER_CLASS = 5  # fewer rated statements of a class give no meaningful ROC-AUC

Progress = Callable[[str], Callable[[Iterable[str]], Iterable[str]]]


@dataclass(frozen=True, slots=True)
class LiarFigures:
    """One split's figures: the style logit's ROC-AUC and the capped verdict score's."""

    split: str
    n: int
    fake: int
    style_auc: float
    verdict_auc: float


def read_split(path: Path) -> tuple[list[str], list[int]]:
    """LIAR statements rated false/pants-fire (1) or true/mostly-true (0); the rest left out."""
    texts, labels = [], []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > 2 and row[1] in LIAR_LABELS and row[2].strip():
                texts.append(row[2])
                labels.append(LIAR_LABELS[row[1]])
    return texts, labels


def liar_splits(data: Path) -> list[Path]:
    """The ``liar/*.tsv`` splits under ``data``; a one-line error naming the dataset if none."""
    root = data / LIAR
    splits = sorted(root.glob("*.tsv")) if root.is_dir() else []
    if not splits:
        raise MissingDependencyError(
            f"dataset {LIAR} (train/valid/test .tsv) not found under {data}"
        )
    return splits


def evaluate_liar(data: Path, progress: Progress) -> tuple[str, list[LiarFigures]]:
    """The shipped model's name and its figures on every LIAR split under ``data``."""
    from spinlens.analyzers.verdict import load_calibration, style_logit
    from spinlens.analyzers.verdict.model import roc_auc
    from spinlens.eval.verdict import rates, score

    splits = liar_splits(data)
    model, weights = load_calibration()
    figures = []
    for split in splits:
        texts, labels = read_split(split)
        if min(sum(labels), len(labels) - sum(labels)) < MIN_PER_CLASS:
            raise MissingDependencyError(f"{split}: too few rated statements for a ROC-AUC")
        names, matrix = rates(texts, progress(split.stem))
        logits = score(model, names, matrix)
        capped = [style_logit(model, dict(zip(names, row, strict=True)), weights) for row in matrix]
        figures.append(
            LiarFigures(
                split.stem,
                len(labels),
                sum(labels),
                roc_auc(logits, labels),
                roc_auc(capped, labels),
            )
        )
    return str(model.meta.get("name")), figures
