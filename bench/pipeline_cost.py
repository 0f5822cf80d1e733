"""Cost of the full default pipeline relative to one plain MiniLM pass over the sentences.

    SPINLENS_THREADS=1 python bench/pipeline_cost.py [--articles 20] [--rounds 2] [--examples]

For each PTC dev article (sorted by id): the CPU seconds of the shared encoder
(``spinlens.models.encoder.encode``) over its sentences, and of ``Pipeline.run`` with every
default analyzer (no stores: provenance, sources and fact-checks find nothing to look up).
``--examples``: the seed article and the wire story instead, through ``load_pipeline()`` with
the stores of ``SPINLENS_HOME`` (e.g. after ``spinlens index add examples/corpus`` and a
``spinlens factcheck import``: then claims are matched and the provenance is traced).
Prints the ratio of the totals and each analyzer's share. CPU time, not wall time, so the
figure holds on a loaded machine; run with one thread so both sides count alike. Each
side runs ``--rounds`` times alternately and the lowest total is kept (caches warm).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from spinlens.document import Document
from spinlens.eval.propaganda_data import read_articles
from spinlens.models.encoder import encode
from spinlens.pipeline import Pipeline, load_pipeline, select_analyzers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11" / "dev-articles"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--examples", action="store_true", help="seed + wire story, stores")
    args = parser.parse_args()
    if args.examples:
        seed = (ROOT / "examples" / "seed-article.txt").read_text(encoding="utf-8")
        wire = json.loads((ROOT / "examples" / "corpus" / "wire.jsonl").read_text("utf-8"))
        docs = [Document.from_text(t, language="en") for t in (seed, wire["text"])]
        pipeline = load_pipeline()
    else:
        texts = list(read_articles(args.data).values())[: args.articles]
        docs = [Document.from_text(t, language="en") for t in texts]  # PTC: English
        pipeline = Pipeline(select_analyzers())
    sentences = [[d.text_of(s) for s in d.sentences if d.text_of(s).strip()] for d in docs]
    pipeline.initialize()
    encode(["warm up"])
    best_encoder = best_pipeline = float("inf")
    shares: dict[str, float] = defaultdict(float)
    for _ in range(args.rounds):
        t0 = time.process_time()
        for sents in sentences:
            encode(sents)
        best_encoder = min(best_encoder, time.process_time() - t0)
        t0 = time.process_time()
        runs: dict[str, float] = defaultdict(float)
        for doc in docs:
            for run in pipeline.run(doc).analyzers:
                runs[run.name] += run.seconds
        took = time.process_time() - t0
        if took < best_pipeline:
            best_pipeline, shares = took, runs
    n = sum(len(s) for s in sentences)
    print(f"articles: {len(docs)}, sentences: {n}, analyzers: {', '.join(shares)}")
    print(f"MiniLM pass over the sentences: {best_encoder:.2f} CPU s")
    print(f"full default pipeline         : {best_pipeline:.2f} CPU s")
    print(f"ratio                         : {best_pipeline / best_encoder:.2f}x")
    wall = sum(shares.values())
    for name, seconds in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<12} {100 * seconds / wall:5.1f}% of analyzer wall time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
