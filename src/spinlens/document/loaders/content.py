"""One article from raw bytes (a file, stdin, a fetched page): text or HTML, told by its markup."""

from __future__ import annotations

from pathlib import Path

from spinlens.document.document import Document
from spinlens.document.loaders.html import document_from_html, looks_like_html
from spinlens.document.loaders.text import decode_bytes, document_from_text
from spinlens.errors import InputTooLargeError


def load_bytes(
    data: bytes,
    *,
    name: str = "<input>",
    max_bytes: int = 5_000_000,
    url: str | None = None,
    light: bool = False,
) -> Document:
    """A single document from raw bytes; HTML is recognised by its markup.

    A file's id is its name without suffix; ``light`` leaves a text body unsegmented.
    """
    text = decode_bytes(data, name=name, max_bytes=max_bytes)
    doc_id = Path(name).stem if not name.startswith("<") and url is None else None
    if looks_like_html(text):
        return document_from_html(text, url=url, name=name, doc_id=doc_id)
    if light:
        return Document(text=text, id=doc_id, url=url, source_format="text")
    return document_from_text(text, id=doc_id, url=url)


def read_file(path: str | Path, max_bytes: int) -> bytes:
    """A file's bytes, refused before reading when it is over the limit."""
    path = Path(path)
    if path.stat().st_size > max_bytes:
        raise InputTooLargeError(
            f"{path}: input is larger than the {max_bytes:,}-byte limit (raise limits.max_bytes)"
        )
    with path.open("rb") as handle:
        return handle.read(max_bytes + 1)
