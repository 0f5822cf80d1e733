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
``--semeval2023``: propaganda labels in the SemEval-2023 taxonomy, so that paragraph labels
(two more encoders over each non-empty line) run too. ``--sessions``: also, for the kept
pipeline round, each onnxruntime session's calls, rows, tokens fed (padded) against real
tokens (attention mask; all tokens for a graph without one), and CPU seconds inside
``session.run``; what is left of the pipeline's CPU is Python (tokenizers, features,
decoding).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spinlens.config import Settings
from spinlens.document import Document
from spinlens.eval.propaganda_data import read_articles
from spinlens.models.encoder import encode
from spinlens.pipeline import Pipeline, load_pipeline, select_analyzers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11" / "dev-articles"


@contextmanager
def session_counts(table: dict[str, list[float]]) -> Iterator[None]:
    """Count every onnxruntime ``run`` by model folder: ``[calls, rows, tokens fed, real
    tokens, CPU s]`` (tokens from the ``attention_mask`` feed)."""
    from onnxruntime import InferenceSession

    plain = InferenceSession.run

    def counted(self: Any, output_names: Any, feed: dict[str, Any], *rest: Any) -> Any:
        t0 = time.process_time()
        out = plain(self, output_names, feed, *rest)
        took = time.process_time() - t0
        row = table[Path(self._model_path).parent.name]
        mask = feed.get("attention_mask")
        if mask is None:  # a graph for unpadded inputs (spinlens.models.runtime_unmask)
            ids = feed["input_ids"]
            rows, fed, real = len(ids), ids.size, ids.size
        else:
            rows, fed, real = len(mask), mask.size, int(mask.sum())
        for i, value in enumerate((1, rows, fed, real, took)):
            row[i] += value
        return out

    InferenceSession.run = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        InferenceSession.run = plain  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--examples", action="store_true", help="seed + wire story, stores")
    parser.add_argument("--sessions", action="store_true", help="per-session breakdown")
    parser.add_argument(
        "--semeval2023", action="store_true", help="propaganda in the SemEval-2023 taxonomy"
    )
    args = parser.parse_args()
    if args.examples:
        seed = (ROOT / "examples" / "seed-article.txt").read_text(encoding="utf-8")
        wire = json.loads((ROOT / "examples" / "corpus" / "wire.jsonl").read_text("utf-8"))
        docs = [Document.from_text(t, language="en") for t in (seed, wire["text"])]
        pipeline = load_pipeline()
    else:
        texts = list(read_articles(args.data).values())[: args.articles]
        docs = [Document.from_text(t, language="en") for t in texts]  # PTC: English
        taxonomy = "semeval2023" if args.semeval2023 else "ptc2020"
        settings = Settings(analyzers={"propaganda": {"taxonomy": taxonomy}})
        pipeline = Pipeline(select_analyzers(), settings=settings)
    sentences = [[d.text_of(s) for s in d.sentences if d.text_of(s).strip()] for d in docs]
    pipeline.initialize()
    encode(["warm up"])
    best_encoder = best_pipeline = float("inf")
    shares: dict[str, float] = defaultdict(float)
    sessions: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        t0 = time.process_time()
        for sents in sentences:
            encode(sents)
        best_encoder = min(best_encoder, time.process_time() - t0)
        t0 = time.process_time()
        runs: dict[str, float] = defaultdict(float)
        counts: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0])
        with session_counts(counts) if args.sessions else _nothing():
            for doc in docs:
                for run in pipeline.run(doc).analyzers:
                    runs[run.name] += run.seconds
        took = time.process_time() - t0
        if took < best_pipeline:
            best_pipeline, shares, sessions = took, runs, counts
    n = sum(len(s) for s in sentences)
    print(f"articles: {len(docs)}, sentences: {n}, analyzers: {', '.join(shares)}")
    print(f"MiniLM pass over the sentences: {best_encoder:.2f} CPU s")
    label = "full pipeline, SemEval-2023" if args.semeval2023 else "full default pipeline"
    print(f"{label:<30}: {best_pipeline:.2f} CPU s")
    print(f"ratio                         : {best_pipeline / best_encoder:.2f}x")
    wall = sum(shares.values())
    for name, seconds in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<12} {100 * seconds / wall:5.1f}% of analyzer wall time")
    if sessions:
        print("onnxruntime sessions (kept round): calls, rows, tokens fed/real, CPU s, x MiniLM")
        for name, (calls, rows, fed, real, cpu) in sorted(sessions.items()):
            print(
                f"  {name:<22} {calls:5.0f} {rows:6.0f} {fed:8.0f}/{real:<8.0f}"
                f" {cpu:6.2f} {cpu / best_encoder:5.2f}x"
            )
        rest = best_pipeline - sum(row[4] for row in sessions.values())
        print(f"  {'outside onnxruntime':<22} {rest:44.2f} {rest / best_encoder:5.2f}x")
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield


if __name__ == "__main__":
    raise SystemExit(main())
