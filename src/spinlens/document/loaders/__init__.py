"""Turn what the user gave (path, directory, stdin, URL, JSON records) into Documents.

``iter_documents`` yields :class:`Loaded` items; a bad record inside a multi-record input is
yielded as an error so batches can report it and go on, while a bad single input raises.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spinlens.document.document import Document
from spinlens.document.loaders.html import document_from_html, looks_like_html
from spinlens.document.loaders.records import document_from_record, iter_record_file
from spinlens.document.loaders.text import decode_bytes, document_from_text
from spinlens.document.loaders.url import fetch_url, is_url
from spinlens.errors import InputError, SpinlensError

__all__ = [
    "Loaded",
    "decode_bytes",
    "document_from_html",
    "document_from_record",
    "document_from_text",
    "fetch_url",
    "iter_documents",
    "load_bytes",
    "load_document",
]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass(frozen=True, slots=True)
class Loaded:
    """One input unit: a Document, or the error that stopped it, with where it came from."""

    origin: str
    document: Document | None = None
    error: SpinlensError | None = None


def load_bytes(
    data: bytes, *, name: str = "<input>", max_bytes: int = 5_000_000, url: str | None = None
) -> Document:
    """A single document from raw bytes; HTML is recognised by its markup."""
    text = decode_bytes(data, name=name, max_bytes=max_bytes)
    if looks_like_html(text):
        return document_from_html(text, url=url, name=name)
    doc_id = Path(name).stem if name != "<input>" and url is None else None
    return document_from_text(text, id=doc_id, url=url)


def load_document(source: str, *, max_bytes: int = 5_000_000, timeout: float = 15.0) -> Document:
    """Exactly one Document from one source; raises on any problem."""
    items = list(iter_documents([source], max_bytes=max_bytes, timeout=timeout))
    if not items:
        raise InputError(f"{source}: no documents found")
    first = items[0]
    if first.error is not None:
        raise first.error
    assert first.document is not None
    return first.document


def iter_documents(
    sources: Iterable[str], *, max_bytes: int = 5_000_000, timeout: float = 15.0
) -> Iterator[Loaded]:
    """Every document in every source, in order; directories are walked sorted by name."""
    for source in sources:
        if source == "-":
            yield _single(
                "<stdin>", lambda: load_bytes(_read_stdin(max_bytes), max_bytes=max_bytes)
            )
        elif is_url(source):
            yield _single(
                source, lambda s=source: fetch_url(s, timeout=timeout, max_bytes=max_bytes)
            )
        else:
            yield from _iter_path(Path(source), max_bytes)


def _iter_path(path: Path, max_bytes: int) -> Iterator[Loaded]:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.name.startswith("."):
                continue
            yield from _iter_path(child, max_bytes)
        return
    if not path.exists():
        yield Loaded(str(path), error=InputError(f"{path}: no such file or directory"))
        return
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        yield from iter_record_file(path, max_bytes=max_bytes)
        return

    def load() -> Document:
        data = path.read_bytes() if path.stat().st_size <= max_bytes else b"x" * (max_bytes + 1)
        doc = load_bytes(data, name=str(path), max_bytes=max_bytes)
        return doc

    yield _single(str(path), load)


def _single(origin: str, load: object) -> Loaded:
    try:
        return Loaded(origin, document=load())  # type: ignore[operator]
    except SpinlensError as exc:
        return Loaded(origin, error=exc)
    except OSError as exc:
        return Loaded(origin, error=InputError(f"{origin}: cannot read: {exc.strerror or exc}"))


def _read_stdin(max_bytes: int) -> bytes:
    data = sys.stdin.buffer.read(max_bytes + 1)
    return data
