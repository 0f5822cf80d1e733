"""Read a corpus for the index: JSONL/JSON records, CSV, text and HTML files.

The index needs text and metadata only. The core loaders also split sentences and detect the
language, which costs ~150 ms on a long article (6 documents/second on the 1,254 benchmark
articles), so text is read here with the core's own decoder and record fields, without
segmenting; HTML still goes through the core loader, so it is extracted exactly as ``analyze``
extracts it. URLs, stdin and anything else fall back to the core loaders.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from spinlens.document import Document
from spinlens.document.loaders import (
    Loaded,
    decode_bytes,
    document_from_html,
    document_from_record,
    iter_documents,
)
from spinlens.document.loaders.html import looks_like_html
from spinlens.document.loaders.records import json_lines
from spinlens.document.urls import domain_of
from spinlens.errors import InputError, InputTooLargeError, MalformedRecordError, SpinlensError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def iter_inputs(paths: Iterable[str], max_bytes: int) -> Iterator[Loaded]:
    """Every document under the given paths, directories walked in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not child.name.startswith("."):
                    yield from _iter_file(child, max_bytes)
        elif path.is_file():
            yield from _iter_file(path, max_bytes)
        else:
            yield from iter_documents([raw], max_bytes=max_bytes)


def _iter_file(path: Path, max_bytes: int) -> Iterator[Loaded]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _iter_csv(path, max_bytes)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path, max_bytes)
    elif suffix == ".json":
        yield from _iter_json(path, max_bytes)
    elif suffix in HTML_SUFFIXES:
        yield from iter_documents([str(path)], max_bytes=max_bytes)
    else:
        yield _guard(str(path), lambda: _text_file(path, max_bytes))


def light_record(record: Any, origin: str, max_bytes: int) -> Document:
    """A Document from ``{id, url, title, text | html, date, source}``, text kept as given."""
    if not isinstance(record, Mapping):
        raise MalformedRecordError(f"{origin}: a record must be a JSON object")
    text = record.get("text")
    if not (isinstance(text, str) and text.strip()):
        return document_from_record(record, name=origin, max_bytes=max_bytes)  # html: core
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputTooLargeError(
            f"{origin}: record text is larger than the {max_bytes:,}-byte limit"
        )
    url = _as_str(record.get("url"))
    return Document(
        text=text,
        id=_as_str(record.get("id")),
        title=_as_str(record.get("title")),
        url=url,
        domain=domain_of(url),
        date=_as_str(record.get("date")),
        source_format="record",
        meta={"source": _as_str(record.get("source"))},
    )


def _text_file(path: Path, max_bytes: int) -> Document:
    if path.stat().st_size > max_bytes:
        raise InputTooLargeError(f"{path}: input is larger than the {max_bytes:,}-byte limit")
    text = decode_bytes(path.read_bytes(), name=str(path), max_bytes=max_bytes)
    if looks_like_html(text):
        return document_from_html(text, name=str(path), doc_id=path.stem)
    return Document(text=text, id=path.stem, source_format="text")


def _iter_jsonl(path: Path, max_bytes: int) -> Iterator[Loaded]:
    try:
        handle = path.open("r", encoding="utf-8-sig")
    except OSError as exc:
        yield Loaded(str(path), error=InputError(f"{path}: cannot read: {exc}"))
        return
    with handle:
        for origin, record in json_lines(path, handle):
            if isinstance(record, MalformedRecordError):
                yield Loaded(origin, error=record)
            else:
                yield _guard(origin, partial(light_record, record, origin, max_bytes))


def _iter_json(path: Path, max_bytes: int) -> Iterator[Loaded]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Loaded(str(path), error=MalformedRecordError(f"{path}: not readable JSON: {exc}"))
        return
    for number, record in enumerate(data if isinstance(data, list) else [data], start=1):
        origin = f"{path}#{number}"
        yield _guard(origin, partial(light_record, record, origin, max_bytes))


def _iter_csv(path: Path, max_bytes: int) -> Iterator[Loaded]:
    csv.field_size_limit(max_bytes)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, record in enumerate(csv.DictReader(handle), start=2):
                origin = f"{path}:{number}"
                yield _guard(origin, partial(light_record, record, origin, max_bytes))
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        yield Loaded(str(path), error=InputError(f"{path}: cannot read CSV: {exc}"))


def _guard(origin: str, load: Callable[[], Document]) -> Loaded:
    try:
        return Loaded(origin, document=load())
    except SpinlensError as exc:
        return Loaded(origin, error=exc)
    except OSError as exc:
        return Loaded(origin, error=InputError(f"{origin}: cannot read: {exc.strerror or exc}"))


def _as_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
