"""Open the SQLite stores (provenance index, fact-check database, source lists) one way, so
that a damaged file is one coded error naming it and how to rebuild it, whatever reads it.

SQLite reports damage when it reads a damaged page (``database disk image is malformed``)
or opens a file that is not a database: the error can come from any statement or any row
fetched, long after the store was opened. Connections opened here map those errors, from
every statement and every fetch, to :class:`~spinlens.errors.DamagedStoreError` (exit 5,
code E504). Other SQLite errors (a locked database, a full disk) keep their own handling.

A small store is also checked when opened (``PRAGMA quick_check``, once per file version in
a process): a command then fails before it does anything, instead of half-way (an import
that printed what it imported and then failed).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spinlens.errors import DamagedStoreError

# SQLITE_CORRUPT, SQLITE_NOTADB: the primary result codes of a damaged file
DAMAGE_CODES = frozenset({11, 26})
QUICK_CHECK_MAX_BYTES = 64 << 20  # a check reads the whole file: only for stores up to this

_checked: set[tuple[str, int, int]] = set()
_checked_lock = threading.Lock()


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite reporting a damaged or foreign file."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in DAMAGE_CODES
    text = str(exc)
    return "malformed" in text or "not a database" in text


def damaged(path: Path, what: str, rebuild: str, exc: BaseException) -> DamagedStoreError:
    detail = " ".join(str(exc).split())  # quick_check answers on several lines
    error = DamagedStoreError(
        f"the {what} file {path} is damaged and cannot be read ({detail}); "
        f"rebuild it: delete it and run '{rebuild}'"
    )
    error.detail = detail
    return error


class _Where:
    """The store a connection or cursor belongs to, for the error message."""

    path: Path = Path()
    what: str = "store"
    rebuild: str = "the command that filled it"

    def _raise(self, exc: sqlite3.DatabaseError) -> None:
        if is_damage(exc):
            raise damaged(self.path, self.what, self.rebuild, exc) from None

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise


class GuardedCursor(_Where, sqlite3.Cursor):
    """A cursor whose statements and fetches report damage as DamagedStoreError.

    Plain ``try`` blocks rather than ``_guard``: these run once per statement and per row.
    """

    def execute(self, *args: Any) -> GuardedCursor:
        try:
            super().execute(*args)
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise
        return self

    def executemany(self, *args: Any) -> GuardedCursor:
        try:
            super().executemany(*args)
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise
        return self

    def executescript(self, *args: Any) -> GuardedCursor:
        try:
            super().executescript(*args)
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise

    def fetchmany(self, *args: Any) -> list[Any]:
        try:
            return super().fetchmany(*args)
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise


class GuardedConnection(_Where, sqlite3.Connection):
    """A connection whose cursors are guarded (``execute`` and friends use ``cursor``)."""

    def cursor(self, factory: Any = None) -> GuardedCursor:  # type: ignore[override]
        cur = super().cursor(factory or GuardedCursor)
        cur.path, cur.what, cur.rebuild = self.path, self.what, self.rebuild
        return cur

    def execute(self, *args: Any) -> GuardedCursor:
        return self.cursor().execute(*args)

    def executemany(self, *args: Any) -> GuardedCursor:
        return self.cursor().executemany(*args)

    def executescript(self, *args: Any) -> GuardedCursor:
        return self.cursor().executescript(*args)

    def commit(self) -> None:
        with self._guard():
            super().commit()


def connect(
    path: Path, what: str, rebuild: str, *, readonly: bool = False, **options: Any
) -> GuardedConnection:
    """``sqlite3.connect(path, **options)`` for a store called ``what`` (as people name it)
    that ``rebuild`` (a command) fills again; a small existing file is checked first.
    ``readonly``: never create or change the file."""
    path = Path(path)
    target: Any = f"file:{path}?mode=ro" if readonly else path
    if readonly:
        options["uri"] = True
    try:
        conn: GuardedConnection = sqlite3.connect(target, factory=GuardedConnection, **options)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged(path, what, rebuild, exc) from None
        raise
    conn.path, conn.what, conn.rebuild = path, what, rebuild
    try:
        _quick_check(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _quick_check(conn: GuardedConnection, path: Path) -> None:
    try:
        stat = path.stat()
    except OSError:
        return
    if not 0 < stat.st_size <= QUICK_CHECK_MAX_BYTES:
        return
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _checked_lock:
        if key in _checked:
            return
    rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    if rows != [("ok",)]:
        problem = rows[0][0] if rows else "no answer"
        raise damaged(path, conn.what, conn.rebuild, sqlite3.DatabaseError(problem))
    with _checked_lock:
        _checked.add(key)
