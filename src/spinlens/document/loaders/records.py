"""Records ``{id, title, text | html, url, date, source}``: parsing, checking, building Documents.

Every reader (JSONL, JSON, CSV, the API's request body, WARC and feed readers) turns what it
read into a record and passes it through :func:`check_record`, so a hostile record fails the
same way, with the same code, wherever it came from:

- JSON that does not parse, nests too deeply, or holds an integer too long to convert is a
  :class:`MalformedRecordError` (E105), never a RecursionError or ValueError;
- ``id`` must be a string or an integer; ``text``, ``html``, ``title``, ``url``, ``date`` and
  ``source`` strings (E105), holding valid Unicode (a lone ``\\ud800`` escape or an undecodable
  byte is E105 too: it could not be written out as UTF-8);
- no ``text`` nor ``html`` is E105; one that is there but blank is E101 (empty input, as an
  empty file); a body over ``max_bytes`` is E104; a body made of control characters (NULs)
  is E102, as a binary file is.

Only these fields are kept, so nothing deep or odd travels further than this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from spinlens.document.document import Document
from spinlens.document.loaders.base import Failed, Limits, Unit
from spinlens.document.loaders.html import document_from_html
from spinlens.document.loaders.text import control_ratio, document_from_text
from spinlens.document.urls import domain_of
from spinlens.errors import (
    BinaryInputError,
    EmptyInputError,
    InputTooLargeError,
    MalformedRecordError,
    SpinlensError,
)

STRING_FIELDS = ("text", "html", "title", "url", "date", "source")
META_FIELDS = ("title", "url", "date")
_JSON_TYPES = {dict: "an object", list: "an array", bool: "a boolean", float: "a number"}


def parse_json(raw: str | bytes, origin: str, *, line: int | None = None) -> Any:
    """``json.loads`` whose every failure is a one-line E105 naming ``origin`` (and the
    ``line`` of the file it came from, for JSONL)."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        # in a JSONL line, the column is the offset in that line (json counts its own lines)
        where = (
            f"line {exc.lineno}, column {exc.colno}"
            if line is None
            else f"line {line}, column {exc.pos + 1}"
        )
        raise MalformedRecordError(f"{origin}: malformed JSON on {where}: {exc.msg}") from None
    except RecursionError:
        raise MalformedRecordError(f"{origin}: JSON nested too deeply to read") from None
    except UnicodeDecodeError:
        raise MalformedRecordError(f"{origin}: JSON is not UTF-8 text") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        reason = str(exc).split(":")[0]
        raise MalformedRecordError(f"{origin}: unreadable JSON value ({reason})") from None


def check_record(record: Any, origin: str, max_bytes: int) -> dict[str, str]:
    """The record's known fields as strings, or the reason it is refused (see module doc)."""
    if not isinstance(record, Mapping):
        raise MalformedRecordError(f"{origin}: a record must be a JSON object")
    checked: dict[str, str] = {}
    given_id = record.get("id")
    if isinstance(given_id, int) and not isinstance(given_id, bool):
        checked["id"] = str(given_id)
    elif given_id is not None:
        checked["id"] = _string(given_id, "id", origin, "a string or an integer")
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None:
            checked[name] = _string(value, name, origin, "a string")
    checked = {name: value for name, value in checked.items() if value != ""}
    _check_body(checked, origin, max_bytes)
    return checked


def record_unit(record: Any, origin: str, max_bytes: int) -> Unit | Failed:
    """A checked record unit, or the record's error (with its id, when it had one)."""
    try:
        return Unit(origin, "record", record=check_record(record, origin, max_bytes))
    except SpinlensError as exc:
        return Failed(origin, exc, key=_given_id(record))


def document_from_record(
    record: Mapping[str, Any], *, name: str = "<record>", max_bytes: int = 5_000_000
) -> Document:
    """A Document from one record (checked here); ``text`` wins over ``html``."""
    return record_document(check_record(record, name, max_bytes), name, Limits(max_bytes))


def record_document(
    record: Mapping[str, str], origin: str, limits: Limits, *, light: bool = False
) -> Document:
    """A Document from a checked record; ``light`` skips segmenting a text body (the index
    needs only text and metadata, and segmenting costs ~150 ms on a long article)."""
    meta = {name: record.get(name) for name in META_FIELDS}
    doc_id, url = record.get("id"), meta["url"]
    text = record.get("text")
    if text is None or not text.strip():
        doc = document_from_html(record["html"], url=url, name=origin, doc_id=doc_id)
        updates: dict[str, Any] = {k: v for k, v in meta.items() if v is not None}
        if url is not None:
            updates["domain"] = domain_of(url)
        return replace(doc, **updates)
    fields: dict[str, Any] = {**meta, "id": doc_id, "domain": domain_of(url)}
    if light:
        return Document(text=text, source_format="record", meta=_source(record), **fields)
    return document_from_text(text, source_format="record", **fields)


def _given_id(record: Any) -> str | None:
    given = record.get("id") if isinstance(record, Mapping) else None
    if isinstance(given, bool) or not isinstance(given, str | int):
        return None
    text = str(given)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\ud800) cannot be written to an error file
        return None
    return text if text.strip() else None


def _string(value: Any, name: str, origin: str, wanted: str) -> str:
    if not isinstance(value, str):
        kind = _JSON_TYPES.get(type(value), "a number" if isinstance(value, int) else "a value")
        raise MalformedRecordError(f"{origin}: field '{name}' must be {wanted}, not {kind}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedRecordError(
            f"{origin}: field '{name}' is not valid text "
            "(a lone surrogate escape such as \\ud800, or an undecodable byte)"
        ) from None
    return value


def _check_body(record: Mapping[str, str], origin: str, max_bytes: int) -> None:
    text, html = record.get("text"), record.get("html")
    if text is None and html is None:
        raise MalformedRecordError(f"{origin}: record has no non-empty 'text' or 'html' field")
    body = text if text is not None and text.strip() else html
    if body is None or not body.strip():  # there, but blank: empty input, as an empty file
        raise EmptyInputError(f"{origin}: record has no non-empty 'text' or 'html' field")
    if len(body.encode("utf-8")) > max_bytes:
        raise InputTooLargeError(
            f"{origin}: record text is larger than the {max_bytes:,}-byte limit"
        )
    if control_ratio(body) > 0.05:
        raise BinaryInputError(
            f"{origin}: record text looks binary (control characters such as NUL), not text"
        )


def _source(record: Mapping[str, str]) -> dict[str, str | None]:
    return {"source": record.get("source")}
