"""Provenance benchmark: manipulated copies of real articles in an index of N documents.

Prints: source found at rank 1 (whole copies, and partial reordered copies), mutation-span
precision/recall/F1 by type, ingest documents/second, query latency p50/p95, index size, and the
FakeNewsAMT fake->legit natural test. Usage: python bench/provenance.py [--docs 10000|100000].
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from provenance_data import (  # the benchmark's data builder, next to this script
    Query,
    TypeScore,
    _hits,
    fillers,
    mutate,
    partial_copy,
    read_articles,
    score_query,
)

from spinlens.document import Document
from spinlens.document.loaders import Loaded
from spinlens.provenance.ingest import ingest
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.paraphrase import embed_missing
from spinlens.provenance.shingles import WORD
from spinlens.provenance.sources import rank_sources
from spinlens.provenance.store import Store
from spinlens.provenance.trace import diff_against

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def main(argv: list[str] | None = None, default_docs: int = 10_000) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=default_docs, help="documents in the index")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes computing keys"
    )
    parser.add_argument(
        "--speed-docs",
        type=int,
        default=20_000,
        help="news-length documents for the ingest race against datasketch (0: skip it)",
    )
    parser.add_argument("--only-speed", action="store_true", help="run the race only")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="with --index: query an index a former run built (or left half-built), no ingest",
    )
    parser.add_argument("--queries", type=int, default=300, help="manipulated copies traced")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--index", type=Path, default=None, help="keep the index here")
    parser.add_argument("--show-errors", action="store_true", help="print each miss")
    parser.add_argument(
        "--paraphrase",
        action="store_true",
        help="also store sentence vectors and search/align as an index built --paraphrase does",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    articles = read_articles(args.data)
    if args.speed_docs:
        race(list(articles.values()), args.speed_docs, args.workers, random.Random(args.seed))
    if args.only_speed:
        return
    ids = sorted(articles)
    source_ids = rng.sample(ids, min(args.queries, len(ids) // 2))
    chosen = set(source_ids)
    others = [articles[i] for i in ids if i not in chosen]
    queries = []
    for sid in source_ids:
        text, gold = mutate(articles[sid], rng, rng.randint(2, 4))
        queries.append(Query(f"q/{sid}", sid, text, gold))
    siblings = {
        f"sibling/{sid}": rng.choice(others)[:600]
        + "\n\n"
        + max(articles[sid].split("\n"), key=len)[:800]
        for sid in source_ids[: len(source_ids) // 3]
    }
    docs = dict(articles) | siblings
    n_fill = max(0, args.docs - len(docs))
    n_docs = len(docs) + n_fill
    print(f"real articles {len(articles)}, sources {len(source_ids)}, siblings {len(siblings)},")
    print(f"filler documents {n_fill}, index documents {n_docs}")

    folder = tempfile.TemporaryDirectory()
    path = args.index or Path(folder.name) / "bench.sqlite"
    ingest_s = 0.0
    if args.reuse_index and path.exists():  # queries only, on an index built by a former run
        store = Store(path)
        n_docs = store.count()
        print(f"reusing {path}: {n_docs} documents (ingest not measured)")
    else:
        path.unlink(missing_ok=True)
        store = Store(path)
        stream = itertools.chain(docs.items(), fillers(others, n_fill, rng))
        began = time.perf_counter()
        ingest(store, as_loaded(stream), workers=args.workers)
        ingest_s = time.perf_counter() - began
    if args.paraphrase:
        cpu = time.process_time()
        embedded = embed_missing(store)
        cpu = time.process_time() - cpu
        print(
            f"sentence vectors: {embedded} documents, "
            f"{1000 * cpu / max(embedded, 1):.0f} ms CPU each"
        )
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size

    rank1 = 0
    search_ms, trace_ms = [], []
    typed: dict[str, TypeScore] = {}
    untyped: dict[str, TypeScore] = {}
    for q in queries:
        t0 = time.perf_counter()
        found = rank_sources(store, q.text)
        t1 = time.perf_counter()
        preds = []
        if found:
            best = found[0].doc
            preds = diff_against(q.text, best.id, best.text, paraphrase=args.paraphrase)[
                "mutations"
            ]
        t2 = time.perf_counter()
        search_ms.append((t1 - t0) * 1000)
        trace_ms.append((t2 - t0) * 1000)
        ok = bool(found) and found[0].doc.id == q.source_id
        rank1 += ok
        score_query(q.gold, preds if ok else [], typed, typed=True)
        score_query(q.gold, preds if ok else [], untyped, typed=False)
        if args.show_errors and ok:
            show_errors(q, preds)

    fake_dir = args.data / "fakenews-amt-celebrity-perezrosas2018" / "fakeNewsDataset" / "fake"
    partial_ok = 0
    partial_n = len(queries) // 3
    # the copy's own text: LIAR statements, which are in no indexed article
    liar = (args.data / "liar" / "valid.tsv").read_text(encoding="utf-8").splitlines()
    statements = [line.split("\t")[2] for line in liar if line.count("\t") > 3]
    for q in queries[:partial_n]:
        own = " ".join(rng.sample(statements, 4))
        derived = partial_copy(q.text, own, rng)
        found = rank_sources(store, derived)
        partial_ok += bool(found) and found[0].doc.id == q.source_id
        if args.show_errors and (not found or found[0].doc.id != q.source_id):
            top = [(m.doc.id, round(m.containment, 2), round(m.score, 2)) for m in found[:3]]
            print(f"PARTIAL-MISS {q.source_id} {top}")

    amt_ok = amt_n = 0
    for fake in sorted(fake_dir.glob("*.fake.txt")):
        legit_id = f"amt/legit/{fake.name.replace('.fake.txt', '.legit')}"
        if legit_id not in docs:
            continue
        amt_n += 1
        found = rank_sources(store, fake.read_text(encoding="utf-8", errors="replace"))
        amt_ok += bool(found) and found[0].doc.id == legit_id
    store.close()

    print(f"\n== provenance benchmark, {n_docs} documents, {len(queries)} queries ==")
    print(f"source at rank 1 (whole copies, mutated): {rank1 / len(queries):.4f}")
    print(f"source at rank 1 (a third, reordered):    {partial_ok / max(partial_n, 1):.4f}")
    print(f"FakeNewsAMT fake->legit at rank 1 (rewritten, not copied): {amt_ok}/{amt_n}")
    if ingest_s:
        rate = n_docs / ingest_s
        print(f"ingest: {rate:,.0f} documents/s ({ingest_s:.1f} s, {args.workers} workers)")
    print(f"index size: {size / 1e6:.1f} MB ({size / n_docs / 1024:.2f} KB/document)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB (this process), {workers_peak:,.0f} MB (largest worker)")
    for name, values in (("candidate search", search_ms), ("full trace", trace_ms)):
        p50 = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{name} latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print("\nmutation spans (type must match)   P      R      F1    gold  predicted")
    totals = TypeScore()
    for name in sorted(typed):
        s = typed[name]
        p, r, f = s.f1()
        totals.predicted += s.predicted
        totals.predicted_ok += s.predicted_ok
        totals.gold += s.gold
        totals.gold_found += s.gold_found
        print(f"  {name:<30} {p:.3f}  {r:.3f}  {f:.3f}  {s.gold:>4}  {s.predicted:>4}")
    p, r, f = totals.f1()
    counts = f"{totals.gold:>4}  {totals.predicted:>4}"
    print(f"  {'overall (typed)':<30} {p:.3f}  {r:.3f}  {f:.3f}  {counts}")
    p, r, f = untyped["any"].f1()
    print(f"  {'overall (span only)':<30} {p:.3f}  {r:.3f}  {f:.3f}")


def as_loaded(stream: Iterator[tuple[str, str]]) -> Iterator[Loaded]:
    for doc_id, text in stream:
        yield Loaded(doc_id, document=Document(text=text, id=doc_id))


def news_docs(pool: list[str], n: int, rng: random.Random) -> Iterator[dict[str, str]]:
    """News-length records (12-24 real sentences, about 370 words) recombined from articles."""
    sentences = [s for text in pool for s in SENTENCE.findall(text) if len(s.split()) >= 6]
    for i in range(n):
        body = " ".join(rng.choice(sentences).strip() for _ in range(rng.randint(12, 24)))
        yield {"id": f"news/{i:07d}", "text": body}


def race(pool: list[str], n: int, workers: int, rng: random.Random) -> None:
    """Ingest the same JSONL file into datasketch's in-memory MinHash LSH (its usual use: the
    same words and 5-word shingles, SHA-1 per shingle, 64 permutations, 16 bands) and into a
    spinlens index (what ``spinlens index add`` runs, without interpreter start-up)."""
    from datasketch import MinHash, MinHashLSH

    folder = Path(tempfile.mkdtemp(prefix="prov-race-"))
    corpus = folder / "news.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for record in news_docs(pool, n, rng):
            handle.write(json.dumps(record) + "\n")
    words = 0
    began, cpu = time.perf_counter(), time.process_time()
    lsh = MinHashLSH(num_perm=64, params=(16, 4))
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            tokens = WORD.findall(record["text"].lower().replace("’", "'"))
            words += len(tokens)
            shingles = {" ".join(tokens[i : i + 5]).encode() for i in range(len(tokens) - 4)}
            sketch = MinHash(num_perm=64)
            sketch.update_batch(list(shingles))
            lsh.insert(record["id"], sketch)
    datasketch_rate = n / (time.perf_counter() - began)
    datasketch_cpu = (time.process_time() - cpu) / n
    db = folder / "race.sqlite"
    children = _children_cpu()
    began, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        stats = ingest(store, iter_inputs([str(corpus)], 5_000_000), workers=workers)
    spinlens_rate = stats.added / (time.perf_counter() - began)
    main_cpu = (time.process_time() - cpu) / n
    worker_cpu = (_children_cpu() - children) / n
    spinlens_cpu = main_cpu + worker_cpu
    print(f"\n== ingest race: {n:,} news-length documents ({words / n:.0f} words on average) ==")
    print(
        f"datasketch MinHash + in-memory LSH (1 process): {datasketch_rate:,.0f} documents/s,"
        f" CPU {datasketch_cpu * 1e3:.3f} ms/document"
    )
    print(
        f"spinlens index (SQLite file, {workers} workers): {spinlens_rate:,.0f} documents/s,"
        f" {spinlens_rate / datasketch_rate:.2f}x datasketch; CPU {spinlens_cpu * 1e3:.3f}"
        f" ms/document ({main_cpu * 1e3:.3f} reading and writing, {worker_cpu * 1e3:.3f} in"
        f" workers), {datasketch_cpu / spinlens_cpu:.2f}x less than datasketch"
    )
    if workers > 1:
        bound = min(2 / spinlens_cpu, 1 / main_cpu)
        print(f"CPU-bound rate on 2 idle cores: {bound:,.0f} documents/s")
    for leftover in folder.glob("*"):
        leftover.unlink()
    folder.rmdir()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def show_errors(q: Query, preds: list[dict[str, object]]) -> None:
    """Print gold mutations not found and predictions that match no gold (for tuning)."""
    for g in q.gold:
        if not any(_hits(g, p, True) for p in preds):
            print(f"MISS {q.id} {g.type} {g.op} {q.text[g.start : g.end]!r}")
    for p in preds:
        if not any(_hits(g, p, True) for g in q.gold):
            print(f"FP   {q.id} {p['type']} {p['op']} {p['text']!r} <- {p['source_text']!r}")


if __name__ == "__main__":
    main()
