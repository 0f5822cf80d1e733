"""``spinlens batch``: analyse a corpus with progress, resume and a side file of bad records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from spinlens.batch import Job, Plan, Progress, Summary, run_local
from spinlens.batch.output import errors_path
from spinlens.cli.app import State, command
from spinlens.errors import PARTIAL_FAILURE_EXIT, ConfigError
from spinlens.pipeline import select_analyzers


class RateColumn(ProgressColumn):
    """Articles per second (rich has no such column for plain counts)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} art/s" if speed else "- art/s", style="progress.data.speed")


class BarProgress(Progress):
    """The batch progress hook drawn with rich on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.bar = RichProgress(
            SpinnerColumn(),
            TextColumn("analysing"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
        )
        self.task_id = self.bar.add_task("batch", total=None)

    def start(self, total: int | None) -> None:
        self.bar.update(self.task_id, total=total)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task_id, n)


@command("batch")
def batch(
    inputs: list[str] = typer.Argument(
        ...,
        help="JSONL, CSV/TSV or JSON files, directories of articles, or '-' for JSONL on stdin.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Reports, one JSON per line (appended)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Worker processes."),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or spark."),
    master: str = typer.Option(
        "local[*]", "--master", help="Spark master URL (with --engine spark)."
    ),
    out_format: str = typer.Option(
        "jsonl", "--out-format", help="Spark output: jsonl or parquet (a folder of part files)."
    ),
    errors: Path | None = typer.Option(
        None, "--errors", help="Side file for bad records (default: OUT.errors.jsonl)."
    ),
    only: list[str] = typer.Option([], "--only", help="Run only these analyzers (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="Do not run these analyzers (repeatable)."),
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="Show a progress bar on stderr."
    ),
) -> None:
    """Analyse many articles; rerun with the same OUT to resume where a run stopped.

    Records already in OUT (by document id) are skipped; bad records are written to the
    side file and skipped, and the exit code is 8 when there were any.
    """
    settings = State.settings()
    names = select_analyzers(only or settings.only, [*settings.skip, *skip])
    job = Job(
        sources=tuple(inputs),
        out=out,
        errors=errors or errors_path(out),
        plan=Plan.of(names, settings),
        workers=workers,
        max_bytes=settings.limits.max_bytes,
    )
    if engine == "local":
        reporter = BarProgress(progress and sys.stderr.isatty())
        with reporter.bar:
            summary = run_local(job, reporter)
    elif engine == "spark":
        from spinlens.batch.spark import run_spark

        summary = run_spark(job, master=master, out_format=out_format)
    else:
        raise ConfigError(f"unknown engine '{engine}' (choose local or spark)")
    _print_summary(summary, job)
    if summary.bad:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


def _print_summary(summary: Summary, job: Job) -> None:
    parts: list[Any] = [f"{summary.written} written"]
    if summary.already_done:
        parts.append(f"{summary.already_done} already in {job.out}")
    if summary.duplicates:
        parts.append(f"{summary.duplicates} duplicate ids skipped")
    if summary.bad:
        parts.append(f"{summary.bad} bad (see {job.errors})")
    rate = f"{summary.rate:.1f} articles/s" if summary.written else "no new articles"
    sys.stderr.write(f"spinlens batch: {', '.join(parts)}; {summary.seconds:.1f} s, {rate}\n")
