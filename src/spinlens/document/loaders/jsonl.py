"""JSONL (one record per line) and JSON (one record or an array of them) files.

Lines are read as bytes and decoded one at a time, so an undecodable byte, a line too long,
too deep or otherwise malformed spoils that one record only; reading goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, AnyStr, Protocol, TypeVar

from spinlens.document.loaders.base import Failed, Limits, Unit
from spinlens.document.loaders.records import parse_json, record_unit
from spinlens.errors import InputTooLargeError, MalformedRecordError

_BOM = b"\xef\xbb\xbf"
_T_co = TypeVar("_T_co", str, bytes, covariant=True)


class LineSource(Protocol[_T_co]):
    """What line reading needs of a stream: a file, stdin's buffer, a rewound stream."""

    def readline(self, limit: int = -1, /) -> _T_co: ...

    def read(self, size: int = -1, /) -> _T_co: ...


class JsonlReader:
    """``.jsonl`` / ``.ndjson``: each non-blank line is one record."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def sniff(self, head: bytes) -> bool:
        return False

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        with path.open("rb") as handle:
            yield from jsonl_units(handle, str(path), limits)


class JsonReader:
    """``.json``: one record, or an array of records; read whole, so bounded like one line."""

    name = "json"
    suffixes = (".json",)

    def sniff(self, head: bytes) -> bool:
        return False

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        if path.stat().st_size > limits.max_line:
            error = InputTooLargeError(
                f"{path}: JSON file over {limits.max_line:,} bytes; write it as JSONL instead"
            )
            yield Failed(str(path), error)
            return
        try:
            data = parse_json(path.read_bytes().removeprefix(_BOM), str(path))
        except MalformedRecordError as exc:
            yield Failed(str(path), exc)
            return
        records = data if isinstance(data, list) else [data]
        for number, record in enumerate(records, start=1):
            yield record_unit(record, f"{path}#{number}", limits.max_bytes)


def jsonl_units(handle: LineSource[bytes], name: str, limits: Limits) -> Iterator[Unit | Failed]:
    """One unit (or failure) per non-blank line of a binary JSONL stream."""
    for number, line in bounded_lines(handle, limits.max_line):
        origin = f"{name}:{number}"
        if line is None:
            too_long = f"{origin}: line is longer than {limits.max_line:,} bytes"
            yield Failed(origin, InputTooLargeError(too_long))
            continue
        if number == 1:
            line = line.removeprefix(_BOM)
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"line is not UTF-8 (byte 0x{line[exc.start]:02x} at {exc.start})"
            yield Failed(origin, MalformedRecordError(f"{origin}: {reason}"))
            continue
        try:
            yield record_unit(parse_json(text, origin, line=number), origin, limits.max_bytes)
        except MalformedRecordError as exc:
            yield Failed(origin, exc)


def bounded_lines(handle: LineSource[AnyStr], limit: int) -> Iterator[tuple[int, AnyStr | None]]:
    """``(line number, line)``; a line longer than ``limit`` is skipped and yields None.

    Plain iteration would read an arbitrarily long line into memory; this never holds more
    than ``limit`` bytes (or characters, for a text stream) of one line.
    """
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        newline: Any = b"\n" if isinstance(line, bytes) else "\n"
        number += 1
        if len(line) > limit and not line.endswith(newline):
            while line and not line.endswith(newline):  # drain the rest of the long line
                line = handle.readline(limit + 1)
            yield number, None
            continue
        yield number, line
