"""What ``spinlens status`` shows: every store, found on disk, in the order analyzers use them.

Above both ``spinlens.stores`` (the SQLite stores) and ``spinlens.provenance.reader`` (an index
may also be a Parquet folder), so neither of those imports the other.
"""

from __future__ import annotations

from spinlens.config import Settings
from spinlens.provenance.reader import inspect_index
from spinlens.stores import KINDS, PROVENANCE, StoreStatus, inspect


def all_stores(settings: Settings) -> list[StoreStatus]:
    """Every store of ``settings.paths``, in the order analyzers use them."""
    found = []
    for kind in KINDS:
        path = getattr(settings.paths, kind.key).expanduser()
        found.append(inspect_index(path) if kind is PROVENANCE else inspect(kind, path))
    return found
