"""What searching an index needs, and opening whichever kind ``paths.index`` names.

Two stores satisfy :class:`IndexReader`: the SQLite file that ``index add`` fills
(:class:`~spinlens.provenance.store.Store`) and the folder of Parquet files that
``index build --engine spark`` writes (:class:`~spinlens.provenance.parquet_store.ParquetStore`,
queried through DuckDB). Candidate search, trace, quote checks and lineage take either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from spinlens.errors import ConfigError
from spinlens.provenance.entries import Params
from spinlens.provenance.manifest import read_manifest
from spinlens.provenance.store import StoredDoc
from spinlens.stores import PROVENANCE, StoreStatus
from spinlens.stores import inspect as inspect_store


class IndexReader(Protocol):
    """The read side of a provenance index: lookups by key, documents by primary key."""

    @property
    def params(self) -> Params: ...

    def docs_by_bands(self, keys: Sequence[int]) -> Counter[int]:
        """Documents holding each LSH band key, counted over the keys."""
        ...

    def docs_by_fingerprints(self, hashes: Sequence[int], max_df: int = ...) -> Counter[int]:
        """Documents holding each fingerprint; one in over ``max_df`` documents is skipped."""
        ...

    def fetch(self, pks: Iterable[int]) -> list[StoredDoc]:
        """Documents (text and metadata) by primary key, in the order asked."""
        ...

    def pk_of_hash(self, content_hash: str) -> int | None: ...

    def count(self) -> int: ...

    def stats(self) -> dict[str, object]: ...

    def close(self) -> None: ...


def is_parquet_index(path: Path) -> bool:
    """A folder is taken for a Parquet index (complete or not); a file for SQLite."""
    return Path(path).is_dir()


@contextmanager
def open_index(path: Path) -> Iterator[IndexReader]:
    """The index at ``path`` opened for reading: a Parquet folder or the SQLite file."""
    reader: IndexReader
    if is_parquet_index(path):
        from spinlens.provenance.parquet_store import ParquetStore

        reader = ParquetStore(path)
    else:
        from spinlens.provenance.store import Store

        reader = Store(path, create=False)
    try:
        yield reader
    finally:
        reader.close()


def inspect_index(path: Path) -> StoreStatus:
    """``spinlens.stores.inspect`` for either kind: a Parquet folder is read from its
    manifest (no DuckDB needed), so a half-written build is reported, not searched."""
    status = inspect_store(PROVENANCE, path)
    if not is_parquet_index(path):
        return status
    try:
        manifest = read_manifest(Path(path))
    except ConfigError as exc:
        return replace(status, state="unreadable", detail=str(exc))
    documents = int(manifest.get("documents", 0))
    return replace(
        status,
        state="ok" if documents else "empty",
        records=documents,
        last_import=str(manifest.get("created", "")) or None,
        detail="",
    )
