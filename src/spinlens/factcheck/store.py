"""The fact-check store: one SQLite file, one row per fact-check, upserts in one transaction.

Re-importing a file updates rows in place (the id is the key), so imports are idempotent and
resumable; a ``generation`` counter lets the persisted search index know it is stale.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from spinlens import sqlitedb
from spinlens.errors import InputError, OutputError
from spinlens.stores import FACTCHECKS

SCHEMA = """
CREATE TABLE IF NOT EXISTS factchecks (
    id TEXT PRIMARY KEY,
    claim TEXT NOT NULL,
    verdict TEXT,
    rating TEXT NOT NULL DEFAULT 'unknown',
    publisher TEXT,
    url TEXT,
    date TEXT,
    language TEXT,
    title TEXT,
    origin TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""
MAX_CLAIM_CHARS = 5000
MAX_URL_CHARS = 2000
MAX_FIELD_CHARS = 300  # verdict, publisher, date, language, id
MAX_TITLE_CHARS = 1000
# C0 controls but tab and newlines, DEL and C1 controls: never shown in a terminal or a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class FactCheck:
    """One already fact-checked claim with the publisher's verdict and a link."""

    id: str
    claim: str
    verdict: str | None = None
    rating: str = "unknown"
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    language: str | None = None
    title: str | None = None
    origin: str | None = None


FIELDS = tuple(FactCheck.__dataclass_fields__)
_LIMITS = {"claim": MAX_CLAIM_CHARS, "title": MAX_TITLE_CHARS, "url": MAX_URL_CHARS}
_MULTILINE = frozenset({"claim", "title"})


def clean_row(record: FactCheck) -> dict[str, str | None]:
    """The record's fields as stored: control characters dropped, one-line fields on one line,
    every field bounded (hostile or broken imports cannot flood a report or a terminal)."""
    row: dict[str, str | None] = {}
    for field, value in asdict(record).items():
        if value is not None:
            value = _CONTROL.sub("", value)
            if field not in _MULTILINE:
                value = " ".join(value.split())
            value = value[: _LIMITS.get(field, MAX_FIELD_CHARS)].strip() or None
        row[field] = value
    return row


class FactCheckStore:
    """Open (and create) the store at ``path``."""

    lock_wait = 60.0  # seconds to wait for another writer

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise InputError(
                f"fact-check database not found: {path} (run 'spinlens factcheck import')"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Another import may hold the write lock for a while: wait for it, not 5 s.
            self.conn = sqlitedb.connect(
                path, FACTCHECKS.name, FACTCHECKS.fill, isolation_level=None, timeout=self.lock_wait
            )
            # Readers (match, the analyzer) must not need the write lock an import holds.
            tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
            if not {"factchecks", "meta"} <= tables:
                self.conn.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot open fact-check database {path}: {exc}") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> FactCheckStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert(self, records: Iterable[FactCheck]) -> int:
        """Insert or update ``records`` in one transaction; returns how many were written."""
        columns = ", ".join(FIELDS)
        marks = ", ".join("?" for _ in FIELDS)
        updates = ", ".join(f"{f}=excluded.{f}" for f in FIELDS if f != "id")
        sql = (
            f"INSERT INTO factchecks ({columns}) VALUES ({marks}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}"
        )
        n = 0
        with self._transaction() as cur:
            for record in records:
                row = clean_row(record)
                if not row["id"] or not row["claim"]:
                    raise InputError(f"fact-check {record.id[:40]!r} has no id or no claim text")
                row["rating"] = row["rating"] or "unknown"
                cur.execute(sql, tuple(row[f] for f in FIELDS))
                n += 1
            cur.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
        return n

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with closing(self.conn.cursor()) as cur:
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                cur.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    cur.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, disk full
                    raise OutputError(
                        f"cannot write fact-check database {self.path}: {exc}"
                    ) from None
                raise

    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM factchecks").fetchone()[0])

    def counts(self, column: str) -> dict[str, int]:
        """How many fact-checks per value of ``column`` (None counted as ''), most first."""
        if column not in FIELDS:
            raise ValueError(f"unknown column {column!r}")
        cur = self.conn.execute(
            f"SELECT COALESCE({column}, ''), COUNT(*) FROM factchecks GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        return {str(value): int(n) for value, n in cur}

    def all(self) -> list[FactCheck]:
        cur = self.conn.execute(f"SELECT {', '.join(FIELDS)} FROM factchecks ORDER BY rowid")
        return [FactCheck(*row) for row in cur]

    def get(self, ids: Iterable[str]) -> dict[str, FactCheck]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, FactCheck] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            cur = self.conn.execute(
                f"SELECT {', '.join(FIELDS)} FROM factchecks WHERE id IN "
                f"({', '.join('?' for _ in chunk)})",
                chunk,
            )
            out.update({row[0]: FactCheck(*row) for row in cur})
        return out
