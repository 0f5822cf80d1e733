"""Turn one task into one report line; the same function serves every engine.

Each process (pool worker or Spark executor) builds its Pipeline once, the first time it
needs it, and keeps it for every later task, so models load once per process.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from dataclasses import dataclass, replace
from typing import Any

from spinlens.batch.tasks import Task
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.document.loaders import Limits, unit_document
from spinlens.errors import InputError, SpinlensError
from spinlens.pipeline import Pipeline

_PIPELINES: dict[str, Pipeline] = {}


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run: analyzer names and settings, picklable for worker processes."""

    names: tuple[str, ...]
    settings: dict[str, Any]

    @classmethod
    def of(cls, names: list[str], settings: Settings) -> Plan:
        return cls(tuple(names), settings.model_dump(mode="json"))

    @property
    def cache_key(self) -> str:
        return json.dumps([self.names, self.settings], sort_keys=True)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A report line, or the reason the task was skipped."""

    key: str
    origin: str
    report: str | None = None
    error: str | None = None
    code: str | None = None
    timings: tuple[tuple[str, float], ...] = ()


def pipeline_for(plan: Plan) -> Pipeline:
    """This process's pipeline for ``plan``, built and initialized on first use."""
    cached = _PIPELINES.get(plan.cache_key)
    if cached is None:
        settings = Settings.model_validate(plan.settings)
        cached = Pipeline(list(plan.names), settings=settings)
        cached.initialize()
        _PIPELINES[plan.cache_key] = cached
    return cached


def preflight(plan: Plan, *, keep: bool) -> None:
    """Build the pipeline here first, so a missing model or bad option fails once, clearly,
    instead of in every worker; ``keep=False`` frees it again when workers build their own."""
    pipeline_for(plan)
    if not keep:
        _PIPELINES.pop(plan.cache_key, None)


def init_worker(plan: Plan, threads: int = 1) -> None:
    """Pool initializer: one inference thread per worker process, models loaded up front.

    Ctrl-C reaches the whole process group; the batch process handles it (stops handing out
    work), so workers ignore it instead of each printing a traceback. A worker also ends
    when the batch process ends, however it ends (``kill -9`` included).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    os.environ["SPINLENS_THREADS"] = str(threads)
    pipeline_for(plan)


def exit_with_parent() -> None:
    """End this worker process as soon as the process that started it is gone.

    Without this, a pool worker whose batch process was killed waits forever for tasks
    (it holds the task queue's pipe open itself), keeping its loaded models in memory.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="spinlens-parent-watch", daemon=True).start()


def load_task(task: Task, limits: Limits) -> Document:
    """The task's Document, carrying the task's id (a record without one gets its hash)."""
    doc = unit_document(task.unit, limits)
    return doc if doc.id == task.key else replace(doc, id=task.key)


def process(task: Task, plan: Plan) -> Outcome:
    """Analyse one task; any failure becomes an Outcome with an error, never an exception."""
    pipeline = pipeline_for(plan)
    limits = plan.settings.get("limits", {})
    read_limits = Limits(
        int(limits.get("max_bytes", 5_000_000)), float(limits.get("url_timeout", 15.0))
    )
    try:
        doc = load_task(task, read_limits)
        report = pipeline.run(doc)
    except SpinlensError as exc:
        return Outcome(task.key, task.origin, error=str(exc), code=exc.code)
    except OSError as exc:
        err = InputError(f"{task.origin}: cannot read: {exc.strerror or exc}")
        return Outcome(task.key, task.origin, error=str(err), code=err.code)
    except Exception as exc:  # an analyzer bug must not stop a month-long batch
        return Outcome(task.key, task.origin, error=f"{type(exc).__name__}: {exc}", code="E000")
    timings = tuple((run.name, run.seconds) for run in report.analyzers)
    return Outcome(task.key, task.origin, report=report.model_dump_json(), timings=timings)
