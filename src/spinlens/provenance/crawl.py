"""From feeds, sitemaps and web archives (files or URLs) to article Documents.

A feed or sitemap lists pages; each page is fetched politely (:class:`PoliteClient`) and
extracted like any HTML page, keeping the listing's title and date where the page has none.
A sitemap index is followed to its child sitemaps (a few levels deep). Pages the caller
already has (``known``: URLs in the index) are skipped before any request is made.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spinlens.document.document import Document
from spinlens.document.loaders import Loaded
from spinlens.document.loaders.feeds import Link, looks_like_feed, parse_feed
from spinlens.document.loaders.html import document_from_html, looks_like_html
from spinlens.document.loaders.sitemaps import looks_like_sitemap, parse_sitemap
from spinlens.document.loaders.warc import (
    MIN_WORDS,
    decode_html,
    finish_page,
    iter_warc,
    looks_like_warc,
)
from spinlens.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    SkippedRecord,
    SpinlensError,
)
from spinlens.provenance.fetch import PoliteClient

MAX_SITEMAP_DEPTH = 3  # sitemap index -> sitemap -> pages, with room for one more level
Known = Callable[[str], bool]
ALREADY_INDEXED = "already indexed"  # the SkippedRecord reason for a page the index holds


@dataclass(frozen=True, slots=True)
class CrawlLimits:
    max_bytes: int = 5_000_000
    min_words: int = MIN_WORDS


def is_listing(data: bytes) -> bool:
    """True for a feed or a sitemap (plain or gzipped)."""
    head = _head(data)
    return looks_like_feed(head) or looks_like_sitemap(head)


def links_in(data: bytes, *, origin: str, base_url: str | None = None) -> list[Link]:
    """The links of a feed or sitemap; InputError when it is neither."""
    head = _head(data)
    if looks_like_sitemap(head):
        return parse_sitemap(data, origin=origin)
    if looks_like_feed(head):
        return parse_feed(data, origin=origin, base_url=base_url)
    raise InputError(f"{origin}: not an RSS/Atom feed or an XML sitemap")


def iter_fetched(
    client: PoliteClient,
    url: str,
    data: bytes,
    *,
    limits: CrawlLimits,
    known: Known,
    content_type: str = "",
) -> Iterator[Loaded]:
    """Articles from a fetched URL's body: a WARC, a feed or sitemap, or one HTML page."""
    if looks_like_warc(data[:512]):
        yield from iter_warc(
            io.BytesIO(data), origin=url, max_bytes=limits.max_bytes, min_words=limits.min_words
        )
    elif is_listing(data):
        yield from iter_listing(client, data, origin=url, base_url=url, limits=limits, known=known)
    else:
        yield _guard(url, lambda: page_document(data, Link(url), content_type, limits))


def iter_listing(
    client: PoliteClient,
    data: bytes,
    *,
    origin: str,
    base_url: str | None,
    limits: CrawlLimits,
    known: Known,
    depth: int = 0,
) -> Iterator[Loaded]:
    """Every article a feed or sitemap lists, fetched one by one."""
    for item in article_links(client, data, origin=origin, base_url=base_url, depth=depth):
        if isinstance(item, Loaded):
            yield item
        elif known(item.url):
            yield Loaded(item.url, error=SkippedRecord(item.url, ALREADY_INDEXED))
        else:
            yield fetch_page(client, item, limits)


def article_links(
    client: PoliteClient,
    data: bytes,
    *,
    origin: str,
    base_url: str | None,
    depth: int = 0,
) -> Iterator[Link | Loaded]:
    """The article links of a feed or sitemap, child sitemaps of an index followed; a listing
    that cannot be read or fetched comes as a Loaded error in its place."""
    try:
        links = links_in(data, origin=origin, base_url=base_url)
    except SpinlensError as exc:
        yield Loaded(origin, error=exc)
        return
    for link in links:
        if not link.is_listing:
            yield link
        elif depth >= MAX_SITEMAP_DEPTH:
            yield Loaded(link.url, error=SkippedRecord(link.url, "sitemaps nested too deep"))
        else:
            try:
                child = client.get(link.url)
            except SpinlensError as exc:
                yield Loaded(link.url, error=exc)
                continue
            yield from article_links(
                client, child.body, origin=link.url, base_url=child.url, depth=depth + 1
            )


def fetch_page(client: PoliteClient, link: Link, limits: CrawlLimits) -> Loaded:
    """One listed article: its page fetched and extracted; the listing's own content (a feed's
    ``content:encoded``) when the page cannot be fetched."""
    try:
        fetched = client.get(link.url)
    except SpinlensError as exc:
        if link.html:
            body = link.html.encode("utf-8")
            return _guard(link.url, lambda: page_document(body, link, "", limits))
        return Loaded(link.url, error=exc)
    return _guard(link.url, lambda: page_document(fetched.body, link, fetched.content_type, limits))


def page_document(data: bytes, link: Link, content_type: str, limits: CrawlLimits) -> Document:
    """An article page as a Document (URL as id); SkippedRecord when it is not an article."""
    if content_type and "html" not in content_type.lower():
        raise SkippedRecord(link.url, "not HTML")
    try:
        html = decode_html(data, content_type, link.url, limits.max_bytes)
        if not looks_like_html(html) and "<p" not in html[:5000].lower():
            raise SkippedRecord(link.url, "not HTML")
        doc = document_from_html(html, url=link.url, name=link.url, doc_id=link.url)
    except (EmptyInputError, BinaryInputError, DecodeError):
        raise SkippedRecord(link.url, "no article text") from None
    return finish_page(
        doc, link.url, url=link.url, date=link.date, title=link.title, min_words=limits.min_words
    )


def _guard(origin: str, load: Callable[[], Document]) -> Loaded:
    try:
        return Loaded(origin, document=load())
    except SpinlensError as exc:
        return Loaded(origin, error=exc)


def _head(data: bytes) -> bytes:
    """The first 4 KB of the content, inflated when gzipped."""
    if data.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(wbits=31).decompress(data[:65536], 4096)
        except zlib.error:
            return data[:4096]
    return data[:4096]


class Crawler:
    """Reads listings and URLs for the index with one polite client, made on first use."""

    def __init__(
        self,
        *,
        limits: CrawlLimits = CrawlLimits(),
        known: Known = lambda url: False,
        allow_private: bool = False,
        timeout: float = 15.0,
    ) -> None:
        self.limits = limits
        self.known = known
        self.allow_private = allow_private
        self.timeout = timeout
        self._client: PoliteClient | None = None

    @property
    def client(self) -> PoliteClient:
        if self._client is None:
            self._client = PoliteClient(
                timeout=self.timeout,
                max_bytes=self.limits.max_bytes,
                allow_private=self.allow_private,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def read_url(self, url: str) -> Iterator[Loaded]:
        """A page, feed, sitemap or WARC at ``url``; a page already indexed is not fetched."""
        if self.known(url):
            yield Loaded(url, error=SkippedRecord(url, ALREADY_INDEXED))
            return
        try:
            fetched = self.client.get(url)
        except SpinlensError as exc:
            yield Loaded(url, error=exc)
            return
        yield from iter_fetched(
            self.client,
            fetched.url,
            fetched.body,
            limits=self.limits,
            known=self.known,
            content_type=fetched.content_type,
        )

    def read_listing(self, origin: str, data: bytes) -> Iterator[Loaded]:
        """The articles a feed or sitemap file lists, fetched from the web."""
        yield from iter_listing(
            self.client, data, origin=origin, base_url=None, limits=self.limits, known=self.known
        )
