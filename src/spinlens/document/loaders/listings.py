"""Feeds and sitemaps for the core reader: recognised, and refused with a hint.

An RSS/Atom feed or an XML sitemap lists pages; it is not an article. Read as a file it would
be one garbled article of XML, and fetching its pages from ``analyze`` or from every ``batch``
worker at once would ignore robots.txt and hammer one host. Fetching them politely (robots.txt,
one request per host per second, pages already held skipped) is the crawler's job, which
``index add`` and ``watch`` run (:mod:`spinlens.provenance.crawl`). So ``analyze`` and
``batch`` get one coded error (:class:`~spinlens.errors.ListingInputError`, E108) naming the
listing and those commands. Recognition reuses the corpora parsers' own tests
(:func:`~.feeds.looks_like_feed`, :func:`~.sitemaps.looks_like_sitemap`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from spinlens.document.loaders.base import Failed, Limits, Unit
from spinlens.document.loaders.feeds import looks_like_feed
from spinlens.document.loaders.sitemaps import looks_like_sitemap
from spinlens.errors import ListingInputError

_LEADING = b"\xef\xbb\xbf \t\r\n"  # a BOM and whitespace before the first tag


def listing_kind(head: bytes) -> str | None:
    """``"feed"`` or ``"sitemap"`` when the first bytes (plain or gzipped) open one, else None.

    The document must start with markup: an article that merely quotes ``<rss>`` is not one.
    """
    if head.startswith(b"\x1f\x8b"):
        head = _gunzip_head(head)
    if not head.lstrip(_LEADING).startswith(b"<"):
        return None
    if looks_like_sitemap(head):
        return "sitemap"
    return "feed" if looks_like_feed(head) else None


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(data, 4096)
    except zlib.error:
        return b""


class ListingReader:
    """Feeds and sitemaps, told by content (``.xml`` is shared with other XML): each file is
    one :class:`ListingInputError` saying which command reads it."""

    name = "listing"
    suffixes: tuple[str, ...] = (".rss", ".atom")

    def sniff(self, head: bytes) -> bool:
        return listing_kind(head) is not None

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        with path.open("rb") as handle:
            kind = listing_kind(handle.read(4096)) or "feed"
        what = "an RSS/Atom feed" if kind == "feed" else "a sitemap"
        yield Failed(
            str(path),
            ListingInputError(
                f"{path}: {what} lists pages to fetch, it is not an article; fetch and index "
                f"them with 'spinlens index add {path}' (or keep them fetched with 'spinlens "
                "watch'), or analyze a page by its URL"
            ),
        )
