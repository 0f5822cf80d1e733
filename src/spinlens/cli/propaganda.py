"""``spinlens propaganda predict``, ``spinlens eval propaganda``, ``spinlens train propaganda``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer
from rich.progress import Progress

from spinlens.cli.app import app, command, eval_app, train_app
from spinlens.errors import (
    PARTIAL_FAILURE_EXIT,
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
    from spinlens.eval.propaganda_predict import articles, load_predictor, predict_articles

    paths = articles(folder)
    predictor, warnings = load_predictor(fmt.value, threshold, lexicon)
    for warning in warnings:
        _note(f"spinlens: warning: {warning}")
    max_bytes = State.settings().limits.max_bytes
    skipped = 0
    results = predict_articles(predictor, paths, max_bytes)
    for lines, error in _progress(results, len(paths), "articles"):
        if error is not None:
            skipped += 1
            _note(f"spinlens: skipped: {error} [{error.code}]")
        sys.stdout.writelines(lines)
    if skipped:
        _note(f"spinlens: {skipped} of {len(paths)} articles skipped")
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


EVAL_HELP = (
    "Print SI P/R/F1 on the 75 PTC dev articles and TC micro-F1 by k-fold CV on train.\n\n"
    "SI: the official partial-overlap scorer (overlapping spans merged) against the dev gold "
    "boundaries of dev-task-TC-template.out, model spans only unless --lexicon. TC: the span "
    "classifier on train's gold spans, cross-validated by article (about 15 minutes on 2 "
    "cores; --no-tc skips it). --semeval2023 adds the paragraph micro-F1 by cross-validation "
    "over its 446 articles, folds grouped by topic. Each figure comes with its spread over "
    "groups of articles and the figure to expect on unseen articles.\n\n"
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
    paragraph_groups: str = typer.Option(
        "topic",
        "--paragraph-groups",
        help="Paragraph CV folds: 'topic' (clusters of similar articles held out together: "
        "predicts new articles) or 'article' (random articles: optimistic).",
    ),
) -> None:
    """Print SI P/R/F1 on the 75 PTC dev articles and TC micro-F1 by k-fold CV on train."""
    from spinlens.eval.propaganda import EvalPlan, evaluate_propaganda

    if paragraph_groups not in ("topic", "article"):
        raise typer.BadParameter("must be 'topic' or 'article'", param_hint="--paragraph-groups")
    plan = EvalPlan(
        data,
        semeval2023,
        folds,
        limit,
        threshold,
        lexicon,
        tc,
        "topic" if paragraph_groups == "topic" else "article",
    )
    for line in evaluate_propaganda(plan, lambda ids, n: _progress(ids, n, "dev"), _note):
        typer.echo(line)


def _note(message: str) -> None:
    typer.echo(message, err=True)


TRAIN_HELP = (
    "Fine-tune the token tagger (seeded), export int8 ONNX, fit the span and paragraph "
    "models.\n\n"
    "Writes to --out (default: models/propaganda in the user data folder, never the "
    "installed package; use it with --set analyzers.propaganda.model_dir=FOLDER). 3 epochs take "
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
        help="Where to write the model (default: models/propaganda in the user data folder).",
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
    from spinlens.train.propaganda_run import TrainPlan, train_propaganda

    plan = TrainPlan(
        data, semeval2023, work, out, epochs, init, lr, head_lr, shuffle_seed, threads, skip_tagger
    )
    target = train_propaganda(plan, _note)
    _note(f"use it with: --set analyzers.propaganda.model_dir={target}")
