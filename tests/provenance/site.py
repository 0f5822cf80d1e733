"""A small website on loopback for crawl tests: pages, feeds, robots.txt, request log.

Pages are ``path -> Page``; a page with an ``etag`` answers 304 to a matching
``If-None-Match``. Every request is logged with its headers and time, so tests can check
conditional GETs, robots.txt and the per-host pace.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.provenance.helpers import wire_record


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    base: str = ""

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]


def serve(site: Site) -> Iterator[Site]:
    """Run ``site`` on 127.0.0.1 until the generator is closed (use as a fixture body)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(Hit(self.path, dict(self.headers.items()), time.monotonic()))
            page = site.pages.get(self.path)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if page.etag and self.headers.get("If-None-Match") == page.etag:
                self.send_response(304)
                self.send_header("ETag", page.etag)
                self.end_headers()
                return
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            if page.etag:
                self.send_header("ETag", page.etag)
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def article_html(title: str, text: str, date: str | None = None) -> bytes:
    """A news page as sites publish it: navigation and footer around the article."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title>{meta}</head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>© Wire Example. All rights reserved.</footer></body></html>"
    ).encode()


def wire_page() -> bytes:
    """The demo corpus's wire story as an HTML page with no date of its own."""
    record = wire_record()
    return article_html(record["title"], record["text"])


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of ``(title, link, pubDate)`` items."""
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<pubDate>{d}</pubDate></item>"
        for t, u, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>http://wire.example/</link>{entries}</channel></rss>"
    ).encode()
