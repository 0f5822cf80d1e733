"""Transactional, resumable ingest: documents become index entries, written in batches.

Every batch is one SQLite transaction, so killing ingest at any moment leaves whole documents
only; rerunning skips documents whose content hash is already in, so nothing is duplicated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spinlens.document import Document
from spinlens.document.loaders import Loaded
from spinlens.errors import SkippedRecord
from spinlens.provenance.crawl import ALREADY_INDEXED
from spinlens.provenance.entries import Entry, Params, content_hash, prepare
from spinlens.provenance.store import Store

__all__ = ["IngestStats", "content_hash", "entry_for", "ingest", "prepare"]

BATCH = 500


def entry_for(doc: Document, params: Params) -> Entry:
    doc_id = doc.id or content_hash(doc.text)[:16]
    return prepare(
        doc_id,
        doc.text,
        params,
        url=doc.url,
        title=doc.title,
        date=doc.date,
        source=doc.meta.get("source") or doc.domain,
    )


@dataclass
class IngestStats:
    seen: int = 0
    added: int = 0
    skipped: int = 0  # already in the index (same content, or a listed URL already held)
    errors: list[str] = field(default_factory=list)
    not_articles: Counter[str] = field(default_factory=Counter)  # skipped records by reason

    def summary(self) -> str:
        """One line: ``added 3, already indexed 1, skipped 2 (not HTML 1, too short 1), bad 0``."""
        skipped = sum(self.not_articles.values())
        reasons = ", ".join(f"{why} {n}" for why, n in sorted(self.not_articles.items()))
        return (
            f"added {self.added}, already indexed {self.skipped}, "
            f"skipped {skipped}"
            + (f" ({reasons})" if reasons else "")
            + f", bad {len(self.errors)}"
        )


def ingest(
    store: Store,
    items: Iterable[Loaded],
    *,
    batch: int = BATCH,
    on_item: Callable[[], None] | None = None,
) -> IngestStats:
    """Index every loaded document; bad items are counted, not fatal."""
    stats = IngestStats()
    pending: list[Entry] = []

    def flush() -> None:
        known = store.known_hashes([e.content_hash for e in pending])
        fresh = [e for e in pending if e.content_hash not in known]
        stats.skipped += len(pending) - len(fresh)
        added = store.add(fresh)
        stats.skipped += len(fresh) - added
        stats.added += added
        pending.clear()

    for item in items:
        stats.seen += 1
        if isinstance(item.error, SkippedRecord):
            if item.error.reason == ALREADY_INDEXED:
                stats.skipped += 1
            else:
                stats.not_articles[item.error.reason] += 1
        elif item.error is not None or item.document is None:
            stats.errors.append(f"{item.origin}: {item.error}")
        else:
            pending.append(entry_for(item.document, store.params))
            if len(pending) >= batch:
                flush()
        if on_item is not None:
            on_item()
    if pending:
        flush()
    return stats
