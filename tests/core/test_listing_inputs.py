"""Web archives, feeds and sitemaps handed to ``analyze`` and ``batch``: archived pages are
read as articles; a feed or sitemap (it lists pages, it is not one) is one coded line saying
which command fetches its pages, instead of a garbled article of XML."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from spinlens.document.loaders import reader_for
from tests.core.cli_runner import run_cli
from tests.provenance.site import rss, wire_page
from tests.provenance.test_archives import WIRE_URL, write_warc

GOOD = "The minister said the plan works, according to officials. " * 3
SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>https://news.example/one</loc></url></urlset>\n"
)


def _feed() -> bytes:
    return rss([("One", "https://news.example/one", "Mon, 01 Jan 2024 10:00:00 GMT")])


def test_analyze_refuses_a_feed_or_sitemap_naming_the_command_that_reads_it(
    tmp_path: Path,
) -> None:
    feed, sitemap = tmp_path / "desk.xml", tmp_path / "sitemap.xml.gz"
    feed.write_bytes(_feed())
    sitemap.write_bytes(gzip.compress(SITEMAP))
    for path, what in ((feed, "RSS/Atom feed"), (sitemap, "sitemap")):
        run = run_cli("analyze", str(path), "--only", "quotes", "-f", "json")
        assert run.exit_code == 3, run.stderr
        assert f"{what} lists pages" in run.stderr and "[E108]" in run.stderr
        assert f"spinlens index add {path}" in run.stderr and "Traceback" not in run.stderr
        assert run.stdout.strip() in ("", "[]")


def test_batch_reads_the_articles_of_a_folder_and_reports_its_feed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.rss").write_bytes(_feed())
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(folder), "--out", str(out), "--only", "quotes", "--no-progress")
    assert run.exit_code == 8
    assert [json.loads(x)["document"]["id"] for x in out.open()] == ["a"]
    errors = Path(f"{out}.errors.jsonl").read_text("utf-8").splitlines()
    (error,) = [json.loads(x) for x in errors]
    assert error["code"] == "E108" and error["origin"].endswith("b.rss")


def test_an_article_that_quotes_feed_markup_is_still_an_article(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(f'Publishers still use <rss version="2.0"> feeds. {GOOD}', encoding="utf-8")
    assert reader_for(story) is None
    other = tmp_path / "data.xml"
    other.write_text("<?xml version='1.0'?><catalog><book>One</book></catalog>", "utf-8")
    assert reader_for(other) is None


def test_batch_and_analyze_read_the_pages_of_a_web_archive(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_warc(
        archive,
        [
            (WIRE_URL, "text/html; charset=utf-8", wire_page(), "200 OK"),
            ("https://wire.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "200 OK"),
        ],
    )
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(archive), "--out", str(out), "--only", "quotes", "--no-progress")
    assert run.exit_code == 8, run.stderr
    (report,) = [json.loads(x) for x in out.open()]
    assert report["document"]["id"] == WIRE_URL and "Soleimani" in report["document"]["text"]
    run = run_cli("analyze", str(archive), "--only", "quotes", "-f", "jsonl")
    assert [json.loads(x)["document"]["url"] for x in run.stdout.splitlines()] == [WIRE_URL]
    assert "not HTML" in run.stderr


def test_index_add_fetches_a_feed_whatever_its_file_name(tmp_path: Path) -> None:
    """What analyze refuses as a feed, ``index add`` (which its message names) reads as one,
    even without a .xml/.rss name: its links are fetched, not the XML indexed as an article."""
    from tests.provenance.site import Site, serve

    site = Site(pages={})
    for wire in serve(site):
        feed = tmp_path / "desk-feed"
        feed.write_bytes(rss([("Gone", f"{wire.base}/gone.html", "Thu, 09 Jan 2020 10:00:00 GMT")]))
        db = str(tmp_path / "i.sqlite")
        run = run_cli("index", "add", str(feed), "--index", db, "-q", "--allow-private")
        assert "E108" not in run.stderr, run.stderr
        assert [path for path in wire.paths() if path.endswith("gone.html")], "the link was fetched"
