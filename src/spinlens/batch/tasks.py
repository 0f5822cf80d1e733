"""Batch input as a stream of small tasks, read lazily so memory stays bounded.

Reading is the core reader's (``spinlens.document.loaders.read_units``): every format it
knows works here, with its error codes. A task is one unit (a checked record, a file path
read in the worker) and the id its report will have, so a rerun can skip ids already
written without analysing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spinlens.document.loaders import Failed, Limits, Unit, read_units, record_unit
from spinlens.document.loaders.jsonl import bounded_lines
from spinlens.document.loaders.records import parse_json
from spinlens.errors import SpinlensError

__all__ = ["BadRecord", "Item", "Task", "bounded_lines", "count_tasks", "iter_tasks"]


@dataclass(frozen=True, slots=True)
class Task:
    """One article to analyse: a unit of input and the id its report carries."""

    key: str
    unit: Unit

    @property
    def origin(self) -> str:
        return self.unit.origin

    @classmethod
    def of(cls, unit: Unit) -> Task:
        return cls(unit.key, unit)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """Input that could not become a task; goes to the side file."""

    origin: str
    error: SpinlensError
    key: str | None = None


Item = Task | BadRecord


def task_from_line(line: str, origin: str, max_bytes: int = 5_000_000) -> Item:
    """A task from one JSONL line (the Spark engine reads lines itself)."""
    try:
        unit = record_unit(parse_json(line, origin), origin, max_bytes)
    except SpinlensError as exc:
        return BadRecord(origin, exc)
    return _item(unit)


def iter_tasks(sources: Iterable[str], *, max_bytes: int = 5_000_000) -> Iterator[Item]:
    """Every task in every source, in order; ``-`` is JSONL on stdin (or one article)."""
    for unit in read_units(sources, Limits(max_bytes)):
        yield _item(unit)


def _item(unit: Unit | Failed) -> Item:
    if isinstance(unit, Failed):
        return BadRecord(unit.origin, unit.error, unit.key)
    return Task.of(unit)


def count_tasks(sources: Iterable[str], *, max_bytes: int = 5_000_000) -> int | None:
    """How many items ``iter_tasks`` will yield (for the ETA), or None for stdin.

    Reads the input once more but holds only one item at a time; a hostile record counts
    as one bad item here as it will when read, so counting never stops a run.
    """
    sources = list(sources)
    if "-" in sources:
        return None
    return sum(1 for _ in iter_tasks(sources, max_bytes=max_bytes))
