"""JSON and JSONL records ``{id, title, text | html, url, date}``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinlens.document.document import Document
from spinlens.document.loaders.html import document_from_html
from spinlens.document.loaders.text import document_from_text
from spinlens.document.urls import domain_of
from spinlens.errors import InputTooLargeError, MalformedRecordError, SpinlensError

if TYPE_CHECKING:
    from spinlens.document.loaders import Loaded

RECORD_FIELDS = ("id", "title", "url", "date")


def document_from_record(
    record: Mapping[str, Any], *, name: str = "<record>", max_bytes: int = 5_000_000
) -> Document:
    """A Document from one record; ``text`` wins over ``html`` when both are given."""
    if not isinstance(record, Mapping):
        raise MalformedRecordError(f"{name}: a record must be a JSON object")
    text, html = record.get("text"), record.get("html")
    body = text if isinstance(text, str) and text.strip() else html
    if not isinstance(body, str) or not body.strip():
        raise MalformedRecordError(f"{name}: record has no non-empty 'text' or 'html' field")
    if len(body.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputTooLargeError(f"{name}: record text is larger than the {max_bytes:,}-byte limit")
    meta = {key: _as_str(record.get(key)) for key in RECORD_FIELDS}
    if body is html and body is not text:
        assert isinstance(body, str)
        doc = document_from_html(body, url=meta["url"], name=name, doc_id=meta["id"])
        return _with_meta(doc, meta)
    return document_from_text(
        body,
        id=meta["id"],
        title=meta["title"],
        url=meta["url"],
        domain=domain_of(meta["url"]),
        date=meta["date"],
        source_format="record",
    )


def iter_record_file(path: Path, *, max_bytes: int = 5_000_000) -> Iterator[Loaded]:
    """Each line of a JSONL file (or each item of a JSON array/object) as one Loaded."""
    from spinlens.document.loaders import Loaded

    try:
        handle = path.open("r", encoding="utf-8-sig")
    except OSError as exc:
        yield Loaded(str(path), error=MalformedRecordError(f"{path}: cannot read: {exc}"))
        return
    with handle:
        first = handle.read(1)
        handle.seek(0)
        if path.suffix.lower() == ".json" and first in "[{":
            yield from _iter_json_document(path, handle.read(), max_bytes)
            return
        for origin, record in json_lines(path, handle):
            if isinstance(record, MalformedRecordError):
                yield Loaded(origin, error=record)
            else:
                yield _load_record(record, origin, max_bytes)


def json_lines(path: Path, lines: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """``(origin, parsed value)`` per non-blank JSONL line; a bad line gives its error, not a stop.

    Shared by every JSONL reader (documents here, the provenance index's light reader).
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            yield origin, json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                origin,
                MalformedRecordError(f"{origin}: malformed JSON on line {number}: {exc.msg}"),
            )


def _iter_json_document(path: Path, raw: str, max_bytes: int) -> Iterator[Loaded]:
    from spinlens.document.loaders import Loaded

    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        err = MalformedRecordError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}")
        yield Loaded(str(path), error=err)
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        yield _load_record(record, f"{path}#{number}", max_bytes)


def _load_record(record: Any, origin: str, max_bytes: int) -> Loaded:
    from spinlens.document.loaders import Loaded

    try:
        return Loaded(
            origin, document=document_from_record(record, name=origin, max_bytes=max_bytes)
        )
    except SpinlensError as exc:
        return Loaded(origin, error=exc)


def _as_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _with_meta(doc: Document, meta: dict[str, str | None]) -> Document:
    from dataclasses import replace

    updates: dict[str, str | None] = {k: v for k, v in meta.items() if v is not None}
    if "url" in updates:
        updates["domain"] = domain_of(updates["url"])
    return replace(doc, **updates)  # type: ignore[arg-type]
