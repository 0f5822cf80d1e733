"""``spinlens propaganda predict``, ``spinlens eval propaganda``, ``spinlens train propaganda``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.progress import Progress

from spinlens.analyzers.propaganda import NO_SPAN_CLASSIFIER
from spinlens.analyzers.propaganda.detect import detect
from spinlens.analyzers.propaganda.model import load_bundle
from spinlens.analyzers.propaganda.paragraphs import paragraph_labels
from spinlens.cli.app import app, command, eval_app, train_app
from spinlens.errors import (
    PARTIAL_FAILURE_EXIT,
    InputError,
    MissingDependencyError,
    OutputError,
)

propaganda_app = typer.Typer(
    help="Propaganda techniques: predict spans for a folder of articles.", no_args_is_help=True
)
app.add_typer(propaganda_app, name="propaganda")

T = TypeVar("T")


class Format(StrEnum):
    ptc = "ptc"
    paragraphs = "semeval2023-paragraphs"


def _progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A rich progress bar on stderr (stdout carries the results)."""
    from rich.console import Console

    with Progress(
        console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()
    ) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


def _threshold(value: float | None) -> float | None:
    if value is not None and not 0.0 < value < 1.0:  # also rejects nan
        raise typer.BadParameter(f"must be between 0 and 1 (exclusive), not {value}")
    return value


PREDICT_HELP = (
    "Print technique predictions for every article<ID>.txt in FOLDER (in order of ID).\n\n"
    "[b]--format ptc[/b]: one line per span, ID<TAB>technique<TAB>start<TAB>end, with the 14 "
    "PTC-2020 techniques; start and end (exclusive) count characters of the file as read "
    "(UTF-8, nothing normalised: a byte-order mark is one character, CRLF two). A span with "
    "two techniques prints twice.\n\n"
    "[b]--format semeval2023-paragraphs[/b]: ID<TAB>line<TAB>label,label,... for every "
    "non-empty line, numbered by its 1-based line number in the file as in the SemEval-2023 "
    "label files, with the 23 SemEval-2023 techniques; the label list may be empty.\n\n"
    "Articles that are unreadable, empty, binary, not UTF-8 or larger than limits.max_bytes "
    "are reported on stderr and skipped, and the exit code is then 8.\n\n"
    "Example: spinlens propaganda predict ../shared/data/ptc-semeval2020-task11/dev-articles "
    "--format ptc > dev.out"
)


@command("predict", parent=propaganda_app, help=PREDICT_HELP)
def predict(
    folder: Path = typer.Argument(..., help="Folder of article<ID>.txt files (UTF-8)."),
    fmt: Format = typer.Option(
        Format.ptc,
        "--format",
        help="ptc: ID, technique, start, end per span; "
        "semeval2023-paragraphs: ID, line number, labels per non-empty line.",
    ),
    threshold: float | None = typer.Option(
        None,
        callback=_threshold,
        help="Span probability threshold in (0, 1) (default: the model's, chosen on held-out "
        "data). Lower finds more spans.",
    ),
    lexicon: bool = typer.Option(True, help="Add the epithet lexicon's spans (ptc format)."),
) -> None:
    """Print technique predictions for every article<ID>.txt in FOLDER, one line each."""
    from spinlens.cli.app import State
    from spinlens.eval.propaganda_data import article_paths, read_article

    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    paths = article_paths(folder)
    if not paths:
        raise InputError(f"no article<ID>.txt files in {folder}")
    max_bytes = State.settings().limits.max_bytes
    bundle = load_bundle()
    if fmt is Format.ptc and bundle.tagger is None:
        if not lexicon:
            raise MissingDependencyError("the propaganda model is not installed")
        _note("spinlens: warning: the propaganda model is not installed: only the lexicon runs")
    if fmt is Format.ptc and bundle.tagger is not None and bundle.span_classifier is None:
        _note(f"spinlens: warning: {NO_SPAN_CLASSIFIER}")
    if fmt is Format.paragraphs and bundle.paragraph_classifier is None:
        raise MissingDependencyError("the SemEval-2023 paragraph model is not installed")
    out = sys.stdout
    skipped = 0
    for art, path in _progress(paths, len(paths), "articles"):
        try:
            text = read_article(path, max_bytes)
        except InputError as exc:
            skipped += 1
            _note(f"spinlens: skipped: {exc} [{exc.code}]")
            continue
        if fmt is Format.ptc:
            for d in detect(bundle, text, threshold, use_lexicon=lexicon):
                out.write(f"{art}\t{d.technique}\t{d.start}\t{d.end}\n")
        else:
            assert bundle.paragraph_classifier is not None
            for number, _, _, labels in paragraph_labels(bundle.paragraph_classifier, text):
                out.write(f"{art}\t{number}\t{','.join(labels)}\n")
    if skipped:
        _note(f"spinlens: {skipped} of {len(paths)} articles skipped")
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


EVAL_HELP = (
    "Print SI P/R/F1 on the 75 PTC dev articles and TC micro-F1 by k-fold CV on train.\n\n"
    "SI: the official partial-overlap scorer (overlapping spans merged) against the dev gold "
    "boundaries of dev-task-TC-template.out, model spans only unless --lexicon. TC: the span "
    "classifier on train's gold spans, cross-validated by article (about 15 minutes on 2 "
    "cores; --no-tc skips it). --semeval2023 adds the paragraph micro-F1 by cross-validation "
    "over its 446 articles.\n\n"
    "Example (SI only, 30 s): spinlens eval propaganda --data "
    "../shared/data/ptc-semeval2020-task11 --no-tc"
)


@command("propaganda", parent=eval_app, help=EVAL_HELP)
def evaluate(
    data: Path = typer.Option(..., "--data", help="The ptc-semeval2020-task11 folder."),
    semeval2023: Path | None = typer.Option(
        None,
        "--semeval2023",
        help="The semeval2023-task3-en folder: also print paragraph micro-F1.",
    ),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds for TC and paragraphs."),
    limit: int | None = typer.Option(
        None, min=1, help="Only the first N dev articles, sorted by ID (SI; a quick check)."
    ),
    threshold: float | None = typer.Option(
        None,
        callback=_threshold,
        help="Span probability threshold in (0, 1) (default: the model's, chosen on held-out "
        "data).",
    ),
    lexicon: bool = typer.Option(False, help="Include the lexicon's spans in SI."),
    tc: bool = typer.Option(True, help="Run the TC cross-validation (needs scikit-learn)."),
) -> None:
    """Print SI P/R/F1 on the 75 PTC dev articles and TC micro-F1 by k-fold CV on train."""
    from spinlens.eval.propaganda import eval_si
    from spinlens.eval.propaganda_data import load_ptc, load_semeval2023

    ptc = load_ptc(data)
    # read every input before the long runs start, so a wrong folder fails at once
    s23 = load_semeval2023(semeval2023) if semeval2023 is not None else None
    small = _small_models() if tc or s23 is not None else None
    bundle = load_bundle()
    if bundle.tagger is None:
        raise MissingDependencyError("the propaganda model is not installed")
    n = min(limit or len(ptc.dev), len(ptc.dev))
    si = eval_si(bundle, ptc, limit, threshold, lexicon, lambda ids: _progress(ids, n, "dev"))
    p = si.prf
    typer.echo(
        f"SI dev ({si.articles} articles, {p.n_pred} predicted / {p.n_gold} gold spans): "
        f"P {p.precision:.4f} R {p.recall:.4f} F1 {p.f1:.4f}"
    )
    if small is not None and tc:
        f1 = small.cv_tc(ptc, folds, log=_note)
        typer.echo(f"TC micro-F1 ({folds}-fold CV on train, gold spans): {f1:.4f}")
    if small is not None and s23 is not None:
        prf = small.cv_paragraphs(s23, folds, log=_note)
        typer.echo(
            f"SemEval-2023 paragraphs ({folds}-fold CV): "
            f"P {prf.precision:.4f} R {prf.recall:.4f} micro-F1 {prf.f1:.4f}"
        )


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _small_models() -> Any:
    try:
        from spinlens.train import propaganda_small
    except ImportError as exc:
        raise MissingDependencyError(
            f"this needs the 'train' extra (pip install 'spinlens[train]'): {exc}"
        ) from None
    return propaganda_small


TRAIN_HELP = (
    "Fine-tune the token tagger (seeded), export int8 ONNX, fit the span and paragraph "
    "models.\n\n"
    "Writes into the package's models/data/propaganda unless --out is given. 3 epochs take "
    "about 25-90 minutes on 2 cores; --skip-tagger refits only the small linear models "
    "(minutes). Needs the 'train' extra. The shipped model is a 3-epoch run continued for 2 "
    "more epochs (docs/propaganda.md).\n\n"
    "Example: spinlens train propaganda --data ../shared/data/ptc-semeval2020-task11 "
    "--semeval2023 ../shared/data/semeval2023-task3-en --work /tmp/prop-train --out /tmp/prop-model"
)


@command("propaganda", parent=train_app, help=TRAIN_HELP)
def train(
    data: Path = typer.Option(..., "--data", help="The ptc-semeval2020-task11 folder."),
    semeval2023: Path | None = typer.Option(
        None, "--semeval2023", help="The semeval2023-task3-en folder (paragraph model)."
    ),
    work: Path = typer.Option(Path("propaganda-train"), help="Folder for checkpoints and logs."),
    out: Path | None = typer.Option(
        None,
        help="Where to write the shipped model (default: the package's models/data/propaganda).",
    ),
    epochs: int = typer.Option(3, min=1, help="Epochs of the token tagger."),
    init: Path | None = typer.Option(
        None, "--init", help="Continue training from this checkpoint (an epoch<N>.pt)."
    ),
    lr: float = typer.Option(5e-5, "--lr", help="Encoder learning rate (2e-5 to continue)."),
    head_lr: float = typer.Option(1e-3, "--head-lr", help="Output head learning rate."),
    shuffle_seed: int = typer.Option(
        0, "--shuffle-seed", help="Offset of the per-epoch shuffles (new orders when continuing)."
    ),
    threads: int = typer.Option(2, "--threads", min=1, help="torch threads."),
    skip_tagger: bool = typer.Option(False, help="Only refit the small linear models."),
) -> None:
    """Fine-tune the token tagger (seeded), export int8 ONNX, fit the span and paragraph models."""
    from spinlens.eval.propaganda_data import load_ptc, load_semeval2023

    try:
        from spinlens.train import propaganda as tagger
        from spinlens.train import propaganda_export
    except ImportError as exc:
        raise MissingDependencyError(f"this needs the 'train' extra: {exc}") from None
    small = _small_models()
    from spinlens.models.runtime import model_dir

    ptc = load_ptc(data)
    # read every input before training starts, so a wrong folder fails at once
    s23 = load_semeval2023(semeval2023) if semeval2023 is not None else None
    if not skip_tagger and init is not None and not init.is_file():
        raise InputError(f"{init}: no such checkpoint")
    target = out or model_dir("propaganda")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the model there ({exc.strerror})") from None
    if not skip_tagger:
        config = tagger.TrainConfig(
            epochs=epochs,
            lr=lr,
            head_lr=head_lr,
            threads=threads,
            init=str(init) if init else None,
            shuffle_seed=shuffle_seed,
        )
        best = tagger.train(data, work, config, log=_note)
        checks = propaganda_export.export(best, target, tagger.card_for(work))
        _note(f"exported {target / 'model.onnx'}: {checks}")
        chosen = propaganda_export.tune_decoding(target, data)
        _note(f"decoding chosen on held-out train articles: {chosen}")
    small.fit_tc(ptc, target / "span_classifier.npz")
    _note(f"wrote {target / 'span_classifier.npz'}")
    if s23 is not None:
        thr = small.fit_paragraphs(s23, target / "paragraphs.npz")
        _note(f"wrote {target / 'paragraphs.npz'} (threshold {thr:.3f})")
