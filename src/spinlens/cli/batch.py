"""``spinlens batch``: analyse a corpus with progress, resume and a side file of bad records."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

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

from spinlens.batch import Progress
from spinlens.batch.jobs import check_options, make_job, run_job, summary_line
from spinlens.batch.output import errors_path
from spinlens.cli.app import State, command
from spinlens.cli.signals import interrupt_on_sigterm
from spinlens.errors import PARTIAL_FAILURE_EXIT
from spinlens.pipeline import select_analyzers

INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report a Ctrl-C

EXAMPLES = """Examples:

  spinlens batch corpus.jsonl --out reports.jsonl --workers 2

  spinlens batch articles/ news.csv --out reports.jsonl --only propaganda --only claims

  spinlens batch corpus.jsonl --out reports/ --engine spark --master 'local[2]' --out-format parquet

Rerun the same command after a crash or Ctrl-C: ids already in OUT are skipped."""


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


class LineProgress(Progress):
    """Progress without a terminal (nohup, a log file, CI): one line every ``every`` seconds."""

    def __init__(self, every: float = 30.0, stream: TextIO | None = None) -> None:
        self.every = every
        self.stream = stream or sys.stderr
        self.total: int | None = None
        self.done = 0
        self.began = self.last = time.monotonic()

    def start(self, total: int | None) -> None:
        self.total = total
        self.began = self.last = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = now - self.began
        rate = self.done / elapsed if elapsed > 0 else 0.0
        parts = [f"{self.done:,}"]
        if self.total:
            parts = [f"{self.done:,}/{self.total:,} ({100 * self.done / self.total:.0f}%)"]
        parts += [f"{rate:.1f} articles/s", f"elapsed {_clock(elapsed)}"]
        if self.total and rate > 0:
            parts.append(f"ETA {_clock(max(self.total - self.done, 0) / rate)}")
        return "spinlens batch: " + ", ".join(parts)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


@command("batch", epilog=EXAMPLES)
def batch(
    inputs: list[str] = typer.Argument(
        ...,
        help="JSONL, CSV/TSV or JSON files, directories of articles, or '-' for JSONL on stdin.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Reports, one JSON per line (appended)."),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        max=64,
        help="Worker processes, each loading its own models (~0.5 GB) with one inference "
        "thread; 1 runs here, with every core for inference.",
    ),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or spark."),
    master: str | None = typer.Option(
        None, "--master", help="Spark master URL (with --engine spark). Default: local[*]."
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
        True,
        "--progress/--no-progress",
        help="Progress on stderr: a bar with rate and ETA on a terminal, else a line every 30 s.",
    ),
) -> None:
    """Analyse many articles; rerun with the same OUT to resume where a run stopped.

    Records already in OUT (by document id) are skipped; bad records are written to the
    side file and skipped, and the exit code is 8 when there were any.
    """
    side = errors or errors_path(out)
    check_options(
        inputs, out, side, engine=engine, master=master, out_format=out_format, workers=workers
    )
    settings = State.settings()
    names = select_analyzers(only or settings.only, [*settings.skip, *skip])
    job = make_job(inputs, out, side, names, settings, workers=workers)
    with interrupt_on_sigterm(sigint=False):
        if engine == "local" and progress and not sys.stderr.isatty():
            summary = run_job(job, progress=LineProgress())
        elif engine == "local":
            reporter = BarProgress(progress)
            with reporter.bar:
                summary = run_job(job, progress=reporter)
        else:
            summary = run_job(job, engine=engine, master=master, out_format=out_format)
    sys.stderr.write(summary_line(summary, job) + "\n")
    if summary.interrupted:
        sys.stderr.write("spinlens batch: interrupted; rerun the same command to resume\n")
        raise typer.Exit(INTERRUPTED_EXIT)
    if summary.bad:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)
