"""A batch job from the user's options: checked before any model loads, run on its engine,
summed up in one line. ``spinlens batch`` parses options and calls these; so can any caller."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spinlens.batch.engine import Job, Progress, Summary
from spinlens.batch.local import run_local
from spinlens.batch.work import Plan
from spinlens.config import Settings
from spinlens.errors import ConfigError, EmptyInputError, InputError, OutputError

ENGINES = ("local", "spark")
OUT_FORMATS = ("jsonl", "parquet")


def check_options(
    inputs: Sequence[str],
    out: Path,
    errors: Path,
    *,
    engine: str = "local",
    master: str | None = None,
    out_format: str = "jsonl",
    workers: int = 1,
) -> None:
    """Mistakes in the options fail at once, with one line, before any model loads."""
    if errors.resolve() == out.resolve():
        raise ConfigError(f"--errors must differ from --out ({out}): it is rewritten each run")
    if errors.is_dir():
        raise OutputError(f"--errors {errors} is a directory; give a file")
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine '{engine}' (choose local or spark)")
    if out_format not in OUT_FORMATS:
        raise ConfigError(f"unknown output format '{out_format}' (choose jsonl or parquet)")
    if engine == "spark":
        _check_spark(out, errors, workers)
    else:
        _check_local(out, master, out_format)
    for source in inputs:
        if source != "-" and not Path(source).exists():
            raise InputError(f"{source}: no such file or directory")
        if source != "-" and Path(source).resolve() in (out.resolve(), errors.resolve()):
            raise ConfigError(f"{source} is an input; --out and --errors must be other files")


def make_job(
    inputs: Sequence[str], out: Path, errors: Path, names: list[str], settings: Settings, *,
    workers: int = 1,
) -> Job:  # fmt: skip
    """The job the engines run: inputs, outputs, analyzers and the read limit."""
    return Job(
        sources=tuple(inputs),
        out=out,
        errors=errors,
        plan=Plan.of(names, settings),
        workers=workers,
        max_bytes=settings.limits.max_bytes,
    )


def run_job(
    job: Job,
    *,
    engine: str = "local",
    master: str | None = None,
    out_format: str = "jsonl",
    progress: Progress | None = None,
) -> Summary:
    """Run ``job`` on its engine; a run that found nothing at all is an input error."""
    if engine == "spark":
        from spinlens.batch.spark import run_spark

        summary = run_spark(job, master=master or "local[*]", out_format=out_format)
    else:
        summary = run_local(job, progress)
    nothing = not (summary.written or summary.bad or summary.already_done or summary.duplicates)
    if nothing and not summary.interrupted:
        named = ", ".join("<stdin>" if source == "-" else source for source in job.sources)
        raise EmptyInputError(f"no articles found in {named}")
    return summary


def summary_line(summary: Summary, job: Job) -> str:
    """``spinlens batch: 3 written, 1 bad (see OUT.errors.jsonl); 2.0 s, 1.5 articles/s``."""
    parts = [f"{summary.written} written"]
    if summary.already_done:
        parts.append(f"{summary.already_done} already in {job.out}")
    if summary.duplicates:
        parts.append(f"{summary.duplicates} duplicate ids skipped")
    if summary.bad:
        parts.append(f"{summary.bad} bad (see {job.errors})")
    rate = f"{summary.rate:.1f} articles/s" if summary.written else "no new articles"
    return f"spinlens batch: {', '.join(parts)}; {summary.seconds:.1f} s, {rate}"


def _check_spark(out: Path, errors: Path, workers: int) -> None:
    if errors.resolve().is_relative_to(out.resolve()):
        raise ConfigError(f"--errors must not be inside the Spark output folder {out}")
    if workers != 1:
        raise ConfigError("--workers is for the local engine; Spark's is --master 'local[N]'")


def _check_local(out: Path, master: str | None, out_format: str) -> None:
    if out_format != "jsonl":
        raise ConfigError("--out-format parquet needs --engine spark (local writes JSONL)")
    if master is not None:
        raise ConfigError("--master needs --engine spark")
    if out.is_dir():
        raise OutputError(
            f"{out} is a directory; the local engine writes one JSONL file "
            "(the Spark engine writes a folder of part files)"
        )
