"""Build the provenance index on Spark as partitioned Parquet (``spinlens index build``).

The same index as ``index add`` (same shingles, MinHash signatures, band keys and
fingerprints: each partition runs :func:`spinlens.provenance.entries.keys_of`, the numpy code
of the local ingest), in the layout :mod:`spinlens.provenance.parquet_store` reads:

1. Inputs are read by the project's one reader: JSONL files line by line (``textFile``, each
   line checked and turned into a Document exactly as the local JSONL reader does), every
   other file, folder entry or URL whole in one task (``provenance.inputs.iter_inputs``).
2. ``mapPartitions`` computes each document's keys with numpy.
3. Duplicates are settled as the SQLite store settles them, on small ``(order, content hash,
   id)`` tuples: the first document with a content wins, a later one under a known id
   replaces it. Survivors are numbered in input order (primary keys ``1..n``, as a fresh
   SQLite index numbers them) and joined back to their texts (the one shuffle of text).
4. Documents are written sorted by primary key; band keys, fingerprints and content hashes
   hash-partitioned into ``bucket=N`` folders, sorted by key in each.
5. ``manifest.json`` is written last, so a folder without it is known to be incomplete.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinlens.document.loaders import Limits, Loaded, load_unit, parse_json, reader_for, record_unit
from spinlens.document.loaders.url import is_url
from spinlens.errors import ConfigError, InputError, SkippedRecord, SpinlensError
from spinlens.provenance.entries import Params, keys_of
from spinlens.provenance.ingest import row_of, skip_message
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.manifest import LAYOUT, MANIFEST
from spinlens.provenance.parquet_store import buckets_of, hash_bucket
from spinlens.provenance.shingles import FORMAT

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

DEFAULT_BUCKETS = 64
ROW_GROUP_BYTES = 4 << 20  # small row groups: a key lookup reads less past the min/max test
DOC_GROUP_BYTES = 512 << 10  # ~200 texts: fetching one document decompresses its group
DOC_SCHEMA = (
    "pk long, id string, url string, title string, date string, source string, "
    "content_hash string, n_words int, text string"
)
KEY_SCHEMAS = {
    "bands": "bucket int, key long, doc long",
    "fingerprints": "bucket int, hash long, doc long",
    "hashes": "bucket int, content_hash string, pk long",
}
Order = tuple[int, int]  # (input number, record number in it): the input order
Item = tuple[str, Order, Any]  # ("doc", order, row) | ("skip", order, reason) | ("bad", ...)


@dataclass
class BuildStats:
    seen: int = 0
    added: int = 0
    duplicates: int = 0  # same content as an earlier document, or replaced under its id
    not_articles: Counter[str] = field(default_factory=Counter)
    bad: int = 0
    errors: list[str] = field(default_factory=list)  # the first ``SHOWN`` bad inputs

    def summary(self) -> str:
        skipped = sum(self.not_articles.values())
        reasons = ", ".join(f"{why} {n}" for why, n in sorted(self.not_articles.items()))
        return (
            f"added {self.added}, duplicates {self.duplicates}, skipped {skipped}"
            + (f" ({reasons})" if reasons else "")
            + f", bad {self.bad}"
        )


SHOWN = 20


def plan_inputs(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(kind, path)`` in input order, folders walked by name: JSONL files are split into
    lines by Spark; everything else is read whole by one task."""
    plan: list[tuple[str, str]] = []
    for raw in paths:
        if is_url(raw):
            plan.append(("whole", raw))
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        files = (
            sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(x.startswith(".") for x in p.relative_to(path).parts)
            )
            if path.is_dir()
            else [path]
        )
        for file in files:
            reader = reader_for(file)
            kind = "jsonl" if reader is not None and reader.name == "jsonl" else "whole"
            plan.append((kind, str(file.resolve())))
    if not plan:
        raise InputError("no input files found")
    return plan


def check_out(out: Path) -> None:
    """OUT must be new (or an empty folder): a build never mixes with an older one."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(
            f"{out} already exists; a Parquet index is built into a new folder "
            "(delete it or choose another --out)"
        )


def build_index(
    inputs: Sequence[str],
    out: Path,
    *,
    master: str = "local[*]",
    params: Params | None = None,
    buckets: int = DEFAULT_BUCKETS,
    max_bytes: int = 5_000_000,
    spark: SparkSession | None = None,
) -> BuildStats:
    """Build the index of ``inputs`` into the new folder ``out``."""
    from spinlens.batch.spark import spark_session

    params = params or Params()
    if params.num_perm % params.bands:
        raise ConfigError("num_perm must be a multiple of bands")
    if buckets < 1:
        raise ConfigError("--buckets must be at least 1")
    out = Path(out)
    check_out(out)
    plan = plan_inputs(inputs)
    own = spark is None
    session = spark or spark_session(master, "spinlens-index")
    try:
        return _build(session, plan, out, params, buckets, max_bytes)
    finally:
        if own:
            session.stop()


# -- executor side (module-level functions: pickled by reference) ---------------------------


def _line_items(number: int, path: str, max_bytes: int, pair: tuple[str, int]) -> list[Item]:
    """One JSONL line as the local reader reads it (blank lines are no records)."""
    line, index = pair
    line = line.removeprefix("\ufeff")
    if not line.strip():
        return []
    origin = f"{path}:{index + 1}"
    if len(line.encode("utf-8")) > 2 * max_bytes:
        return [("bad", (number, index), f"{origin}: line is longer than {2 * max_bytes:,} bytes")]
    try:
        unit = record_unit(parse_json(line, origin, line=index + 1), origin, max_bytes)
    except SpinlensError as exc:
        return [("bad", (number, index), f"{origin}: {exc} [{exc.code}]")]
    return [_item((number, index), load_unit(unit, Limits(max_bytes), light=True))]


def _whole_items(max_bytes: int, task: tuple[int, str]) -> Iterator[Item]:
    number, path = task
    for index, loaded in enumerate(iter_inputs([path], max_bytes)):
        yield _item((number, index), loaded)


def _item(order: Order, loaded: Loaded) -> Item:
    if isinstance(loaded.error, SkippedRecord):
        return ("skip", order, loaded.error.reason)
    if loaded.error is not None or loaded.document is None:
        return ("bad", order, skip_message(loaded))
    return ("doc", order, row_of(loaded.document))


def _with_keys(params: Params, items: Iterable[Item]) -> Iterator[Item]:
    """mapPartitions: each document's keys, by the local ingest's numpy code."""
    for kind, order, payload in items:
        if kind == "doc":
            digest, n_words, bands, prints = keys_of(payload[1], params)
            yield (kind, order, (payload, digest, n_words, bands, prints))
        else:
            yield (kind, order, payload)


def _earlier(a: tuple[Order, str, str], b: tuple[Order, str, str]) -> tuple[Order, str, str]:
    return a if a[0] <= b[0] else b


def _later(a: tuple[Order, str, str], b: tuple[Order, str, str]) -> tuple[Order, str, str]:
    return a if a[0] >= b[0] else b


def _doc_row(pair: tuple[int, Any]) -> tuple[Any, ...]:
    pk, (row, digest, n_words, _, _) = pair
    doc_id, text, url, title, date, source = row
    return (pk, doc_id, url, title, date, source, digest, int(n_words), text)


def _key_rows(buckets: int, which: int, pair: tuple[int, Any]) -> list[tuple[int, int, int]]:
    pk, payload = pair
    keys = payload[which]
    if not len(keys):
        return []
    return [
        (b, k, pk) for b, k in zip(buckets_of(keys, buckets).tolist(), keys.tolist(), strict=True)
    ]


def _hash_row(buckets: int, pair: tuple[int, Any]) -> tuple[int, str, int]:
    pk, payload = pair
    return (hash_bucket(payload[1], buckets), payload[1], pk)


def _sizes(pair: tuple[int, Any]) -> tuple[int, int, int, int]:
    _, (_, _, n_words, bands, prints) = pair
    return (1, int(n_words), len(bands), len(prints))


def _sum4(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


# -- driver side --------------------------------------------------------------------------


def _build(
    spark: SparkSession,
    plan: list[tuple[str, str]],
    out: Path,
    params: Params,
    buckets: int,
    max_bytes: int,
) -> BuildStats:
    from pyspark import StorageLevel

    sc = spark.sparkContext
    width = max(2, sc.defaultParallelism * 2)
    parts: list[RDD[Item]] = []
    whole = [(n, path) for n, (kind, path) in enumerate(plan) if kind == "whole"]
    for number, (kind, path) in enumerate(plan):
        if kind == "jsonl":
            lines = sc.textFile(path).zipWithIndex()
            parts.append(lines.flatMap(partial(_line_items, number, path, max_bytes)))
    if whole:
        tasks = sc.parallelize(whole, min(len(whole), width * 4))
        parts.append(tasks.flatMap(partial(_whole_items, max_bytes)))
    items = (sc.union(parts) if len(parts) > 1 else parts[0]).repartition(width)
    keyed = items.mapPartitions(partial(_with_keys, params)).persist(StorageLevel.MEMORY_AND_DISK)

    stats = BuildStats()
    stats.seen = keyed.count()
    others = keyed.filter(lambda it: it[0] != "doc")
    stats.not_articles.update(
        dict(
            others.filter(lambda it: it[0] == "skip")
            .map(lambda it: (it[2], 1))
            .reduceByKey(add)
            .collect()
        )
    )
    bad = others.filter(lambda it: it[0] == "bad").sortBy(lambda it: it[1])
    stats.bad = bad.count()
    stats.errors = [str(it[2]) for it in bad.take(SHOWN)]

    docs = keyed.filter(lambda it: it[0] == "doc").map(lambda it: (it[1], it[2]))
    meta = docs.map(lambda d: (d[0], d[1][1], d[1][0][0]))  # (order, content hash, id)
    first = meta.map(lambda m: (m[1], m)).reduceByKey(_earlier).values()
    last = first.map(lambda m: (m[2], m)).reduceByKey(_later).values()
    pks = last.map(lambda m: m[0]).sortBy(lambda o: o).zipWithIndex().mapValues(lambda i: i + 1)
    kept = docs.join(pks).map(lambda kv: (kv[1][1], kv[1][0]))
    kept = kept.persist(StorageLevel.MEMORY_AND_DISK)
    documents, words, band_rows, print_rows = (
        kept.map(_sizes).fold((0, 0, 0, 0), _sum4) if stats.seen else (0, 0, 0, 0)
    )
    stats.added = documents
    if not documents:
        raise InputError("the inputs hold no documents to index" + _first_error(stats))
    stats.duplicates = stats.seen - documents - stats.bad - sum(stats.not_articles.values())

    writer_options = {"compression": "zstd", "parquet.block.size": str(ROW_GROUP_BYTES)}
    frame = spark.createDataFrame(kept.map(_doc_row), DOC_SCHEMA)
    (
        frame.repartitionByRange(width, "pk")
        .sortWithinPartitions("pk")
        .write.options(**{**writer_options, "parquet.block.size": str(DOC_GROUP_BYTES)})
        .parquet(str(out / "documents"))
    )
    tables = {
        "bands": kept.flatMap(partial(_key_rows, buckets, 3)),
        "fingerprints": kept.flatMap(partial(_key_rows, buckets, 4)),
        "hashes": kept.map(partial(_hash_row, buckets)),
    }
    for table, rows in tables.items():
        frame = spark.createDataFrame(rows, KEY_SCHEMAS[table])
        key = frame.columns[1]
        (
            frame.repartition(min(buckets, width * 4), "bucket")
            .sortWithinPartitions("bucket", key)
            .write.options(**writer_options)
            .partitionBy("bucket")
            .parquet(str(out / table))
        )
    keyed.unpersist()
    kept.unpersist()
    _write_manifest(
        out,
        {
            "layout": LAYOUT,
            "format": FORMAT,
            "params": {
                "k": params.k,
                "num_perm": params.num_perm,
                "bands": params.bands,
                "sample": params.sample,
            },
            "buckets": buckets,
            "documents": documents,
            "words": words,
            "band_rows": band_rows,
            "fingerprint_rows": print_rows,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "inputs": len(plan),
        },
    )
    return stats


def _first_error(stats: BuildStats) -> str:
    return f" (first bad input: {stats.errors[0]})" if stats.errors else ""


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Written last and atomically: its presence says every part file is in place."""
    out.mkdir(parents=True, exist_ok=True)
    temporary = out / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, out / MANIFEST)
