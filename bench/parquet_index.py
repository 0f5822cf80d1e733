"""The Spark-built Parquet index against the SQLite one on the same news-length documents.

Writes N news-length documents (real sentences recombined, as ``bench/provenance.py``'s
ingest race does) to JSONL, builds the SQLite index (``index add``'s code, ``--workers``) and
the Parquet index (``index build --engine spark``'s code, ``--master``), then prints build time
and core-seconds per document, size per document by table, candidate-search p50/p95 on each,
and whether both rank the same best source for every query (a copy of an indexed document
with a paragraph of its own). The figures size a cluster build (docs/provenance.md).

    python bench/parquet_index.py --docs 20000 --master 'local[2]'
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from provenance_data import read_articles

from provenance import news_docs  # this folder's benchmark helpers
from spinlens.provenance.candidates import find_sources
from spinlens.provenance.ingest import ingest
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.parquet_build import build_index
from spinlens.provenance.reader import IndexReader, open_index
from spinlens.provenance.store import Store

ROOT = Path(__file__).resolve().parents[1]


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def searched(store: IndexReader, queries: list[str]) -> tuple[list[str | None], list[float]]:
    best, times = [], []
    for text in queries:
        began = time.perf_counter()
        found = find_sources(store, text, top=5)
        times.append((time.perf_counter() - began) * 1e3)
        best.append(found[0].doc.id if found else None)
    return best, times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--workers", type=int, default=2, help="SQLite ingest processes")
    parser.add_argument("--buckets", type=int, default=64)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = list(read_articles(args.data).values())
    work = Path(tempfile.mkdtemp(prefix="parquet-bench-"))
    corpus = work / "news.jsonl"
    records = list(news_docs(pool, args.docs, rng))
    with corpus.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    words = sum(len(r["text"].split()) for r in records) / len(records)
    print(f"{args.docs:,} documents, {words:.0f} words on average ({work})")

    began = time.perf_counter()
    with Store(work / "index.sqlite") as store:
        ingest(store, iter_inputs([str(corpus)], 5_000_000), workers=args.workers)
    sqlite_s = time.perf_counter() - began
    began = time.perf_counter()
    built = build_index([str(corpus)], work / "parquet", master=args.master, buckets=args.buckets)
    spark_s = time.perf_counter() - began
    cores = int(args.master[6:-1]) if args.master.startswith("local[") else 0
    rate = args.docs / sqlite_s
    print(f"sqlite ingest ({args.workers} workers): {sqlite_s:.1f} s, {rate:,.0f}/s")
    print(
        f"spark build ({args.master}, {built.added:,} added, session start included): "
        f"{spark_s:.1f} s, {args.docs / spark_s:,.0f}/s"
        + (f", {spark_s * cores / args.docs * 1e3:.2f} core-ms/document" if cores else "")
    )
    print(f"sqlite size: {(work / 'index.sqlite').stat().st_size / args.docs:,.0f} B/document")
    for table in ("documents", "bands", "fingerprints", "hashes"):
        size = folder_bytes(work / "parquet" / table)
        print(f"parquet {table}: {size / args.docs:,.0f} B/document")
    print(f"parquet total: {folder_bytes(work / 'parquet') / args.docs:,.0f} B/document")

    chosen = rng.sample(records, min(args.queries, len(records)))
    queries = [r["text"] + "\n\n" + rng.choice(pool)[:400] for r in chosen]
    with Store(work / "index.sqlite", create=False) as store:
        sqlite_best, sqlite_ms = searched(store, queries)
    with open_index(work / "parquet") as parquet:
        parquet_best, parquet_ms = searched(parquet, queries)
    for name, ms in (("sqlite", sqlite_ms), ("parquet/duckdb", parquet_ms)):
        print(f"candidate search {name}: p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms")
    same = sum(a == b for a, b in zip(sqlite_best, parquet_best, strict=True))
    right = sum(b == r["id"] for b, r in zip(parquet_best, chosen, strict=True))
    print(f"same best source: {same}/{len(queries)}; the copied document at rank 1: {right}")


if __name__ == "__main__":
    main()
