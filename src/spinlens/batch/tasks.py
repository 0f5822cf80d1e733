"""Batch input as a stream of small tasks, read lazily so memory stays bounded.

A task carries just enough to build a Document in a worker (a record or a file path) and
the id its report will have, so a rerun can skip ids already written without analysing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from spinlens.errors import InputTooLargeError, MalformedRecordError, SpinlensError

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
JSON_SUFFIXES = {".json"}


@dataclass(frozen=True, slots=True)
class Task:
    """One article to analyse: a record (``payload`` is the dict) or a file (``path``)."""

    key: str
    origin: str
    kind: Literal["record", "file"]
    payload: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""
    data: bytes | None = None  # a file's bytes when the engine already read them (Spark)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """Input that could not become a task; goes to the side file."""

    origin: str
    error: SpinlensError
    key: str | None = None


Item = Task | BadRecord


def record_key(record: Mapping[str, Any]) -> str:
    """The id a record's report carries: its own ``id``, else a hash of its body.

    Hashing the body (not the line number) keeps ids stable when the input is reordered,
    and makes the local and Spark engines agree without sharing line numbers.
    """
    given = record.get("id")
    if given is not None and str(given).strip():
        return str(given)
    body = record.get("text") or record.get("html") or ""
    digest = hashlib.sha1(str(body).encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha1:{digest[:16]}"


def file_key(path: str) -> str:
    """Same id ``spinlens analyze`` gives a file: its name without suffix."""
    return Path(path).stem


def task_from_record(record: Any, origin: str) -> Item:
    if not isinstance(record, dict):
        return BadRecord(origin, MalformedRecordError(f"{origin}: a record must be a JSON object"))
    return Task(key=record_key(record), origin=origin, kind="record", payload=record)


def task_from_line(line: str, origin: str) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadRecord(origin, MalformedRecordError(f"{origin}: malformed JSON: {exc.msg}"))
    return task_from_record(record, origin)


def iter_tasks(sources: Iterable[str], *, max_bytes: int = 5_000_000) -> Iterator[Item]:
    """Every task in every source, in order; directories are walked sorted by name."""
    for source in sources:
        yield from _iter_path(Path(source), max_bytes)


def _iter_path(path: Path, max_bytes: int) -> Iterator[Item]:
    if str(path) == "-":
        yield from _iter_jsonl(sys.stdin, "<stdin>", max_bytes)
        return
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield from _iter_path(child, max_bytes)
        return
    if not path.exists():
        yield BadRecord(str(path), MalformedRecordError(f"{path}: no such file or directory"))
        return
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
                yield from _iter_jsonl(handle, str(path), max_bytes)
        elif suffix in CSV_SUFFIXES:
            yield from _iter_csv(path, max_bytes)
        elif suffix in JSON_SUFFIXES:
            yield from _iter_json(path, max_bytes)
        else:
            yield Task(key=file_key(str(path)), origin=str(path), kind="file", path=str(path))
    except OSError as exc:
        yield BadRecord(str(path), MalformedRecordError(f"{path}: cannot read: {exc}"))


def bounded_lines(handle: IO[str], limit: int) -> Iterator[tuple[int, str | None]]:
    """``(line number, line)``; a line longer than ``limit`` is skipped and yields None.

    Plain iteration would read an arbitrarily long line into memory; this never holds more
    than ``limit`` characters of one line.
    """
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # drain the rest of the long line
                line = handle.readline(limit + 1)
            yield number, None
            continue
        yield number, line


def _iter_jsonl(handle: IO[str], name: str, max_bytes: int) -> Iterator[Item]:
    # A JSON-escaped body can be a few times its decoded size; allow for that.
    for number, line in bounded_lines(handle, max_bytes * 2):
        origin = f"{name}:{number}"
        if line is None:
            err = InputTooLargeError(f"{origin}: line is longer than {max_bytes * 2:,} characters")
            yield BadRecord(origin, err)
        elif line.strip():
            yield task_from_line(line, origin)


def _iter_csv(path: Path, max_bytes: int) -> Iterator[Item]:
    csv.field_size_limit(max_bytes)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        number = 1
        while True:
            number += 1
            origin = f"{path}:{number}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(origin, MalformedRecordError(f"{origin}: bad CSV row: {exc}"))
                continue
            record = {k: v for k, v in row.items() if k is not None}
            yield task_from_record(record, origin)


def _iter_json(path: Path, max_bytes: int) -> Iterator[Item]:
    """A JSON array or object; it must be read whole, so it is refused above ``max_bytes``."""
    if path.stat().st_size > max_bytes:
        err = InputTooLargeError(f"{path}: JSON file over {max_bytes:,} bytes; use JSONL")
        yield BadRecord(str(path), err)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield BadRecord(str(path), MalformedRecordError(f"{path}: malformed JSON: {exc}"))
        return
    for number, record in enumerate(data if isinstance(data, list) else [data], start=1):
        yield task_from_record(record, f"{path}#{number}")


def count_tasks(sources: Iterable[str], *, max_bytes: int = 5_000_000) -> int | None:
    """How many items ``iter_tasks`` will yield (for the ETA), or None for stdin.

    Reads the input once more but holds only one item at a time.
    """
    sources = list(sources)
    if "-" in sources:
        return None
    return sum(1 for _ in iter_tasks(sources, max_bytes=max_bytes))
