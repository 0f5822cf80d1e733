"""``spinlens analyze`` on an input that holds one bad item (a feed, a sitemap, a JSONL file of
one malformed record) prints that item's coded error as its only line, not a "skipped" line
followed by a second, generic E100 line."""

from __future__ import annotations

from pathlib import Path

from tests.core.cli_runner import run_cli
from tests.provenance.site import rss

GOOD = "The minister said the plan works, according to officials. " * 3


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_a_feed_is_one_e108_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss([("One", "https://news.example/one", "Mon, 01 Jan 2024 10:00:00 GMT")]))
    for fmt in ("json", "text", "jsonl"):
        run = run_cli("analyze", str(feed), "--only", "quotes", "-f", fmt)
        assert run.exit_code == 3, run.stderr
        (line,) = _lines(run.stderr)
        assert line.endswith("[E108]") and f"spinlens index add {feed}" in line
        assert run.stdout == ""


def test_a_file_of_one_bad_record_is_one_line_with_its_code(tmp_path: Path) -> None:
    records = tmp_path / "one.jsonl"
    records.write_text('{"id": "a", "text": 5}\n', encoding="utf-8")
    run = run_cli("analyze", str(records), "--only", "quotes", "-f", "json")
    assert run.exit_code == 3, run.stderr
    (line,) = _lines(run.stderr)
    assert line.endswith("[E105]") and "one.jsonl:1" in line


def test_a_feed_among_articles_is_still_skipped_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.rss").write_bytes(rss([("One", "https://news.example/one", "x")]))
    run = run_cli("analyze", str(folder), "--only", "quotes", "-f", "jsonl")
    assert run.exit_code == 8, run.stderr
    (line,) = _lines(run.stderr)
    assert line.startswith("spinlens: skipped ") and line.endswith("[E108]")
    assert len(run.stdout.splitlines()) == 1
