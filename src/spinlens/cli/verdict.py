"""``spinlens eval verdict`` and ``spinlens train verdict``: the style model, across datasets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from spinlens.analyzers.verdict.model import Array
from spinlens.cli.app import command, eval_app, train_app
from spinlens.errors import MissingDependencyError, OutputError
from spinlens.eval.verdict import (
    AMT,
    HORNE,
    CrossResult,
    Dataset,
    Featurized,
    cross,
    featurize,
    fit_shipped,
    load,
)
from spinlens.train.output import model_output

DEFAULT_DATA = Path("../shared/data")
MIN_PER_CLASS = 5  # 5-fold cross-validation picks the L2 penalty
EVAL_EXAMPLE = (
    "Examples: spinlens eval verdict --data ../shared/data · "
    "spinlens eval verdict --data ../shared/data --l2 10 · "
    "spinlens eval verdict --data ../shared/data --with-propaganda (minutes) · "
    "spinlens eval verdict --data ../shared/data --liar · "
    "spinlens eval verdict --data ../shared/data --false-alarms --sample 50 (minutes). "
    "Reads horne2017-fakenewsdata1/ and fakenews-amt-celebrity-perezrosas2018/ under --data."
)
TRAIN_EXAMPLE = (
    "Example: spinlens train verdict --data ../shared/data -o /tmp/style.json "
    "(without -o it writes <user data dir>/models/verdict/style.json, never the shipped one)."
)
SHORT = {HORNE: "Horne 2017", AMT: "FakeNewsAMT"}


def _progress(name: str) -> Callable[[Iterable[str]], Iterable[str]]:
    def show(texts: Iterable[str]) -> Iterable[str]:
        return track(texts, description=f"signals: {name}", console=Console(stderr=True))

    return show


def _featurize(
    data: Path, with_propaganda: bool = False
) -> tuple[list[Featurized], list[Array | None]]:
    """Both datasets' signal rates; with the propaganda analyzer, its reasons' weight too."""
    from spinlens.analyzers.propaganda import PropagandaAnalyzer  # loads its model: only here

    analyzer = PropagandaAnalyzer() if with_propaganda else None
    sets, evidence = [], []
    for name in (HORNE, AMT):
        dataset = _checked(load(data, name), data)
        names, matrix, extra = featurize(dataset.texts, _progress(name), analyzer)
        sets.append((dataset, names, matrix))
        evidence.append(extra)
    return sets, evidence


def _checked(dataset: Dataset, data: Path) -> Dataset:
    """A dataset with enough of each class for cross-validation, else a one-line error."""
    fake = sum(dataset.labels)
    real = len(dataset.labels) - fake
    if min(fake, real) < MIN_PER_CLASS:
        raise MissingDependencyError(
            f"dataset {dataset.name} under {data} has {fake} fake and {real} real articles; "
            f"need at least {MIN_PER_CLASS} of each (is --data the folder of the shared datasets?)"
        )
    return dataset


def _l2(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter("the L2 penalty must be a positive number", param_hint="--l2")
    return value


def _both_ways(
    sets: list[Featurized], l2: float | None, evidence: list[Array | None] | None = None
) -> list[CrossResult]:
    extra = evidence or [None, None]
    return [cross(sets[0], sets[1], l2, extra[1]), cross(sets[1], sets[0], l2, extra[0])]


def _print(results: list[CrossResult]) -> None:
    table = Table(title="verdict style model, cross-dataset (fake = positive class)")
    full = any(r.with_propaganda_auc is not None for r in results)
    columns = ("trained on", "tested on", "n", "ROC-AUC", "accuracy", "L2 (CV on train)")
    extra = ("verdict score ROC-AUC", *(("+ propaganda",) if full else ()))
    for column in (*columns, *extra):
        table.add_column(column)
    for r in results:
        train, test = SHORT.get(r.train, r.train), SHORT.get(r.test, r.test)
        capped = "-" if r.verdict_auc is None else f"{r.verdict_auc:.3f}"
        row = [str(r.n_test), f"{r.auc:.3f}", f"{r.accuracy:.3f}", f"{r.l2:g}", capped]
        if full:
            row.append("-" if r.with_propaganda_auc is None else f"{r.with_propaganda_auc:.3f}")
        table.add_row(train, test, *row)
    Console(width=110).print(table)
    typer.echo(
        "ROC-AUC: the fitted model's logit; verdict score: the analyzer's style-only score "
        "(contributions from absence, each side capped, docs/verdict.md)"
        + ("; + propaganda: that score plus the propaganda reasons." if full else ".")
    )


@command("verdict", parent=eval_app, epilog=EVAL_EXAMPLE)
def eval_verdict(
    data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder holding the shared datasets."),
    l2: float | None = typer.Option(
        None,
        "--l2",
        callback=_l2,
        help="L2 penalty, > 0 (default: chosen by cross-validation on the training set).",
    ),
    with_propaganda: bool = typer.Option(
        False,
        "--with-propaganda",
        help="Also run the propaganda analyzer and score style + its reasons (minutes).",
    ),
    liar: bool = typer.Option(
        False,
        "--liar",
        help="Instead, score the shipped style model on LIAR statements (never fitted on them).",
    ),
    false_alarms: bool = typer.Option(
        False,
        "--false-alarms",
        help="Instead, run the whole pipeline with every store filled (Snopes claims in the "
        "fact-check database, every article in the provenance index) and print the share of "
        "genuine articles labelled unreliable and of fake ones caught.",
    ),
    sample: int = typer.Option(
        0,
        "--sample",
        min=0,
        help="With --false-alarms: this many genuine and this many fake articles per dataset "
        "(seeded; 0 = all 1,231, about 20-30 CPU minutes).",
    ),
    work: Path | None = typer.Option(
        None,
        "--work",
        help="With --false-alarms: keep the filled stores here (reused by the next run) "
        "instead of a temporary folder.",
    ),
) -> None:
    """Fit on Horne 2017, test on FakeNewsAMT, and the reverse; print ROC-AUC and accuracy."""
    if liar:
        _eval_liar(data)
        return
    if false_alarms:
        _eval_false_alarms(data, sample, work)
        return
    sets, evidence = _featurize(data, with_propaganda)
    _print(_both_ways(sets, l2, evidence))


def _eval_false_alarms(data: Path, sample: int, work: Path | None) -> None:
    """Verdict labels with every store filled (``spinlens.eval.false_alarms``)."""
    import tempfile

    from spinlens.eval.false_alarms import false_alarms

    def show(rows: Iterable[tuple[str, str, int]]) -> Iterable[tuple[str, str, int]]:
        return track(list(rows), description="verdicts", console=Console(stderr=True))

    with tempfile.TemporaryDirectory() as tmp:
        folder = work or Path(tmp)
        typer.echo(f"filling the stores in {folder} (minutes on the first run)", err=True)
        results = false_alarms(data, folder, sample, show)
    scope = f"{sample} genuine + {sample} fake per dataset" if sample else "all articles"
    typer.echo(f"verdict with every store filled ({scope}; target: <= 5% genuine unreliable)")
    for figures in results:
        typer.echo("  " + figures.line())


def _eval_liar(data: Path) -> None:
    """Print ``spinlens.eval.liar``'s figures as a table."""
    from spinlens.eval.liar import evaluate_liar

    name, figures = evaluate_liar(data, _progress)
    table = Table(title=f"shipped verdict style model ({name}) on LIAR")
    for column in ("split", "n", "false / true", "ROC-AUC", "verdict score ROC-AUC"):
        table.add_column(column)
    for row in figures:
        table.add_row(
            row.split,
            str(row.n),
            f"{row.fake} / {row.n - row.fake}",
            f"{row.style_auc:.3f}",
            f"{row.verdict_auc:.3f}",
        )
    Console(width=110).print(table)
    typer.echo(
        "fake = false or pants-fire, real = true or mostly-true; the other labels are left out."
    )


@command("verdict", parent=train_app, epilog=TRAIN_EXAMPLE)
def train_verdict(
    data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder holding the shared datasets."),
    l2: float | None = typer.Option(
        None,
        "--l2",
        callback=_l2,
        help="L2 penalty, > 0 (default: chosen by cross-validation on the training set).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Where to write style.json (default: <user data dir>/models/verdict/style.json).",
    ),
) -> None:
    """Fit the shipped style model on both datasets; record the cross-dataset figures in it."""
    target = output or model_output("verdict") / "style.json"
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: no such folder")
    sets, _ = _featurize(data)
    results = _both_ways(sets, l2)
    _print(results)
    model = fit_shipped(sets, l2, results)
    try:
        target.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {target}")
