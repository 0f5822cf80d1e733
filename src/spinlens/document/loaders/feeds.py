"""RSS and Atom feeds (feedparser): the article links a feed lists, with title and date.

A feed lists articles; it rarely holds their full text. Callers fetch each link's page and
extract it like any HTML page, keeping the feed's title and ``pubDate`` when the page has none
(:func:`spinlens.document.loaders.warc.finish_page`). The feed's own HTML content (RSS
``content:encoded``, Atom ``content``) is kept for when the page cannot be fetched.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import Any

from spinlens.errors import MalformedRecordError

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """A page a feed or a sitemap points at, with what the listing says about it."""

    url: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    html: str | None = None  # the full content the listing carries, if any
    is_listing: bool = False  # a sitemap index's child sitemap, not an article


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes open an RSS, Atom or RDF (RSS 1.0) document."""
    return bool(_FEED_ROOT.search(head[:2000]))


def parse_feed(data: bytes, *, origin: str, base_url: str | None = None) -> list[Link]:
    """The entries of a feed, in feed order; a document with no entries that is not a feed
    raises MalformedRecordError."""
    import feedparser

    # a stream, never a string: feedparser fetches strings that look like URLs
    parsed: Any = feedparser.parse(
        io.BytesIO(data), response_headers={"content-location": base_url or ""}
    )
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no feed entries"
        raise MalformedRecordError(f"{origin}: not a readable RSS/Atom feed ({reason})")
    links = []
    for entry in parsed.entries:
        url = entry.get("link")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        links.append(
            Link(
                url=url,
                title=_clean(entry.get("title")),
                date=_day(entry.get("published_parsed") or entry.get("updated_parsed")),
                html=_content(entry),
            )
        )
    return links


def _content(entry: Any) -> str | None:
    for item in entry.get("content") or []:
        value = item.get("value")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _day(parsed: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _clean(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
