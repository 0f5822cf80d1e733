"""CSV and TSV files with a header row naming record fields (``id, title, text, ...``).

Bytes that are not UTF-8 are kept as surrogate escapes, so they spoil only the row holding
them (``check_record`` refuses it) instead of stopping the whole file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from spinlens.document.loaders.base import Failed, Limits, Unit
from spinlens.document.loaders.records import record_unit
from spinlens.errors import MalformedRecordError


class TableReader:
    """``.csv`` (comma) and ``.tsv`` (tab): each row after the header is one record."""

    name = "csv"
    suffixes = (".csv", ".tsv")

    def sniff(self, head: bytes) -> bool:
        return False

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        csv.field_size_limit(limits.max_bytes)
        delimiter = "\t" if path.name.lower().endswith(".tsv") else ","
        with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            number = 1
            while True:
                number += 1
                origin = f"{path}:{number}"
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield Failed(origin, MalformedRecordError(f"{origin}: bad CSV row: {exc}"))
                    continue
                record = {k: v for k, v in row.items() if isinstance(k, str)}
                yield record_unit(record, origin, limits.max_bytes)
