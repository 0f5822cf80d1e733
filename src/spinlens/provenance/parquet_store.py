"""A provenance index held as partitioned Parquet (built on Spark), searched through DuckDB.

Layout of the folder (``LAYOUT`` 1), as ``spinlens index build --engine spark`` writes it:

- ``documents/*.parquet``: ``pk, id, url, title, date, source, content_hash, n_words, text``,
  sorted by ``pk`` so a lookup by primary key reads only the row groups whose range holds it;
- ``bands/bucket=N/*.parquet`` (``key, doc``), ``fingerprints/bucket=N/*.parquet``
  (``hash, doc``) and ``hashes/bucket=N/*.parquet`` (``content_hash, pk``): hash-partitioned
  by :func:`buckets_of` and sorted by key inside each bucket, so a query opens only the
  buckets of its keys and, in them, only the row groups whose min/max hold a key;
- ``manifest.json``, written last: parameters, index format, bucket count and row counts.
  A folder without it is a build that did not finish and is refused.

DuckDB runs embedded (no server) and reads only the columns and row groups a query needs.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.errors import ConfigError, require
from spinlens.provenance.entries import Params
from spinlens.provenance.manifest import read_manifest
from spinlens.provenance.shingles import fmix64
from spinlens.provenance.store import MAX_DF, StoredDoc

KEYED = {"bands": "key", "fingerprints": "hash", "hashes": "content_hash"}
_IN_CHUNK = 2000  # keys per IN list


def buckets_of(values: np.ndarray, buckets: int) -> np.ndarray:
    """The bucket of each (non-negative int64) band key or fingerprint: mixed first, since
    fingerprints are all multiples of the sampling rate."""
    mixed = fmix64(np.asarray(values, dtype=np.int64).astype(np.uint64))
    return (mixed % np.uint64(buckets)).astype(np.int64)


def hash_bucket(content_hash: str, buckets: int) -> int:
    return int(content_hash[:8], 16) % buckets


class ParquetStore:
    """Read-only :class:`~spinlens.provenance.reader.IndexReader` over a Parquet index."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.manifest = read_manifest(self.path)
        require("duckdb", "parquet")
        import duckdb

        self._params = Params(**self.manifest["params"])
        self.buckets = int(self.manifest["buckets"])
        self.files = {table: _bucket_files(self.path / table) for table in KEYED}
        self.documents = sorted(str(p) for p in (self.path / "documents").glob("*.parquet"))
        if not self.documents:
            raise ConfigError(f"{self.path}/documents holds no Parquet files: rebuild the index")
        self.conn = duckdb.connect(":memory:")
        self.conn.execute("SET parquet_metadata_cache = true")  # footers read once per open

    @property
    def params(self) -> Params:
        return self._params

    def __enter__(self) -> ParquetStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- lookups ---------------------------------------------------------------------------

    def _keyed(self, table: str, values: Sequence[int], columns: str) -> list[tuple[Any, ...]]:
        """Rows of ``table`` whose key is one of ``values``: one query over the files of the
        keys' buckets only (a query per bucket cost ~4 ms each in DuckDB's set-up)."""
        if not len(values):
            return []
        keys = np.asarray(values, dtype=np.int64)
        buckets = set(buckets_of(keys, self.buckets).tolist())
        files = [f for b in sorted(buckets) for f in self.files[table].get(b, ())]
        if not files:
            return []
        rows: list[tuple[Any, ...]] = []
        wanted = keys.tolist()
        for start in range(0, len(wanted), _IN_CHUNK):
            listed = ",".join(str(int(v)) for v in wanted[start : start + _IN_CHUNK])
            rows += self.conn.execute(
                f"SELECT {columns} FROM read_parquet({_literal(files)})"
                f" WHERE {KEYED[table]} IN ({listed})"
            ).fetchall()
        return rows

    def docs_by_bands(self, keys: Sequence[int]) -> Counter[int]:
        return Counter(int(doc) for (doc,) in self._keyed("bands", keys, "doc"))

    def docs_by_fingerprints(self, hashes: Sequence[int], max_df: int = MAX_DF) -> Counter[int]:
        """As the SQLite store: a fingerprint in over ``max_df`` documents is boilerplate."""
        postings: dict[int, list[int]] = defaultdict(list)
        for value, doc in self._keyed("fingerprints", hashes, "hash, doc"):
            postings[int(value)].append(int(doc))
        counts: Counter[int] = Counter()
        for docs in postings.values():
            if len(docs) <= max_df:
                counts.update(docs)
        return counts

    def fetch(self, pks: Iterable[int]) -> list[StoredDoc]:
        wanted = [int(pk) for pk in pks]
        found: dict[int, StoredDoc] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            listed = ",".join(str(pk) for pk in wanted[start : start + _IN_CHUNK])
            rows = self.conn.execute(
                "SELECT pk, id, text, url, title, date, source FROM "
                f"read_parquet({_literal(self.documents)}) WHERE pk IN ({listed})"
            ).fetchall()
            for pk, doc_id, text, url, title, date, source in rows:
                found[int(pk)] = StoredDoc(int(pk), doc_id, text, url, title, date, source)
        return [found[pk] for pk in wanted if pk in found]

    def pk_of_hash(self, content_hash: str) -> int | None:
        files = self.files["hashes"].get(hash_bucket(content_hash, self.buckets))
        if not files:
            return None
        row = self.conn.execute(
            f"SELECT pk FROM read_parquet({_literal(files)}) WHERE content_hash = ?",
            [content_hash],
        ).fetchone()
        return None if row is None else int(row[0])

    # -- figures ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.manifest["documents"])

    def stats(self) -> dict[str, object]:
        """What ``index stats`` shows, from the manifest (no scan) and the files' sizes."""
        size = sum(
            os.path.getsize(os.path.join(root, name))
            for root, _, names in os.walk(self.path)
            for name in names
        )
        params = self.params
        return {
            "path": str(self.path),
            "engine": "parquet",
            "documents": int(self.manifest["documents"]),
            "words": int(self.manifest["words"]),
            "band_rows": int(self.manifest["band_rows"]),
            "fingerprint_rows": int(self.manifest["fingerprint_rows"]),
            "format": int(self.manifest["format"]),
            "bytes": size,
            "buckets": self.buckets,
            "created": self.manifest.get("created"),
            "params": {
                "k": params.k,
                "num_perm": params.num_perm,
                "bands": params.bands,
                "sample": params.sample,
            },
        }


def _bucket_files(folder: Path) -> dict[int, list[str]]:
    """``bucket=N`` sub-folders (Spark's ``partitionBy``) to their Parquet files."""
    found: dict[int, list[str]] = {}
    if not folder.is_dir():
        return found
    for child in folder.iterdir():
        name, _, number = child.name.partition("=")
        if name == "bucket" and child.is_dir() and number.isdigit():
            files = sorted(str(p) for p in child.glob("*.parquet"))
            if files:
                found[int(number)] = files
    return found


def _literal(files: list[str]) -> str:
    """A DuckDB list literal of file paths (quotes doubled)."""
    return "[" + ",".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
