"""Source reliability: open rating lists imported into an embedded store, looked up by domain."""

from __future__ import annotations

from spinlens.sources.domains import candidates, normalize, registrable
from spinlens.sources.importers import FORMATS, read
from spinlens.sources.store import Entry, ListInfo, Rating, SourceStore, combine

__all__ = [
    "FORMATS",
    "Entry",
    "ListInfo",
    "Rating",
    "SourceStore",
    "candidates",
    "combine",
    "normalize",
    "read",
    "registrable",
]
