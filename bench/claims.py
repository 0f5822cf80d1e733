"""Claims throughput and fact-check matching latency.

    python bench/claims.py [--data ../shared/data] [--articles 100] [--filler 100000]

1. The claims analyzer alone over PTC news articles (documents/second, sentences/second),
   without a fact-check database (default and fast model) and with the 10,389 CheckThat!
   2020 verified claims.
2. Matching latency per claim (p50, p95) against the verified claims plus synthetic filler up
   to ``--filler`` fact-checks (filler: shuffled words of real claims, random unit vectors;
   fine for timing, not for quality; all vectors random), queried with the 2020 dev tweets
   one at a time (query encoding, BM25, cosine, features and reranker all timed; query
   encoding alone is timed again). From 30k fact-checks the dense search scans inverted
   lists (see ``spinlens.factcheck.index``).
   ``--matching-only`` skips part 1.
Figures, not assertions. Set SPINLENS_THREADS to pin onnxruntime threads, and
OPENBLAS_NUM_THREADS for numpy's (the matching figures in docs/claims.md give both).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from spinlens.analyzers.claims import ClaimsAnalyzer
from spinlens.analyzers.claims.model import FAST_MODEL, MODEL
from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.eval.claims import CT2020_T2, read_queries
from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.index import FactCheckIndex, clean_query
from spinlens.factcheck.match import Matcher, embed_queries
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.models.encoder import DIM

ROOT = Path(__file__).resolve().parents[1]


def articles(data: Path, n: int) -> list[Document]:
    folder = data / "ptc-semeval2020-task11"
    files = sorted((folder / "dev-articles").glob("article*.txt"))
    files += sorted((folder / "train-articles").glob("article*.txt"))
    return [Document.from_text(f.read_text(encoding="utf-8")) for f in files[:n]]


def analyzer_speed(
    docs: list[Document], settings: Settings | None, label: str, model: str = MODEL
) -> None:
    analyzer = ClaimsAnalyzer(settings=settings, model=model)
    analyzer.initialize()
    analyzer.analyze(docs[0], {})  # warm-up
    sentences = sum(len(d.sentences) for d in docs)
    began, cpu = time.perf_counter(), time.process_time()
    found = sum(len(analyzer.analyze(d, {}).spans) for d in docs)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(
        f"claims analyzer {label}: {len(docs)} articles, {sentences} sentences, {found} claims "
        f"in {took:.2f} s = {len(docs) / took:.1f} articles/s, {sentences / took:.0f} sentences/s "
        f"(CPU {cpu:.2f} s = {len(docs) / cpu:.1f} articles per CPU-second; "
        f"load average {os.getloadavg()[0]:.1f})"
    )


def matching_latency(data: Path, total: int, db: Path) -> None:
    store = FactCheckStore(db)
    real = list(read_checkthat2020(data / CT2020_T2 / "verified_claims.docs.tsv"))
    rng = random.Random(7)
    words = [w for r in real for w in r.claim.split()]
    filler = [
        FactCheck(id=f"filler-{i}", claim=" ".join(rng.choices(words, k=rng.randint(8, 25))))
        for i in range(max(0, total - len(real)))
    ]
    store.upsert(real + filler)
    records = store.all()
    began = time.perf_counter()
    # Random unit vectors stand in for the claim and headline embeddings: search time does not
    # depend on their values, and encoding 200k texts would dominate the run.
    rng_np = np.random.default_rng(7)
    vectors, titles = (rng_np.normal(size=(len(records), DIM)).astype(np.float32) for _ in range(2))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    titles /= np.linalg.norm(titles, axis=1, keepdims=True)
    index = FactCheckIndex.build(records, store.generation(), vectors, titles)
    print(f"index of {len(records)} fact-checks built in {time.perf_counter() - began:.1f} s")
    matcher = Matcher(store, index=index)
    queries = [t for _, t in read_queries(data / CT2020_T2 / "dev" / "tweets.queries.tsv")]
    matcher.match(queries[:3], top=5)
    times, cpu_times, encoding = [], [], []
    for query in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        matcher.match([query], top=5)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
        t0 = time.perf_counter()
        embed_queries([clean_query(query)])
        encoding.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    search = "exact" if index.centroids is None else f"{len(index.centroids)} inverted lists"
    print(
        f"matching {len(queries)} claims one at a time against {len(records)} fact-checks "
        f"({search}): p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms wall; "
        f"CPU p50 {statistics.median(cpu_times):.1f} ms; of which query encoding p50 "
        f"{statistics.median(encoding):.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--filler", type=int, default=100_000)
    parser.add_argument("--matching-only", action="store_true", help="Only the matching part.")
    args = parser.parse_args()
    print(f"cpu cores: {os.cpu_count()}, SPINLENS_THREADS={os.environ.get('SPINLENS_THREADS', '')}")
    if args.matching_only:
        with tempfile.TemporaryDirectory() as tmp:
            matching_latency(args.data, args.filler, Path(tmp) / "big.sqlite")
        return
    docs = articles(args.data, args.articles)
    analyzer_speed(docs, None, "(no fact-check db)")
    analyzer_speed(docs, None, "(no fact-check db, fast model)", FAST_MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fc.sqlite"
        with FactCheckStore(db) as store:
            store.upsert(read_checkthat2020(args.data / CT2020_T2 / "verified_claims.docs.tsv"))
        analyzer_speed(docs, Settings(paths=Paths(factcheck_db=db)), "(10k fact-checks)")
        matching_latency(args.data, args.filler, Path(tmp) / "big.sqlite")


if __name__ == "__main__":
    main()
