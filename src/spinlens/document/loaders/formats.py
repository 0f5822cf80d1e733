"""The registry of file formats: which reader turns a file into units.

A file is matched by name first (the longest registered suffix its lower-cased name ends
with; when several readers share a suffix, e.g. ``.xml``, the first whose ``sniff`` accepts
the first 4 KB), then by content (any reader whose ``sniff`` accepts it), and otherwise read
as one article (plain text or HTML, told by its markup).

Built-in readers are named in ``BUILTIN`` as ``module:class`` and imported on first use, so
a format needing an optional library costs nothing until a file of it is read. To add a
format, write a module here with a class following :class:`~.base.FormatReader` and add its
line to ``BUILTIN``; code outside spinlens calls :func:`register_format` instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from spinlens.document.loaders.base import FormatReader

BUILTIN: tuple[str, ...] = (
    "spinlens.document.loaders.jsonl:JsonlReader",
    "spinlens.document.loaders.jsonl:JsonReader",
    "spinlens.document.loaders.table:TableReader",
    "spinlens.document.loaders.warc:WarcReader",
    "spinlens.document.loaders.listings:ListingReader",
)
SNIFF_BYTES = 4096

_registered: list[FormatReader] = []
_loaded = False


def register_format(reader: FormatReader) -> None:
    """Add a reader; a later reader claiming the same suffix is tried first."""
    _ensure_builtin()
    _registered.insert(0, reader)


def format_readers() -> list[FormatReader]:
    """Every registered reader, in the order they are tried."""
    _ensure_builtin()
    return list(_registered)


def reader_for(path: Path) -> FormatReader | None:
    """The reader for ``path``, or None when it is one article (text or HTML)."""
    name = path.name.lower()
    claims = [r for r in format_readers() if any(name.endswith(s) for s in r.suffixes)]
    if claims:
        longest = max(len(s) for r in claims for s in r.suffixes if name.endswith(s))
        claims = [
            r for r in claims if any(name.endswith(s) and len(s) == longest for s in r.suffixes)
        ]
        if len(claims) == 1:
            return claims[0]
    head = _head(path)
    for reader in claims or format_readers():
        if reader.sniff(head):
            return reader
    return claims[0] if claims else None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError:
        return b""


def _ensure_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for spec in BUILTIN:
        module, _, attr = spec.partition(":")
        _registered.append(getattr(importlib.import_module(module), attr)())
