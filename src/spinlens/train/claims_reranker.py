"""Train the fact-check reranker on CheckThat! 2020 task 2 train pairs; score dev MAP@k.

Run: ``spinlens train claims --data ../shared/data`` (with the check-worthiness model) or
``python -m spinlens.train.claims_reranker``. Candidates come from the same hybrid retrieval
the matcher uses; the gold claim is a positive, every other candidate a negative.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2020_T2, map_at, read_qrels, read_queries
from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.index import FactCheckIndex, clean_query, unique_claims
from spinlens.factcheck.match import (
    FEATURES,
    RERANKER,
    Matcher,
    Reranker,
    candidates,
    embed_queries,
)
from spinlens.factcheck.store import FactCheckStore
from spinlens.train.claims import embed_cached


def ct2020_matcher(data: Path, db: Path, cache: Path | None, reranker: Reranker) -> Matcher:
    """A matcher over the 10,389 verified claims, with cached claim vectors."""
    store = FactCheckStore(db)
    store.upsert(read_checkthat2020(data / CT2020_T2 / "verified_claims.docs.tsv"))
    records = unique_claims(store.all())
    vectors = embed_cached([r.claim for r in records], cache)
    titles = embed_cached([r.title or r.claim for r in records], cache)
    index = FactCheckIndex.build(records, store.generation(), vectors, titles)
    return Matcher(store, reranker, index)


def _split(data: Path, split: str) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    folder = data / CT2020_T2 / split
    return read_queries(folder / "tweets.queries.tsv"), read_qrels(
        folder / "tweet-vclaim-pairs.qrels"
    )


def fit(
    matcher: Matcher,
    queries: Sequence[tuple[str, str]],
    qrels: dict[str, set[str]],
    cache: Path | None,
) -> Reranker:
    from sklearn.linear_model import LogisticRegression

    texts = [clean_query(t) for _, t in queries]
    vectors = embed_queries(texts)
    x: list[tuple[float, ...]] = []
    y: list[int] = []
    for i, (qid, _) in enumerate(queries):
        found = candidates(
            matcher.index,
            matcher.claims,
            texts[i],
            vectors.whole[i],
            matcher.depth,
            vectors.sentences[i],
        )
        for cand in found:
            x.append(cand.features)
            y.append(int(cand.claim_id in qrels.get(qid, set())))
    arr = np.asarray(x, dtype=np.float64)
    mean, scale = arr.mean(axis=0), arr.std(axis=0) + 1e-9
    lr = LogisticRegression(C=1.0, max_iter=2000)
    lr.fit((arr - mean) / scale, y)
    return Reranker(
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(lr.coef_[0].tolist()),
        float(lr.intercept_[0]),
    )


def evaluate(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: dict[str, set[str]]
) -> dict[str, float]:
    ranked = matcher.rank([t for _, t in queries], top=5)
    run = {
        qid: [c.claim_id for c in cands] for (qid, _), cands in zip(queries, ranked, strict=True)
    }
    return {"MAP@1": map_at(run, qrels, 1), "MAP@5": map_at(run, qrels, 5)}


def fused_baseline() -> Reranker:
    """An untrained reranker: the mean of cosine and BM25 rank features (for comparison)."""
    weights = tuple(1.0 if f in {"cosine_rank", "bm25_rank"} else 0.0 for f in FEATURES)
    zeros = tuple(0.0 for _ in FEATURES)
    return Reranker(zeros, tuple(1.0 for _ in FEATURES), weights, 0.0)


def run(
    data: Path, out: Path, cache: Path | None, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Train on the train split, report dev MAP@1/@5, write ``reranker.json`` to ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        matcher = ct2020_matcher(data, Path(tmp) / "fc.sqlite", cache, fused_baseline())
        train_q, train_rel = _split(data, "train")
        dev_q, dev_rel = _split(data, "dev")
        base = evaluate(matcher, dev_q, dev_rel)
        log(f"dev (fused ranks, untrained)  MAP@1={base['MAP@1']:.4f}  MAP@5={base['MAP@5']:.4f}")
        reranker = fit(matcher, train_q, train_rel, cache)
        matcher.reranker = reranker
        figures = evaluate(matcher, dev_q, dev_rel)
        log(f"dev (trained reranker) MAP@1={figures['MAP@1']:.4f}  MAP@5={figures['MAP@5']:.4f}")
        matcher.store.close()
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": RERANKER,
        "version": "1",
        "features": list(FEATURES),
        "mean": list(reranker.mean),
        "scale": list(reranker.scale),
        "weights": list(reranker.weights),
        "bias": reranker.bias,
        "data": f"{CT2020_T2} train pairs ({len(train_q)} queries)",
        "metrics": {"dev": figures, "dev_untrained": base},
    }
    (out / "reranker.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (out / "card.json").write_text(
        json.dumps({k: payload[k] for k in ("name", "version", "data", "metrics")}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    return payload


if __name__ == "__main__":
    import sys

    run(
        Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"),
        Path(__file__).resolve().parents[1] / "models" / "data" / RERANKER,
        Path("/tmp/claims5-cache"),
    )
