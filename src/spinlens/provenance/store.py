"""The provenance index: one SQLite file (WAL) with documents, LSH band keys and fingerprints.

Tables: ``documents`` (text stored zlib-compressed, unique id and content hash), ``bands``
(MinHash LSH band key -> document, for near-duplicates) and ``fingerprints`` (sampled shingle
hash -> document, for partial reuse). Both lookup tables are ``WITHOUT ROWID`` b-trees keyed by
hash, so a query reads only the rows it needs and never rebuilds the LSH in memory.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from spinlens import sqlitedb
from spinlens.errors import ConfigError, InputError
from spinlens.provenance.entries import Entry, Params, pack, prepare
from spinlens.provenance.entries import KeyValues as Keys
from spinlens.provenance.shingles import FORMAT
from spinlens.stores import PROVENANCE

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT, title TEXT, date TEXT, source TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    n_words INTEGER NOT NULL,
    text BLOB NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_keys (
    doc INTEGER NOT NULL, bands BLOB NOT NULL, fingerprints BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    hash INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (hash, doc)
) WITHOUT ROWID;
"""
_CHUNK = 900  # stay under SQLite's bound-parameter limit on old builds
CACHE_KB = 65_536  # SQLite page cache: bulk inserts into the hash b-trees stay in memory longer
MAX_DF = 1000  # a fingerprint in more documents than this is boilerplate, not evidence


@dataclass(frozen=True, slots=True)
class StoredDoc:
    pk: int
    id: str
    text: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class Store:
    """Open (or create) an index; use as a context manager or call ``close``."""

    def __init__(
        self,
        path: Path,
        *,
        create: bool = True,
        params: Params | None = None,
        upgrade: bool = False,
    ) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError(f"no provenance index at {self.path} (run 'spinlens index add')")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlitedb.connect(
                self.path, PROVENANCE.name, PROVENANCE.fill, timeout=30.0, isolation_level=None
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path} is not a usable provenance index: {exc}") from None
        self.params = self._load_params(params or Params())
        self.format = self._check_format(upgrade)
        if create and self.format == FORMAT:
            self.merge_pending()  # left by a bulk ingest that was interrupted

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _load_params(self, wanted: Params) -> Params:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        if row is not None:
            return Params(**json.loads(row[0]))
        if wanted.num_perm % wanted.bands:
            raise ConfigError("num_perm must be a multiple of bands")
        value = json.dumps(
            {
                "k": wanted.k,
                "num_perm": wanted.num_perm,
                "bands": wanted.bands,
                "sample": wanted.sample,
            }
        )
        self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('params', ?)", (value,))
        return wanted

    def _check_format(self, upgrade: bool) -> int:
        """The index format; an index of another format is refused (an older one can be
        upgraded in place, see :meth:`upgrade`)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is not None:
            found = int(row[0])
        elif self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (str(FORMAT),))
            found = FORMAT
        else:
            found = 1  # before formats were recorded
        if found > FORMAT:
            raise ConfigError(
                f"{self.path} has index format {found}, newer than this spinlens reads "
                f"({FORMAT}): upgrade spinlens"
            )
        if found < FORMAT and not upgrade:
            raise ConfigError(
                f"{self.path} has index format {found}; this spinlens reads format {FORMAT}: "
                f"run 'spinlens index upgrade --index {self.path}' (recomputes the lookup keys "
                "from the stored texts; documents are kept)"
            )
        return found

    def upgrade(self, on_doc: Callable[[], None] | None = None) -> int:
        """Recompute every document's lookup keys in the current format, in one transaction
        (an interruption leaves the index as it was); returns the documents done."""
        done = 0
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM bands")
            self.conn.execute("DELETE FROM fingerprints")
            self.conn.execute("DELETE FROM pending_keys")
            reader = self.conn.cursor()
            for pk, doc_id, blob in reader.execute("SELECT pk, id, text FROM documents"):
                entry = prepare(doc_id, _unpack(blob), self.params)
                keys = _Rows()
                keys.add(pk, entry.band_keys, entry.fingerprints)
                keys.write(self.conn)
                done += 1
                if on_doc is not None:
                    on_doc()
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (str(FORMAT),))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.format = FORMAT
        return done

    # -- writing -------------------------------------------------------------------------

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(hashes)):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT content_hash FROM documents WHERE content_hash IN ({marks})", chunk
            )
            found.update(r[0] for r in rows)
        return found

    def add(self, entries: Sequence[Entry], *, defer: bool = False) -> int:
        """Write a batch in one transaction; skips known content, replaces a changed id.

        Lookup rows of the whole batch are written together, sorted by key, so the b-trees
        are walked in order rather than hit at random once per document.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        keys = _Rows(pending=defer)
        docs: list[tuple[object, ...]] = []
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            known = self.known_hashes([e.content_hash for e in entries])
            ids = self._known_ids([e.id for e in entries])
            pk = int(self.conn.execute("SELECT COALESCE(MAX(pk), 0) FROM documents").fetchone()[0])
            added = 0
            for entry in entries:
                if entry.content_hash in known:
                    continue
                known.add(entry.content_hash)
                if entry.id in ids:  # replaced: write what came before it, then delete it
                    self._write_docs(docs)
                    keys.write(self.conn)
                    self._delete_id(entry.id)
                ids.add(entry.id)
                pk += 1
                docs.append(
                    (
                        pk,
                        entry.id,
                        entry.url,
                        entry.title,
                        entry.date,
                        entry.source,
                        entry.content_hash,
                        entry.n_words,
                        entry.packed if entry.packed is not None else pack(entry.text),
                        now,
                    )
                )
                keys.add(pk, entry.band_keys, entry.fingerprints)
                added += 1
            self._write_docs(docs)
            keys.write(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return added

    def _write_docs(self, docs: list[tuple[object, ...]]) -> None:
        self.conn.executemany(
            "INSERT INTO documents (pk, id, url, title, date, source, content_hash, n_words,"
            " text, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            docs,
        )
        docs.clear()

    def pending_rows(self) -> int:
        """Documents whose lookup rows were deferred and not merged (not searchable yet)."""
        row = self.conn.execute("SELECT MAX(rowid) FROM pending_keys").fetchone()
        return int(row[0] or 0)

    def merge_pending(self) -> int:
        """Move deferred lookup rows into the b-trees, sorted, in one transaction.

        Bulk ingest defers its rows: inserting each batch's random keys straight into b-trees
        of tens of millions of rows rewrites most of their pages at every commit (60 GB
        written for 390,000 documents); merged in key order every few million rows, each page
        is written about once per merge.
        """
        if not self.pending_rows():
            return 0
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            pks, bands, prints = [], [], []
            for pk, band_blob, print_blob in self.conn.execute(
                "SELECT doc, bands, fingerprints FROM pending_keys"
            ):
                pks.append(pk)
                bands.append(np.frombuffer(band_blob, dtype=np.int64))
                prints.append(np.frombuffer(print_blob, dtype=np.int64))
            write_sorted(self.conn, np.asarray(pks, dtype=np.int64), bands, prints)
            self.conn.execute("DELETE FROM pending_keys")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return len(pks)

    def _known_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", chunk)
            found.update(r[0] for r in rows)
        return found

    def remove(self, doc_id: str) -> bool:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            removed = self._delete_id(doc_id)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return removed

    def _delete_id(self, doc_id: str) -> bool:
        """Delete a document and its keys; keys are recomputed from its text (no reverse index)."""
        row = self.conn.execute("SELECT pk, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        pk, blob = row
        entry = prepare(doc_id, _unpack(blob), self.params)
        self.conn.executemany(
            "DELETE FROM bands WHERE key = ? AND doc = ?",
            ((k, pk) for k in _int64(entry.band_keys).tolist()),
        )
        self.conn.executemany(
            "DELETE FROM fingerprints WHERE hash = ? AND doc = ?",
            ((h, pk) for h in _int64(entry.fingerprints).tolist()),
        )
        if self.pending_rows():  # its rows may not be merged yet (a scan: replacements are rare)
            self.conn.execute("DELETE FROM pending_keys WHERE doc = ?", (pk,))
        self.conn.execute("DELETE FROM documents WHERE pk = ?", (pk,))
        return True

    # -- reading -------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def stats(self) -> dict[str, object]:
        def one(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0] or 0)

        size = sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )
        return {
            "path": str(self.path),
            "documents": one("SELECT COUNT(*) FROM documents"),
            "words": one("SELECT SUM(n_words) FROM documents"),
            "band_rows": one("SELECT COUNT(*) FROM bands"),
            "fingerprint_rows": one("SELECT COUNT(*) FROM fingerprints"),
            "pending_documents": self.pending_rows(),
            "format": self.format,
            "bytes": size,
            "params": {
                "k": self.params.k,
                "num_perm": self.params.num_perm,
                "bands": self.params.bands,
                "sample": self.params.sample,
            },
        }

    def docs_by_bands(self, keys: Sequence[int]) -> Counter[int]:
        return self._count("SELECT doc FROM bands WHERE key IN ({})", keys)

    def docs_by_fingerprints(self, hashes: Sequence[int], max_df: int = MAX_DF) -> Counter[int]:
        """Documents sharing each fingerprint; one shared by over ``max_df`` documents is
        boilerplate and skipped, which bounds the work of a query at any index size."""
        counts: Counter[int] = Counter()
        sql = "SELECT doc FROM fingerprints WHERE hash = ? LIMIT ?"
        for value in hashes:
            docs = [r[0] for r in self.conn.execute(sql, (value, max_df + 1))]
            if len(docs) <= max_df:
                counts.update(docs)
        return counts

    def _count(self, sql: str, values: Sequence[int]) -> Counter[int]:
        counts: Counter[int] = Counter()
        for chunk in _chunks(list(values)):
            rows = self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk)
            counts.update(r[0] for r in rows)
        return counts

    def fetch(self, pks: Iterable[int]) -> list[StoredDoc]:
        wanted = list(pks)
        found: dict[int, StoredDoc] = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT pk, id, text, url, title, date, source FROM documents"
                f" WHERE pk IN ({marks})",
                chunk,
            )
            for row in rows:
                found[row[0]] = _stored(row)
        return [found[pk] for pk in wanted if pk in found]

    def get(self, doc_id: str) -> StoredDoc | None:
        row = self.conn.execute(
            "SELECT pk, id, text, url, title, date, source FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None else _stored(row)

    def has_url(self, url: str) -> bool:
        """Whether a document with this URL is indexed (crawls skip it before fetching)."""
        row = self.conn.execute("SELECT 1 FROM documents WHERE url = ? LIMIT 1", (url,))
        return row.fetchone() is not None

    def pk_of_hash(self, content_hash: str) -> int | None:
        row = self.conn.execute(
            "SELECT pk FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return None if row is None else int(row[0])

    def iter_docs(self) -> Iterator[StoredDoc]:
        rows = self.conn.execute(
            "SELECT pk, id, text, url, title, date, source FROM documents ORDER BY pk"
        )
        for row in rows:
            yield _stored(row)


class _Rows:
    """Lookup rows of many documents, written in key order with two ``executemany`` calls."""

    def __init__(self, pending: bool = False) -> None:
        self.pending = pending
        self.clear()

    def clear(self) -> None:
        self.pks: list[int] = []
        self.bands: list[np.ndarray] = []
        self.prints: list[np.ndarray] = []

    def add(self, pk: int, bands: Keys, prints: Keys) -> None:
        self.pks.append(pk)
        self.bands.append(_int64(bands))
        self.prints.append(_int64(prints))

    def write(self, conn: sqlite3.Connection) -> None:
        if not self.pks:
            return
        if self.pending:  # one row per document, keys as raw int64; sorted at the merge
            conn.executemany(
                "INSERT INTO pending_keys VALUES (?, ?, ?)",
                [
                    (pk, b.tobytes(), f.tobytes())
                    for pk, b, f in zip(self.pks, self.bands, self.prints, strict=True)
                ],
            )
        else:
            write_sorted(conn, np.asarray(self.pks, dtype=np.int64), self.bands, self.prints)
        self.clear()


def write_sorted(
    conn: sqlite3.Connection, pks: np.ndarray, bands: list[np.ndarray], prints: list[np.ndarray]
) -> None:
    """Insert the documents' lookup rows into the b-trees, each table in key order."""
    for table, keys in (("bands", bands), ("fingerprints", prints)):
        if not keys:
            continue
        k = np.concatenate(keys)
        d = np.repeat(pks, [len(part) for part in keys])
        order = np.lexsort((d, k))
        # two flat lists zipped lazily: a third of the CPU of a 2-D ``tolist`` (rows of lists)
        rows = zip(k[order].tolist(), d[order].tolist(), strict=True)
        conn.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?)", rows)


def _int64(values: Keys) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(np.int64, copy=False)
    return np.fromiter(values, dtype=np.int64)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def _stored(row: tuple[object, ...]) -> StoredDoc:
    pk, doc_id, blob, url, title, date, source = row
    assert isinstance(pk, int) and isinstance(doc_id, str) and isinstance(blob, bytes)
    return StoredDoc(
        pk=pk,
        id=doc_id,
        text=_unpack(blob),
        url=url if isinstance(url, str) else None,
        title=title if isinstance(title, str) else None,
        date=date if isinstance(date, str) else None,
        source=source if isinstance(source, str) else None,
    )


def _chunks(values: list[int] | list[str]) -> Iterator[list[int] | list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]
