"""XML sitemaps (``urlset``, ``sitemapindex``, Google News sitemaps), plain or gzipped.

Parsed with lxml with entity expansion, DTD loading and network access off (an untrusted
sitemap cannot read local files or make requests). A sitemap index lists child sitemaps
(``is_listing``); a url set lists pages with ``lastmod`` (or the news publication date and
title), kept as the page's date and title when the page has none.
"""

from __future__ import annotations

import re
import zlib

from spinlens.document.loaders.feeds import Link
from spinlens.errors import InputTooLargeError, MalformedRecordError

_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]")
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, uncompressed


def looks_like_sitemap(head: bytes) -> bool:
    """True when the first bytes open a sitemap or a sitemap index."""
    return bool(_SITEMAP_ROOT.search(head[:2000]))


def gunzip_capped(data: bytes, *, origin: str, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Gzipped bytes inflated to at most ``limit`` bytes (a zip bomb stops at the cap)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedRecordError(f"{origin}: not readable gzip: {exc}") from None
    if len(out) > limit:
        raise InputTooLargeError(f"{origin}: larger than {limit:,} bytes uncompressed")
    return out


def parse_sitemap(data: bytes, *, origin: str) -> list[Link]:
    """The pages (or child sitemaps) a sitemap lists, in document order."""
    from lxml import etree

    data = gunzip_capped(data, origin=origin)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedRecordError(f"{origin}: not a readable XML sitemap: {exc}") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise MalformedRecordError(f"{origin}: not a sitemap (root element <{kind}>)")
    child = "url" if kind == "urlset" else "sitemap"
    links = []
    for node in root.iterfind(f"{{*}}{child}"):
        url = _text(node.find("{*}loc"))
        if not url or not url.startswith(("http://", "https://")):
            continue
        news = node.find("{*}news")
        date = _text(news.find("{*}publication_date")) if news is not None else None
        title = _text(news.find("{*}title")) if news is not None else None
        date = date or _text(node.find("{*}lastmod"))
        links.append(
            Link(
                url=url,
                title=title,
                date=date[:10] if date and len(date) >= 10 else None,
                is_listing=kind == "sitemapindex",
            )
        )
    return links


def _text(node: object) -> str | None:
    value = getattr(node, "text", None)
    return value.strip() or None if isinstance(value, str) else None
