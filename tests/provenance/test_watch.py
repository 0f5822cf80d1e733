"""``spinlens watch``: new articles from a feed are indexed, an altered copy of an indexed
story raises an alert, and a rerun continues (conditional GET, no page fetched twice)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinlens.provenance.store import Store
from spinlens.provenance.watch import parse_every
from tests.conftest import ROOT
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS
from tests.provenance.site import Page, Site, article_html, rss, serve

SEED = (ROOT / "examples" / "seed-article.txt").read_text(encoding="utf-8")


@pytest.fixture
def news_site() -> Iterator[Site]:
    site = Site(
        pages={
            "/news/soleimani.html": Page(article_html("ISIS and the killing", SEED)),
            "/news/chart.png": Page(b"\x89PNG\r\n\x1a\n", "image/png"),
        }
    )
    yield from serve(site)


@pytest.fixture
def wire_index(tmp_path: Path) -> Path:
    db = tmp_path / "i.sqlite"
    assert run_cli("index", "add", str(CORPUS), "--index", str(db), "-q").exit_code == 0
    return db


def feed_page(site: Site) -> Page:
    items = [
        ("ISIS and the killing", f"{site.base}/news/soleimani.html", "Fri, 10 Jan 2020 07:00 GMT"),
        ("Chart", f"{site.base}/news/chart.png", "Fri, 10 Jan 2020 08:00 GMT"),
    ]
    return Page(rss(items), "application/rss+xml", etag='"v1"')


def watch(db: Path, alerts: Path, *urls: str, private: bool = True) -> tuple[int, str]:
    args = ["watch", *urls, "--once", "--index", str(db), "--alerts", str(alerts)]
    run = run_cli(*args, *(["--allow-private"] if private else []))
    return run.exit_code, run.stderr


def test_altered_copy_in_a_feed_raises_an_alert_once(
    news_site: Site, wire_index: Path, tmp_path: Path
) -> None:
    news_site.pages["/feed.xml"] = feed_page(news_site)
    feed = f"{news_site.base}/feed.xml"
    alerts = tmp_path / "alerts.jsonl"
    code, err = watch(wire_index, alerts, feed)
    assert code == 0, err
    [alert] = [json.loads(line) for line in alerts.read_text().splitlines()]
    assert alert["url"] == f"{news_site.base}/news/soleimani.html"
    assert alert["best_source"]["id"] == "wire-isis-soleimani"
    assert alert["best_source"]["url"] == "https://wire.example/world/isis-newspaper-soleimani"
    assert alert["verdict"] == "substantive_changes"
    assert alert["mutations"].get("new_claim", 0) >= 1
    assert alert["total_mutations"] == sum(alert["mutations"].values())
    with Store(wire_index) as store:
        assert store.has_url(alert["url"])  # the new article is indexed too
    assert "1 indexed, 1 alerts, skipped 1 (not HTML 1)" in err

    seen = len(news_site.hits)
    code, err = watch(wire_index, alerts, feed)
    assert code == 0, err
    assert len(alerts.read_text().splitlines()) == 1  # no repeated alert
    [again] = [h for h in news_site.hits[seen:] if h.path == "/feed.xml"]
    assert again.headers.get("If-None-Match") == '"v1"'  # conditional GET: answered 304
    assert "(1 unchanged)" in err
    assert not {"/news/soleimani.html", "/news/chart.png"} & set(news_site.paths()[seen:])


def test_interrupted_watch_stops_cleanly_and_a_rerun_continues(
    news_site: Site, wire_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news_site.pages["/feed.xml"] = feed_page(news_site)
    feed = f"{news_site.base}/feed.xml"
    alerts = tmp_path / "alerts.jsonl"
    real_add = Store.add

    def interrupted(self: Store, entries: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "add", interrupted)
    code, err = watch(wire_index, alerts, feed)
    assert code == 130
    assert "rerun to continue" in err
    monkeypatch.setattr(Store, "add", real_add)
    code, err = watch(wire_index, alerts, feed)
    assert code == 0, err
    assert "1 indexed" in err  # the listing was re-read, not answered 304
    with Store(wire_index) as store:
        assert store.has_url(f"{news_site.base}/news/soleimani.html")


def test_loopback_feeds_are_refused_without_allow_private(
    news_site: Site, wire_index: Path, tmp_path: Path
) -> None:
    news_site.pages["/feed.xml"] = feed_page(news_site)
    code, err = watch(wire_index, tmp_path / "a.jsonl", f"{news_site.base}/feed.xml", private=False)
    assert code == 8
    assert "--allow-private" in err and "errors 1" in err
    assert news_site.hits == []


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200)])
def test_every_accepts_units(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_bad_every_and_non_url_are_one_line_errors(tmp_path: Path) -> None:
    run = run_cli("watch", "https://example.org/feed", "--every", "soon", "--once")
    assert run.exit_code == 5 and "--every" in run.stderr
    run = run_cli("watch", str(tmp_path / "feed.xml"), "--once")
    assert run.exit_code == 3 and "http(s) URLs" in run.stderr
