"""Transactional, resumable ingest: documents become index entries, written in batches.

Every batch is one SQLite transaction, so killing ingest at any moment leaves whole documents
only; rerunning skips documents whose content hash is already in, so nothing is duplicated.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from spinlens.document import Document
from spinlens.document.loaders import Loaded
from spinlens.errors import SkippedRecord
from spinlens.provenance.crawl import ALREADY_INDEXED
from spinlens.provenance.entries import (
    Entry,
    Keys,
    Params,
    Row,
    content_hash,
    entry_from,
    keys_and_packs,
    prepare,
    prepare_row,
    watch_parent,
)
from spinlens.provenance.store import Store

__all__ = ["IngestStats", "content_hash", "entry_for", "ingest", "prepare"]

BATCH = 2000  # documents per write transaction
CHUNK = 250  # documents per worker task
MERGE_DOCS = 65_000  # documents whose deferred lookup rows are merged together (~4M rows)
IN_FLIGHT = 2  # chunks per worker queued at most
INLINE_CHUNKS = 8  # chunks done here before workers start (starting them costs ~1 s each)


def entry_for(doc: Document, params: Params) -> Entry:
    return prepare_row(row_of(doc), params)


def row_of(doc: Document) -> Row:
    """What a worker needs of a document to make its entry."""
    doc_id = doc.id or content_hash(doc.text)[:16]
    source = doc.meta.get("source") or doc.domain
    return (doc_id, doc.text, doc.url, doc.title, doc.date, source)


class Preparer:
    """Turns rows into entries, in input order: in this process, or in ``workers`` processes
    started once the input proves larger than a few chunks (small inputs never pay for them).

    Workers get only the texts and send back keys and packed texts (numpy arrays and bytes,
    cheap to pickle). At most two chunks per worker are in flight, so memory stays bounded.
    """

    def __init__(self, params: Params, workers: int = 1, chunk: int = CHUNK) -> None:
        self.params = params
        self.workers = workers
        self.chunk = chunk
        self.pool: ProcessPoolExecutor | None = None
        self.flight: deque[tuple[list[Row], Future[list[tuple[Keys, bytes]]]]] = deque()
        self.submitted = 0

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, rows: list[Row]) -> Iterator[list[Entry]]:
        """Queue a chunk; yields the chunks finished meanwhile (oldest first)."""
        self.submitted += 1
        if self.workers <= 1 or (self.pool is None and self.submitted <= INLINE_CHUNKS):
            yield [prepare_row(row, self.params) for row in rows]
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("spawn"),
                initializer=watch_parent,
                initargs=(os.getpid(),),
            )
        texts = [row[1] for row in rows]
        self.flight.append((rows, self.pool.submit(keys_and_packs, texts, self.params)))
        while len(self.flight) > IN_FLIGHT * self.workers or (
            self.flight and self.flight[0][1].done()
        ):
            yield self._collect()

    def drain(self) -> Iterator[list[Entry]]:
        while self.flight:
            yield self._collect()

    def _collect(self) -> list[Entry]:
        rows, future = self.flight.popleft()
        return [
            entry_from(row, keys, packed)
            for row, (keys, packed) in zip(rows, future.result(), strict=True)
        ]


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
    workers: int = 1,
) -> IngestStats:
    """Index every loaded document; bad items are counted, not fatal.

    Entries are computed in ``workers`` processes while this one reads and writes; each write
    of ``batch`` documents is one transaction. Their lookup rows are deferred and merged into
    the b-trees in key order every :data:`MERGE_DOCS` documents and at the end (see
    :meth:`Store.merge_pending`): documents become searchable when ingest finishes.
    """
    stats = IngestStats()
    rows: list[Row] = []
    pending: list[Entry] = []

    def write(entries: list[Entry], force: bool = False) -> None:
        pending.extend(entries)
        if pending and (force or len(pending) >= batch):
            added = store.add(pending, defer=True)
            stats.skipped += len(pending) - added
            stats.added += added
            pending.clear()
            if store.pending_rows() >= MERGE_DOCS:
                store.merge_pending()

    with Preparer(store.params, workers) as preparer:
        for item in items:
            stats.seen += 1
            if isinstance(item.error, SkippedRecord):
                if item.error.reason == ALREADY_INDEXED:
                    stats.skipped += 1
                else:
                    stats.not_articles[item.error.reason] += 1
            elif item.error is not None or item.document is None:
                stats.errors.append(skip_message(item))
            else:
                rows.append(row_of(item.document))
                if len(rows) >= preparer.chunk:
                    for entries in preparer.submit(rows):
                        write(entries)
                    rows = []
            if on_item is not None:
                on_item()
        if rows:
            for entries in preparer.submit(rows):
                write(entries)
        for entries in preparer.drain():
            write(entries)
        write([], force=True)
    store.merge_pending()
    return stats


def skip_message(item: Loaded) -> str:
    """``origin: reason [code]``, as ``analyze`` and ``batch`` word a skipped input."""
    error = item.error
    reason = str(error) if error is not None else "no document"
    if not reason.startswith(item.origin):
        reason = f"{item.origin}: {reason}"
    return f"{reason} [{error.code}]" if error is not None else reason
