"""The one input reader: sources (paths, folders, ``-``, URLs) to units, units to Documents.

Reading is two steps so a batch can do the first (cheap: parse and check records, list
files) in one process and the second (decode, extract, segment) in its workers, while
``analyze``, the index and the server do both at once through :func:`read_documents`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from spinlens.document.document import Document
from spinlens.document.loaders.base import Failed, Limits, Loaded, Unit
from spinlens.document.loaders.content import load_bytes, read_file
from spinlens.document.loaders.formats import reader_for
from spinlens.document.loaders.jsonl import LineSource, jsonl_units
from spinlens.document.loaders.records import record_document
from spinlens.document.loaders.url import fetch_url, is_url
from spinlens.errors import InputError, SpinlensError

StdinMode = Literal["auto", "jsonl", "document"]


def read_units(
    sources: Iterable[str], limits: Limits = Limits(), *, stdin: StdinMode = "auto"
) -> Iterator[Unit | Failed]:
    """Every unit in every source, in order; folders are walked sorted by name, hidden
    files and folders left out. ``-`` is stdin: JSONL records when it starts with ``{``
    (or ``stdin="jsonl"``), else one article."""
    for source in sources:
        if source == "-":
            yield from _stdin_units(sys.stdin.buffer, limits, stdin)
        elif is_url(source):
            yield Unit(source, "url", url=source)
        else:
            yield from _path_units(Path(source), limits)


def unit_document(unit: Unit, limits: Limits = Limits(), *, light: bool = False) -> Document:
    """Build the unit's Document; raises a coded error for bad content."""
    if unit.kind == "record" and unit.record is not None:
        return record_document(unit.record, unit.origin, limits, light=light)
    if unit.kind == "url" and unit.url is not None:
        return fetch_url(unit.url, timeout=limits.timeout, max_bytes=limits.max_bytes)
    name = unit.path or unit.origin
    data = unit.data if unit.data is not None else read_file(name, limits.max_bytes)
    return load_bytes(data, name=name, max_bytes=limits.max_bytes, light=light)


def load_unit(unit: Unit | Failed, limits: Limits = Limits(), *, light: bool = False) -> Loaded:
    """A unit as a Loaded: its Document, or the coded error that stopped it."""
    if isinstance(unit, Failed):
        return Loaded(unit.origin, error=unit.error)
    try:
        return Loaded(unit.origin, document=unit_document(unit, limits, light=light))
    except SpinlensError as exc:
        return Loaded(unit.origin, error=exc)
    except OSError as exc:
        error = InputError(f"{unit.origin}: cannot read: {exc.strerror or exc}")
        return Loaded(unit.origin, error=error)


def read_documents(
    sources: Iterable[str],
    limits: Limits = Limits(),
    *,
    light: bool = False,
    stdin: StdinMode = "auto",
) -> Iterator[Loaded]:
    """Every document in every source, in order; a bad one is yielded as its error."""
    for unit in read_units(sources, limits, stdin=stdin):
        yield load_unit(unit, limits, light=light)


def _path_units(path: Path, limits: Limits) -> Iterator[Unit | Failed]:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield from _file_units(child, limits)
    elif path.exists():
        yield from _file_units(path, limits)
    else:
        yield Failed(str(path), InputError(f"{path}: no such file or directory"))


def _file_units(path: Path, limits: Limits) -> Iterator[Unit | Failed]:
    reader = reader_for(path)
    if reader is None:
        yield Unit(str(path), "file", path=str(path))
        return
    try:
        yield from reader.read(path, limits)
    except OSError as exc:
        yield Failed(str(path), InputError(f"{path}: cannot read: {exc.strerror or exc}"))


def _stdin_units(
    stream: LineSource[bytes], limits: Limits, mode: StdinMode
) -> Iterator[Unit | Failed]:
    head = b""
    while mode == "auto" and not head.strip() and len(head) <= limits.max_bytes:
        chunk = stream.readline(limits.max_bytes + 1)
        if not chunk:
            break
        head += chunk
    if mode == "jsonl" or (mode == "auto" and head.lstrip().startswith(b"{")):
        yield from jsonl_units(_Rewound(head, stream), "<stdin>", limits)
        return
    data = head + stream.read(max(limits.max_bytes + 1 - len(head), 0))
    yield Unit("<stdin>", "bytes", data=data)


class _Rewound:
    """A binary stream whose first bytes were already read (to tell JSONL from an article)."""

    def __init__(self, head: bytes, rest: LineSource[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.rest.readline(limit)
        end = self.head.find(b"\n") + 1 or len(self.head)
        if limit >= 0:
            end = min(end, limit)
        line, self.head = self.head[:end], self.head[end:]
        if line.endswith(b"\n") or self.head or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.rest.readline(-1 if limit < 0 else limit - len(line))

    def read(self, size: int = -1) -> bytes:
        if size >= 0 and size <= len(self.head):
            data, self.head = self.head[:size], self.head[size:]
            return data
        data, self.head = self.head, b""
        return data + self.rest.read(-1 if size < 0 else size - len(data))
