"""What each embedded store holds, read without changing it: for ``spinlens status`` and for
the analyzers' "not checked" notes.

A check that was never made must not read like a check that found nothing: an analyzer whose
store is missing, empty or unreadable says so once, naming the store and the command that
fills it (:func:`not_checked`), instead of "no match" on every sentence.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from spinlens import sqlitedb
from spinlens.errors import DamagedStoreError

State = Literal["ok", "missing", "empty", "unreadable"]


@dataclass(frozen=True, slots=True)
class StoreKind:
    """One kind of store: its setting, its name for people, what it holds, how to fill it."""

    key: str  # the ``paths`` setting
    name: str
    analyzer: str
    unit: str
    fill: str
    docs: str
    nothing: str  # what an empty store means, in words


FACTCHECKS = StoreKind(
    "factcheck_db",
    "fact-check database",
    "claims",
    "fact-checks",
    "spinlens factcheck import FILE --format claimreview|checkthat2020|csv",
    "docs/claims.md",
    "no fact-checks imported",
)
PROVENANCE = StoreKind(
    "index",
    "provenance index",
    "provenance",
    "documents",
    "spinlens index add FILES|DIR",
    "docs/provenance.md",
    "no articles indexed",
)
SOURCES = StoreKind(
    "sources_db",
    "source lists",
    "sources",
    "list entries",
    "spinlens sources import FILE --format FORMAT --name NAME",
    "docs/sources.md",
    "no source lists imported",
)
KINDS = (FACTCHECKS, PROVENANCE, SOURCES)


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """A store as found on disk; ``records`` and ``last_import`` are None unless readable."""

    store: str
    analyzer: str
    path: str
    state: State
    size: int
    records: int | None
    unit: str
    last_import: str | None
    fill: str
    detail: str = ""
    nothing: str = "nothing imported"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "nothing"}

    def note(self) -> dict[str, str]:
        """The report's record of a check not made (``Report.not_checked``)."""
        return {
            "analyzer": self.analyzer,
            "store": self.store,
            "path": self.path,
            "problem": self.state,
            "detail": self.detail,
            "command": self.fill,
        }

    def warning(self) -> str:
        """One line: what was not checked, why, and the command that fills the store."""
        why = {
            "missing": f"no {self.store} at {self.path}",
            "empty": f"{self.nothing} (the {self.store} at {self.path} is empty)",
            "unreadable": f"the {self.store} at {self.path} cannot be read ({self.detail})",
        }.get(self.state, self.state)
        if self.state == "unreadable":
            return f"not checked: {why}; rebuild it: delete it and run {self.fill}"
        return f"not checked: {why}; fill it with: {self.fill}"


def _count_factchecks(conn: sqlite3.Connection) -> tuple[int, str | None]:
    return int(conn.execute("SELECT COUNT(*) FROM factchecks").fetchone()[0]), None


def _count_documents(conn: sqlite3.Connection) -> tuple[int, str | None]:
    n, last = conn.execute("SELECT COUNT(*), MAX(added) FROM documents").fetchone()
    return int(n), last


def _count_lists(conn: sqlite3.Connection) -> tuple[int, str | None]:
    n, last = conn.execute("SELECT COALESCE(SUM(entries), 0), MAX(imported) FROM lists").fetchone()
    return int(n), last


_COUNTERS: dict[str, Callable[[sqlite3.Connection], tuple[int, str | None]]] = {
    "factcheck_db": _count_factchecks,
    "index": _count_documents,
    "sources_db": _count_lists,
}


def _size(path: Path) -> int:
    extra = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    return sum(p.stat().st_size for p in (path, *extra) if p.is_file())


def inspect(kind: StoreKind, path: Path) -> StoreStatus:
    """Open ``path`` read-only and count its records; never creates or changes a file."""

    def status(
        state: State, records: int | None = None, last: str | None = None, detail: str = ""
    ) -> StoreStatus:
        size = _size(path) if path.is_file() else 0
        return StoreStatus(
            kind.name,
            kind.analyzer,
            str(path),
            state,
            size,
            records,
            kind.unit,
            last,
            kind.fill,
            detail,
            kind.nothing,
        )

    if not path.exists():
        return status("missing")
    if not path.is_file():
        return status("unreadable", detail="not a file")
    try:
        conn = sqlitedb.connect(path, kind.name, kind.fill, readonly=True)
        try:
            records, last = _COUNTERS[kind.key](conn)
        finally:
            conn.close()
    except DamagedStoreError as exc:  # a damaged page (small stores are checked on open)
        return status("unreadable", detail=f"damaged: {exc.detail}")
    except (sqlite3.Error, OSError) as exc:
        return status("unreadable", detail=str(exc))
    if last is None:
        last = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return status("ok" if records else "empty", records, last)
