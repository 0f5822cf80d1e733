"""Indexing web archives, feeds and sitemaps: the wire story's page, archived or listed, is
found as the seed article's source, with its URL and date."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spinlens.provenance.store import Store
from tests.conftest import ROOT
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import wire_record
from tests.provenance.site import Page, Site, article_html, rss, serve, wire_page

SEED = ROOT / "examples" / "seed-article.txt"
WIRE_URL = wire_record()["url"]


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]]) -> None:
    """``(url, content type, body, status)`` response records, gzipped per record."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, content_type, body, status in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], "HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2020-01-10T08:30:00Z"},
            )
            writer.write_record(record)


def trace_json(db: Path) -> dict[str, object]:
    run = run_cli("trace", str(SEED), "--index", str(db), "--format", "json")
    assert run.exit_code == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout)
    return result


def test_warc_gz_page_is_the_seed_source_with_url_and_capture_date(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_warc(
        archive,
        [
            (WIRE_URL, "text/html; charset=utf-8", wire_page(), "200 OK"),
            ("https://wire.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "200 OK"),
            ("https://wire.example/gone", "text/html", b"<html>gone</html>", "404 Not Found"),
            ("https://wire.example/brief", "text/html", article_html("Brief", "Short."), "200 OK"),
        ],
    )
    db = tmp_path / "i.sqlite"
    run = run_cli("index", "add", str(archive), "--index", str(db), "-q")
    assert run.exit_code == 0, run.stderr
    assert "added 1, already indexed 0, skipped 3" in run.stdout
    assert "not HTML 1" in run.stdout and "too short 1" in run.stdout
    assert "HTTP status 404 1" in run.stdout

    result = trace_json(db)
    best = result["sources"][0]  # type: ignore[index]
    assert best["url"] == WIRE_URL
    assert best["date"] == "2020-01-10"  # the page has no date: the capture date stands in
    assert best["title"].startswith("ISIS newspaper applauds")
    assert result["summary"]

    again = run_cli("index", "add", str(archive), "--index", str(db), "-q")
    assert "added 0, already indexed 1" in again.stdout


def test_archive_that_is_not_warc_is_reported_bad(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(gzip.compress(b"this is not a web archive\n" * 10))
    run = run_cli("index", "add", str(broken), "--index", str(tmp_path / "i.sqlite"), "-q")
    assert run.exit_code == 8
    assert "not a readable WARC" in run.stderr


@pytest.fixture
def wire_site() -> Iterator[Site]:
    site = Site(
        pages={
            "/robots.txt": Page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/world/story.html": Page(wire_page()),
            "/world/photo.jpg": Page(b"\xff\xd8\xff\xe0", "image/jpeg"),
            "/private/memo.html": Page(wire_page()),
        }
    )
    yield from serve(site)


def test_feed_on_loopback_lets_trace_find_the_page(wire_site: Site, tmp_path: Path) -> None:
    base = wire_site.base
    wire_site.pages["/feed.xml"] = Page(
        rss(
            [
                ("Wire story", f"{base}/world/story.html", "Thu, 09 Jan 2020 10:00:00 GMT"),
                ("A photo", f"{base}/world/photo.jpg", "Thu, 09 Jan 2020 11:00:00 GMT"),
                ("Internal", f"{base}/private/memo.html", "Thu, 09 Jan 2020 12:00:00 GMT"),
            ]
        ),
        "application/rss+xml",
    )
    db = tmp_path / "i.sqlite"
    feed = f"{base}/feed.xml"
    run = run_cli("index", "add", feed, "--index", str(db), "-q", "--allow-private")
    assert run.exit_code == 8, run.stdout + run.stderr  # the robots-disallowed page is reported
    assert "added 1" in run.stdout and "not HTML 1" in run.stdout
    assert "robots.txt" in run.stderr
    assert "/private/memo.html" not in wire_site.paths()  # robots.txt honoured

    best = trace_json(db)["sources"][0]  # type: ignore[index]
    assert best["url"] == f"{base}/world/story.html"
    assert best["date"] == "2020-01-09"  # the feed's pubDate: the page has none

    fetched = len(wire_site.hits)
    again = run_cli("index", "add", feed, "--index", str(db), "-q", "--allow-private")
    assert "already indexed 1" in again.stdout
    assert "/world/story.html" not in wire_site.paths()[fetched:]  # not fetched again


def test_loopback_feed_is_refused_without_allow_private(wire_site: Site, tmp_path: Path) -> None:
    wire_site.pages["/feed.xml"] = Page(rss([]), "application/rss+xml")
    db = tmp_path / "i.sqlite"
    run = run_cli("index", "add", f"{wire_site.base}/feed.xml", "--index", str(db), "-q")
    assert run.exit_code == 8
    assert "--allow-private" in run.stderr
    assert wire_site.hits == []


def test_sitemap_file_lists_pages_to_fetch(wire_site: Site, tmp_path: Path) -> None:
    base = wire_site.base
    sitemap = tmp_path / "sitemap.xml.gz"
    sitemap.write_bytes(
        gzip.compress(
            (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/world/story.html</loc><lastmod>2020-01-08</lastmod></url>"
                "</urlset>"
            ).encode()
        )
    )
    db = tmp_path / "i.sqlite"
    run = run_cli("index", "add", str(sitemap), "--index", str(db), "-q", "--allow-private")
    assert run.exit_code == 0, run.stderr
    with Store(db) as store:
        doc = store.get(f"{base}/world/story.html")
    assert doc is not None and doc.date == "2020-01-08"


def test_core_reader_reads_warc_pages_for_analyze_and_batch(tmp_path: Path) -> None:
    from spinlens.document.loaders import read_documents
    from spinlens.errors import SkippedRecord

    archive = tmp_path / "crawl.warc.gz"
    write_warc(
        archive,
        [
            (WIRE_URL, "text/html; charset=utf-8", wire_page(), "200 OK"),
            ("https://wire.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "200 OK"),
        ],
    )
    page, logo = list(read_documents([str(archive)]))
    assert page.document is not None and page.document.url == WIRE_URL
    assert "Soleimani" in page.document.text
    assert isinstance(logo.error, SkippedRecord) and logo.error.reason == "not HTML"


def test_page_url_is_indexed_under_its_url(wire_site: Site, tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    page = f"{wire_site.base}/world/story.html"
    run = run_cli("index", "add", page, "--index", str(db), "-q", "--allow-private")
    assert run.exit_code == 0, run.stderr
    with Store(db) as store:
        doc = store.get(page)
    assert doc is not None and doc.url == page and "Soleimani" in doc.text
