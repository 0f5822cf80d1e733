"""The embedded ratings store (SQLite): which list said what about which domain.

A list is imported whole, in one transaction that replaces any earlier import under the same
name, so re-running an import never duplicates rows and an interrupted one leaves the old list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spinlens import sqlitedb
from spinlens.errors import ConfigError, InputError
from spinlens.sources.domains import candidates, host_of
from spinlens.stores import SOURCES

SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
  name TEXT PRIMARY KEY, format TEXT NOT NULL, source TEXT NOT NULL,
  imported TEXT NOT NULL, entries INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
  list TEXT NOT NULL REFERENCES lists(name) ON DELETE CASCADE,
  domain TEXT NOT NULL, score REAL, label TEXT NOT NULL, detail TEXT NOT NULL,
  PRIMARY KEY (list, domain)
);
CREATE INDEX IF NOT EXISTS ratings_domain ON ratings(domain);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a list: a domain key, a 0-1 reliability score if the list has one, its words."""

    domain: str
    score: float | None
    label: str
    detail: str = ""
    canonical: bool = True  # named without a skin prefix (espn.com, not m.espn.com)


@dataclass(frozen=True, slots=True)
class Rating:
    list: str
    domain: str
    score: float | None
    label: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ListInfo:
    name: str
    format: str
    source: str
    imported: str
    entries: int


def combine(ratings: Sequence[Rating]) -> float | None:
    """The mean score of the lists that give one; None when no list scores the domain."""
    scores = [r.score for r in ratings if r.score is not None]
    return sum(scores) / len(scores) if scores else None


class SourceStore:
    """Open (and create) the store at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlitedb.connect(path, SOURCES.name, SOURCES.fill, isolation_level=None)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise ConfigError(f"cannot open sources store {path}: {detail}") from None

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def replace_list(self, name: str, fmt: str, source: str, entries: Iterable[Entry]) -> int:
        """Import ``entries`` as list ``name``, replacing an earlier import; returns the count."""
        if not name.strip():
            raise InputError("a list needs a non-empty name")
        with self._transaction() as conn:
            conn.execute("DELETE FROM lists WHERE name = ?", (name,))
            conn.execute(
                "INSERT INTO lists VALUES (?, ?, ?, ?, 0)",
                (name, fmt, source, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?)",
                ((name, e.domain, e.score, e.label, e.detail) for e in entries),
            )
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM ratings WHERE list = ?", (name,)
            ).fetchone()
            if count == 0:
                raise InputError(f"{source}: no ratings found (is --format right?)")
            conn.execute("UPDATE lists SET entries = ? WHERE name = ?", (count, name))
        return int(count)

    def remove_list(self, name: str) -> bool:
        with self._transaction() as conn:
            return conn.execute("DELETE FROM lists WHERE name = ?", (name,)).rowcount > 0

    def lists(self) -> list[ListInfo]:
        rows = self._conn.execute("SELECT * FROM lists ORDER BY name").fetchall()
        return [ListInfo(*row) for row in rows]

    def check_lists(self, chosen: Sequence[str]) -> None:
        """Refuse list names that were never imported: a typo must not silently rate nothing."""
        known = [info.name for info in self.lists()]
        unknown = [n for n in chosen if n not in known]
        if unknown:
            have = ", ".join(known) or "none"
            raise InputError(f"no list named {', '.join(map(repr, unknown))} (imported: {have})")

    def lookup(self, domain: str, lists: Sequence[str] | None = None) -> list[Rating]:
        """Each chosen list's rating of ``domain``: per list, its most specific matching key.

        A list that rates only one section of the host (``who.int/en``) and not the host itself
        answers for the host too; with several sections rated (``facebook.com/a``, ``/b``) it
        does not, since none speaks for the whole site.
        """
        keys = candidates(domain)
        host = host_of(domain)
        marks = ",".join("?" * len(keys))
        rows = self._conn.execute(
            "SELECT list, domain, score, label, detail FROM ratings "
            f"WHERE domain IN ({marks}) OR (domain > ? AND domain < ?)",
            [*keys, host + "/", host + "0"],  # "0" sorts right after "/": keys under host/
        ).fetchall()
        best: dict[str, Rating] = {}
        sections: dict[str, list[Rating]] = {}
        for row in rows:
            rating = Rating(*row)
            if lists is not None and rating.list not in lists:
                continue
            if rating.domain not in keys:
                sections.setdefault(rating.list, []).append(rating)
            elif rating.list not in best or keys.index(rating.domain) < keys.index(
                best[rating.list].domain
            ):
                best[rating.list] = rating
        for name, found in sections.items():
            if name not in best and len(found) == 1:
                best[name] = found[0]
        return sorted(best.values(), key=lambda r: r.list)
