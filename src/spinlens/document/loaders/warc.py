"""Web archives (WARC, WARC.gz): each archived HTML page becomes a Document.

Read with warcio (gzip per record or whole-file, chunked and content-encoded bodies decoded),
never parsed by hand. Only ``response`` and ``resource`` records carrying HTML are articles;
the rest (requests, metadata, images, PDFs, error pages, pages with no main text or too few
words) are yielded as :class:`SkippedRecord` so a caller counts them by reason. The page's URL
is the document id; its date is the page's own, else the capture date (``WARC-Date``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from spinlens.document.document import Document
from spinlens.document.loaders.base import Failed, Limits, Unit
from spinlens.document.loaders.html import document_from_html
from spinlens.document.loaders.records import record_unit
from spinlens.document.loaders.text import decode_bytes
from spinlens.document.urls import domain_of
from spinlens.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    SkippedRecord,
    SpinlensError,
)

if TYPE_CHECKING:
    from spinlens.document.loaders import Loaded

MIN_WORDS = 50  # fewer words of main text is a stub, index page or error page, not an article
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc_path(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def looks_like_warc(head: bytes) -> bool:
    """True for the first bytes of a WARC file, plain or gzipped."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.decompress(head)
        except (EOFError, OSError):
            head = _gunzip_prefix(head)
    return head.startswith(b"WARC/")


def _gunzip_prefix(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(wbits=31).decompress(data, 64)
    except zlib.error:
        return b""


def iter_warc_file(
    path: Path, *, max_bytes: int = 5_000_000, min_words: int = MIN_WORDS
) -> Iterator[Loaded]:
    """Every article in a WARC file; a file warcio cannot read is one error item."""
    from spinlens.document.loaders import Loaded

    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Loaded(str(path), error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
        return
    with handle:
        yield from iter_warc(handle, origin=str(path), max_bytes=max_bytes, min_words=min_words)


def iter_warc(
    stream: IO[bytes], *, origin: str, max_bytes: int = 5_000_000, min_words: int = MIN_WORDS
) -> Iterator[Loaded]:
    """Every article in a WARC stream, in archive order, each record checked on its own."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from spinlens.document.loaders import Loaded

    number = 0
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            if record.rec_type not in ("response", "resource"):
                continue  # request, metadata, warcinfo, revisit: not pages
            number += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{origin}#{number}" + (f" {url}" if url else "")
            try:
                yield Loaded(where, document=_record_document(record, where, max_bytes, min_words))
            except SpinlensError as exc:
                yield Loaded(where, error=exc)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield Loaded(origin, error=InputError(f"{origin}: not a readable WARC archive: {exc}"))


def _record_document(record: Any, where: str, max_bytes: int, min_words: int) -> Document:
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    html = _page_html(record, where, max_bytes)
    try:
        doc = document_from_html(html, url=url, name=where, doc_id=url)
    except EmptyInputError:
        raise SkippedRecord(where, "no article text") from None
    return finish_page(doc, where, url=url, date=warc_date(record), min_words=min_words)


def decode_html(body: bytes, content_type: str, name: str, max_bytes: int) -> str:
    """Bytes of a page as text: the declared charset when it works, else detected."""
    charset = _charset(content_type)
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(body, name=name, max_bytes=max_bytes)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def warc_date(record: Any) -> str | None:
    """The capture day (``YYYY-MM-DD``) of a record, from its ``WARC-Date`` header."""
    value = record.rec_headers.get_header("WARC-Date") or ""
    return value[:10] if len(value) >= 10 and value[4] == "-" else None


def finish_page(
    doc: Document,
    where: str,
    *,
    url: str | None,
    date: str | None,
    title: str | None = None,
    min_words: int = MIN_WORDS,
) -> Document:
    """A page's Document with the archive's or feed's metadata where the page has none, or a
    :class:`SkippedRecord` when its main text is too short to be an article."""
    if len(doc.text.split()) < min_words:
        raise SkippedRecord(where, "too short")
    page_url = doc.url or url
    return replace(
        doc,
        id=doc.id or page_url,
        url=page_url,
        domain=doc.domain or domain_of(page_url),
        title=doc.title or title,
        date=doc.date or date,
    )


class WarcReader:
    """The WARC format for the core reader (``analyze``, ``batch``): each archived HTML page
    is a record unit ``{id: URL, url, html}``; records that are not pages come as ``Failed``
    with a :class:`SkippedRecord` (the index reads archives with :func:`iter_warc_file`, which
    also drops short pages and dates pages by their capture)."""

    name = "warc"
    suffixes = WARC_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        return looks_like_warc(head)

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        number = 0
        try:
            with path.open("rb") as handle:
                for record in ArchiveIterator(handle, arc2warc=True):
                    if record.rec_type not in ("response", "resource"):
                        continue
                    number += 1
                    url = record.rec_headers.get_header("WARC-Target-URI") or None
                    where = f"{path}#{number}" + (f" {url}" if url else "")
                    try:
                        html = _page_html(record, where, limits.max_bytes)
                    except SpinlensError as exc:
                        yield Failed(where, exc, key=url)
                        continue
                    fields = {"html": html} | ({"id": url, "url": url} if url else {})
                    yield record_unit(fields, where, limits.max_bytes)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            error = InputError(f"{path}: not a readable WARC archive: {exc}")
            yield Failed(str(path), error)


def _page_html(record: Any, where: str, max_bytes: int) -> str:
    """The HTML of a response or resource record; SkippedRecord when it is not a page."""
    if record.rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if not str(status).startswith("2"):
            raise SkippedRecord(where, f"HTTP status {status}")
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if content_type and not content_type.lower().lstrip().startswith(HTML_TYPES):
        raise SkippedRecord(where, "not HTML")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        raise SkippedRecord(where, "too large")
    try:
        return decode_html(body, content_type, where, max_bytes)
    except (EmptyInputError, BinaryInputError, DecodeError):
        raise SkippedRecord(where, "no article text") from None
