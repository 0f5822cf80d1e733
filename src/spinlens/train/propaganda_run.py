"""``spinlens train propaganda`` as a library call: tagger, export, decoding, linear models.

The CLI parses options into a :class:`TrainPlan` and calls :func:`train_propaganda`; the
steps and their order (every input read before training starts, so a wrong folder fails at
once) live here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from spinlens.errors import InputError, MissingDependencyError
from spinlens.train.output import model_output

MODEL = "propaganda"
TAGGER_FILES = ("model.onnx", "tokenizer.json", "card.json")


@dataclass(frozen=True)
class TrainPlan:
    """What ``spinlens train propaganda`` was asked to do."""

    data: Path
    semeval2023: Path | None = None
    work: Path = Path("propaganda-train")
    out: Path | None = None  # default: <user data dir>/models/propaganda
    epochs: int = 3
    init: Path | None = None
    lr: float = 5e-5
    head_lr: float = 1e-3
    shuffle_seed: int = 0
    threads: int = 2
    skip_tagger: bool = False


def linear_trainer() -> ModuleType:
    """The module fitting the shipped linear models (needs the ``train`` extra)."""
    try:
        from spinlens.train import propaganda_linear
    except ImportError as exc:
        raise MissingDependencyError(
            f"this needs the 'train' extra (pip install 'spinlens[train]'): {exc}"
        ) from None
    return propaganda_linear


def train_propaganda(plan: TrainPlan, log: Callable[[str], None]) -> Path:
    """Run every step of ``plan``; returns the folder the model was written to."""
    from spinlens.eval.propaganda_data import load_ptc, load_semeval2023

    try:
        from spinlens.train import propaganda as tagger
        from spinlens.train import propaganda_export
    except ImportError as exc:
        raise MissingDependencyError(f"this needs the 'train' extra: {exc}") from None
    linear = linear_trainer()
    ptc = load_ptc(plan.data)
    s23 = load_semeval2023(plan.semeval2023) if plan.semeval2023 is not None else None
    if not plan.skip_tagger and plan.init is not None and not plan.init.is_file():
        raise InputError(f"{plan.init}: no such checkpoint")
    target = model_output(MODEL, plan.out)
    if plan.skip_tagger:
        _with_shipped_tagger(target)
    else:
        config = tagger.TrainConfig(
            epochs=plan.epochs,
            lr=plan.lr,
            head_lr=plan.head_lr,
            threads=plan.threads,
            init=str(plan.init) if plan.init else None,
            shuffle_seed=plan.shuffle_seed,
        )
        best = tagger.train(plan.data, plan.work, config, log=log)
        checks = propaganda_export.export(best, target, tagger.card_for(plan.work))
        log(f"exported {target / 'model.onnx'}: {checks}")
        chosen = propaganda_export.tune_decoding(target, plan.data)
        log(f"decoding chosen on held-out train articles: {chosen}")
    linear.fit_tc(ptc, target / "span_classifier.npz")
    log(f"wrote {target / 'span_classifier.npz'}")
    if s23 is not None:
        threshold = linear.fit_paragraphs(s23, target / "paragraphs.npz")
        log(f"wrote {target / 'paragraphs.npz'} (threshold {threshold:.3f})")
    return target


def _with_shipped_tagger(target: Path) -> None:
    """Refitting only the linear models: a new folder gets the shipped tagger next to them,
    so it is a complete model the analyzer can load."""
    from spinlens.models.runtime import model_dir

    shipped = model_dir(MODEL)
    if target.resolve() == shipped.resolve():
        return
    for name in TAGGER_FILES:
        if not (target / name).exists() and (shipped / name).exists():
            shutil.copy2(shipped / name, target / name)
