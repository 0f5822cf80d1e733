"""The manifest a Parquet index build writes last: its presence means the build finished.

Kept below both the reader (which inspects a folder without DuckDB) and the Parquet store, so
neither imports the other to read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spinlens.errors import ConfigError
from spinlens.provenance.entries import Params
from spinlens.provenance.shingles import FORMAT

MANIFEST = "manifest.json"  # written last by a Parquet build: its presence means complete
LAYOUT = 1


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a complete build; a one-line error for anything else."""
    file = Path(path) / MANIFEST
    rebuild = f"build it again with 'spinlens index build INPUTS... --engine spark --out {path}'"
    if not file.is_file():
        raise ConfigError(
            f"{path} is a folder but not a complete Parquet index: no {MANIFEST} (a build "
            f"writes it last, so the build did not finish or this is not an index); {rebuild}"
        )
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
        layout, found = int(manifest["layout"]), int(manifest["format"])
        Params(**manifest["params"])
        int(manifest["buckets"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{file} cannot be read ({exc}); {rebuild}") from None
    if layout != LAYOUT:
        raise ConfigError(f"{path} has Parquet layout {layout}; this spinlens reads {LAYOUT}")
    if found != FORMAT:
        raise ConfigError(
            f"{path} has index format {found}; this spinlens reads format {FORMAT}: {rebuild}"
        )
    return dict(manifest)
