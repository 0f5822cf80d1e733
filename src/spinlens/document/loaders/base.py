"""What every input reader hands on: units of input, read limits and the format-reader contract.

This module imports nothing else from the loaders, so every format module can import it
without an import cycle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from spinlens.document.document import Document
from spinlens.errors import SpinlensError

UnitKind = Literal["record", "file", "bytes", "url"]


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one input may hold and how long a fetch may take."""

    max_bytes: int = 5_000_000
    timeout: float = 15.0

    @property
    def max_line(self) -> int:
        """A JSONL line (or a whole JSON file): its JSON escapes can be a few times the text."""
        return self.max_bytes * 2


@dataclass(frozen=True, slots=True)
class Unit:
    """One article before it becomes a Document: cheap to make, to pickle and to count.

    ``record`` holds a checked record (string fields only, see ``records.check_record``);
    ``file`` a path read when the Document is built (in a worker, for batches); ``bytes``
    content already read (stdin, Spark); ``url`` a page to fetch.
    """

    origin: str
    kind: UnitKind
    record: Mapping[str, str] | None = None
    path: str | None = None
    data: bytes | None = None
    url: str | None = None

    @property
    def key(self) -> str:
        """The id this unit's report carries: a record's own id, else a stable stand-in.

        A record without an id is keyed by a hash of its body (not its line number), so ids
        stay stable when the input is reordered and every engine agrees on them.
        """
        if self.kind == "record" and self.record is not None:
            given = self.record.get("id")
            if given and given.strip():
                return given
            body = self.record.get("text") or self.record.get("html") or ""
            return "sha1:" + _sha1(body.encode("utf-8"))[:16]
        if self.kind == "file" and self.path is not None:
            return Path(self.path).stem
        if self.kind == "url" and self.url is not None:
            return self.url
        return "sha1:" + _sha1(self.data or b"")[:16]


@dataclass(frozen=True, slots=True)
class Failed:
    """Input that could not become a unit (a malformed line, a missing file), and why."""

    origin: str
    error: SpinlensError
    key: str | None = None  # the record's own id, when it had a usable one


@dataclass(frozen=True, slots=True)
class Loaded:
    """One input unit: a Document, or the error that stopped it, with where it came from."""

    origin: str
    document: Document | None = None
    error: SpinlensError | None = None


class FormatReader(Protocol):
    """Turns one file of a format into units; see ``spinlens.document.loaders.formats``.

    ``suffixes`` are matched against the end of the lower-cased file name (so ``.warc.gz``
    works); ``sniff`` looks at the first 4 KB when the suffix does not decide (it may just
    return False). ``read`` must never raise for bad content: a bad item is a ``Failed``
    and reading goes on, so one hostile record cannot stop a corpus.
    """

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool: ...

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]: ...


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
