"""The one input reader: whatever the user gave (paths, folders, stdin, URLs, records) to Documents.

Every entry point reads through here (``analyze``, ``batch``, ``index add``, ``reuse``, the
server), so every input format works everywhere and a failure has one code everywhere:

====  ================================================================================
E100  no such file, or it cannot be read (permissions, I/O)
E101  empty input: an empty file, a record whose ``text`` / ``html`` is blank
E102  binary input (NUL or control characters), a file or a record's text alike
E103  a file in an encoding that cannot be detected
E104  over ``limits.max_bytes`` (a file, a record's body, a JSONL line at twice that)
E105  a malformed record: bad JSON (too deep, an over-long integer, not UTF-8), a field of
      the wrong type (``id`` string or integer; ``text``, ``html``, ``title``, ``url``,
      ``date``, ``source`` strings), a lone surrogate escape, neither ``text`` nor ``html``
E200  a URL that cannot be fetched (``fetch_url``)
====  ================================================================================

Inside a multi-record input a bad record is yielded as its error and reading goes on (a
batch writes it to its side file and exits 8); a bad single input raises.

Reading is two steps. :func:`read_units` turns sources into :class:`Unit` s (a checked
record, a file to read, stdin's bytes, a URL) or :class:`Failed` ones, cheaply, so a batch
can count and key its input in one process; :func:`unit_document` builds the Document (in a
batch worker). :func:`read_documents` does both.

Adding a format (WARC, feeds, sitemaps, ...)
--------------------------------------------
Write a module in this package with a class following :class:`FormatReader`: ``name``,
``suffixes`` (matched against the end of the lower-cased file name, so ``.warc.gz``
works), ``sniff(head)`` (the first 4 KB, for files whose suffix does not decide) and
``read(path, limits)`` yielding units, never raising for bad content. A record-shaped item
goes through :func:`record_unit` (all the checks above, E105 and friends); a page to fetch
is ``Unit(origin, "url", url=...)``. Then add ``"spinlens.document.loaders.<module>:<Class>"``
to ``formats.BUILTIN`` (imported on first use, so an optional dependency costs nothing
until such a file is read). Code outside spinlens calls :func:`register_format`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spinlens.document.document import Document
from spinlens.document.loaders.base import Failed, FormatReader, Limits, Loaded, Unit
from spinlens.document.loaders.content import load_bytes
from spinlens.document.loaders.formats import format_readers, reader_for, register_format
from spinlens.document.loaders.html import document_from_html
from spinlens.document.loaders.reader import (
    load_unit,
    read_documents,
    read_units,
    unit_document,
)
from spinlens.document.loaders.records import (
    check_record,
    document_from_record,
    parse_json,
    record_unit,
)
from spinlens.document.loaders.text import decode_bytes, document_from_text
from spinlens.document.loaders.url import fetch_url
from spinlens.errors import InputError

__all__ = [
    "Failed",
    "FormatReader",
    "Limits",
    "Loaded",
    "Unit",
    "check_record",
    "decode_bytes",
    "document_from_html",
    "document_from_record",
    "document_from_text",
    "fetch_url",
    "format_readers",
    "holds_many",
    "iter_documents",
    "load_bytes",
    "load_document",
    "load_unit",
    "parse_json",
    "read_documents",
    "read_units",
    "reader_for",
    "record_unit",
    "register_format",
    "unit_document",
]


def load_document(source: str, *, max_bytes: int = 5_000_000, timeout: float = 15.0) -> Document:
    """Exactly one Document from one source; raises on any problem."""
    for item in read_documents([source], Limits(max_bytes, timeout)):
        if item.error is not None:
            raise item.error
        assert item.document is not None
        return item.document
    raise InputError(f"{source}: no documents found")


def iter_documents(
    sources: Iterable[str], *, max_bytes: int = 5_000_000, timeout: float = 15.0
) -> Iterator[Loaded]:
    """Every document in every source, in order (``read_documents`` with keyword limits);
    stdin is JSONL records when it starts with ``{``, else one article, as in ``batch``."""
    return read_documents(sources, Limits(max_bytes, timeout), stdin="auto")


def holds_many(source: str) -> bool:
    """Whether a source may hold several articles (a folder, or a multi-record format)."""
    from pathlib import Path

    path = Path(source)
    return path.is_dir() or (path.is_file() and reader_for(path) is not None)
