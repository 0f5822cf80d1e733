"""Watch feeds and sitemaps: index each new article and alert when it copies an indexed one
with changes.

State lives in the index itself (tables ``watch_listings`` and ``watch_pages``), so a rerun
continues where the last one stopped: listings are fetched with the validators they last sent
(``ETag`` / ``Last-Modified``: an unchanged feed costs one ``304``), and a listed page is fetched
once — after it is indexed (its URL is in ``documents``) or found not to be an article. A
page that failed to fetch is tried again on later polls, up to :data:`MAX_ATTEMPTS` times.

Each new article is traced against the index *before* it is added. When most of it comes from
one indexed document and the diff is not empty, an alert (one JSON line) is written and
flushed before the article is indexed: an interruption between the two repeats the alert on
the next run rather than losing it. A listing's validators are saved only after all its pages
are handled, so an interrupted poll re-reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from spinlens.document.document import Document
from spinlens.document.loaders import Loaded
from spinlens.errors import SkippedRecord, SpinlensError
from spinlens.provenance.crawl import CrawlLimits, article_links, fetch_page
from spinlens.provenance.fetch import PoliteClient, RobotsDisallowed
from spinlens.provenance.ingest import entry_for
from spinlens.provenance.store import Store
from spinlens.provenance.trace import trace

STATE = """
CREATE TABLE IF NOT EXISTS watch_listings (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, polled TEXT
);
CREATE TABLE IF NOT EXISTS watch_pages (
    url TEXT PRIMARY KEY, listing TEXT, outcome TEXT NOT NULL, attempts INTEGER NOT NULL,
    seen TEXT NOT NULL
);
"""
MAX_ATTEMPTS = 3  # a page that fails this many polls is given up
COPY_CONTAINMENT = 0.5  # share of the new article found in its best source to call it a copy
# Changes that alter what a copy says, not only how: an alert with any of them is
# "substantive_changes", otherwise "wording_changes".
SUBSTANTIVE = frozenset(
    {
        "quote_added",
        "quote_altered",
        "quote_removed",
        "attribution_changed",
        "new_claim",
        "number_changed",
        "entity_changed",
        "loaded_wording",
    }
)
SUSPECT_QUOTES = frozenset({"quote_not_found", "quote_misattributed", "quote_altered_in_source"})


@dataclass
class PollStats:
    listings: int = 0
    unchanged: int = 0  # answered 304
    new_pages: int = 0
    indexed: int = 0
    alerts: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()))
        return (
            f"{self.listings} listings ({self.unchanged} unchanged), {self.new_pages} new pages, "
            f"{self.indexed} indexed, {self.alerts} alerts, "
            f"skipped {sum(self.skipped.values())}"
            + (f" ({skipped})" if skipped else "")
            + f", errors {len(self.errors)}"
        )


class Watcher:
    """Polls listings into one index; ``alerts`` receives one JSON line per alert."""

    def __init__(
        self,
        store: Store,
        client: PoliteClient,
        alerts: IO[str],
        *,
        limits: CrawlLimits = CrawlLimits(),
        on_error: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.store = store
        self.client = client
        self.alerts = alerts
        self.limits = limits
        self.on_error = on_error
        store.conn.executescript(STATE)

    def poll(self, listings: Sequence[str]) -> PollStats:
        """One pass over every listing."""
        stats = PollStats()
        for url in listings:
            stats.listings += 1
            self._poll_listing(url, stats)
        return stats

    def _poll_listing(self, url: str, stats: PollStats) -> None:
        row = self.store.conn.execute(
            "SELECT etag, last_modified FROM watch_listings WHERE url = ?", (url,)
        ).fetchone()
        etag, modified = row if row else (None, None)
        try:
            fetched = self.client.get(url, etag=etag, last_modified=modified)
        except SpinlensError as exc:
            self._error(stats, str(exc))
            return
        if fetched.not_modified:
            stats.unchanged += 1
            self._save_listing(url, etag, modified)
            return
        for item in article_links(self.client, fetched.body, origin=url, base_url=fetched.url):
            if isinstance(item, Loaded):
                self._error(stats, f"{item.origin}: {item.error}")
                continue
            if self._handled(item.url):
                continue
            stats.new_pages += 1
            self._page(url, fetch_page(self.client, item, self.limits), stats)
        self._save_listing(url, fetched.etag, fetched.last_modified)

    def _handled(self, url: str) -> bool:
        if self.store.has_url(url):
            return True
        row = self.store.conn.execute(
            "SELECT outcome, attempts FROM watch_pages WHERE url = ?", (url,)
        ).fetchone()
        return row is not None and (row[0] != "error" or row[1] >= MAX_ATTEMPTS)

    def _page(self, listing: str, loaded: Loaded, stats: PollStats) -> None:
        url = loaded.origin
        if isinstance(loaded.error, SkippedRecord | RobotsDisallowed):
            reason = (
                loaded.error.reason
                if isinstance(loaded.error, SkippedRecord)
                else "robots.txt disallows"
            )
            stats.skipped[reason] += 1
            self._mark(url, listing, reason)
            return
        if loaded.error is not None or loaded.document is None:
            self._error(stats, f"{url}: {loaded.error}")
            self._mark(url, listing, "error")
            return
        doc = loaded.document
        alert = self._alert(doc, listing)
        if alert is not None:
            self.alerts.write(json.dumps(alert, ensure_ascii=False) + "\n")
            self.alerts.flush()
            _sync(self.alerts)
            stats.alerts += 1
        added = self.store.add([entry_for(doc, self.store.params)])
        stats.indexed += added
        if not added:  # same text as an indexed page under another URL
            stats.skipped["already indexed"] += 1
            self._mark(url, listing, "already indexed")

    def _alert(self, doc: Document, listing: str) -> dict[str, Any] | None:
        result = trace(self.store, doc.text, doc_id=doc.id, top=3)
        sources = result["sources"]
        if not sources or not result["mutations"]:
            return None
        best = sources[0]
        if best["containment"] < COPY_CONTAINMENT:
            return None
        verdict, reasons = judge(result["summary"], result.get("quotes") or [])
        return {
            "time": _now(),
            "url": doc.url,
            "title": doc.title,
            "date": doc.date,
            "listing": listing,
            "best_source": {
                key: best[key]
                for key in ("id", "url", "title", "date", "containment", "source_containment")
            },
            "mutations": result["summary"],
            "total_mutations": len(result["mutations"]),
            "quotes": dict(Counter(q["label"] for q in result.get("quotes") or [])),
            "verdict": verdict,
            "reasons": reasons,
        }

    def _mark(self, url: str, listing: str, outcome: str) -> None:
        self.store.conn.execute(
            "INSERT INTO watch_pages (url, listing, outcome, attempts, seen) VALUES (?, ?, ?, 1, ?)"
            " ON CONFLICT (url) DO UPDATE SET outcome = excluded.outcome,"
            " attempts = attempts + 1, seen = excluded.seen",
            (url, listing, outcome, _now()),
        )

    def _save_listing(self, url: str, etag: str | None, modified: str | None) -> None:
        self.store.conn.execute(
            "INSERT INTO watch_listings (url, etag, last_modified, polled) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, polled = excluded.polled",
            (url, etag, modified, _now()),
        )

    def _error(self, stats: PollStats, line: str) -> None:
        stats.errors.append(line)
        self.on_error(line)


def judge(summary: Mapping[str, int], quotes: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    """``substantive_changes`` when the copy changes what is said (claims, quotes,
    attribution, numbers, names, loaded words, or quotes the source does not back),
    else ``wording_changes``; with the reasons."""
    reasons = [f"{kind} {n}" for kind, n in sorted(summary.items()) if kind in SUBSTANTIVE]
    suspect = Counter(str(q["label"]) for q in quotes if q.get("label") in SUSPECT_QUOTES)
    reasons += [f"{label} {n}" for label, n in sorted(suspect.items())]
    return ("substantive_changes" if reasons else "wording_changes"), reasons


def parse_every(value: str) -> float:
    """``90``, ``90s``, ``15m``, ``2h``, ``1d`` as seconds (at least 1)."""
    from spinlens.errors import ConfigError

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = value.strip().lower()
    scale = units.get(text[-1:])
    number = text[:-1] if scale else text
    try:
        seconds = float(number) * (scale or 1)
    except ValueError:
        raise ConfigError(f"--every '{value}': use a number with s, m, h or d (e.g. 15m)") from None
    if seconds < 1:
        raise ConfigError(f"--every '{value}': at least one second")
    return seconds


def _sync(handle: IO[str]) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # a pipe: nothing to sync
        os.fsync(handle.fileno())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sleep_until(deadline: float, *, clock: Callable[[], float] = time.monotonic) -> None:
    """Sleep in short steps until ``deadline`` so Ctrl-C is answered at once."""
    while (left := deadline - clock()) > 0:
        time.sleep(min(left, 1.0))
