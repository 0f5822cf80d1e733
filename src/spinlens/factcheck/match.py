"""Hybrid matching: BM25 and embedding candidates, fused, then a small trained reranker.

Candidates are the top ``depth`` by BM25 and by cosine; each gets eight features (below) and
the shipped logistic reranker turns them into the probability of being the same claim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from spinlens.factcheck.index import FactCheckIndex, clean_query, open_index
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.models.encoder import encode
from spinlens.models.runtime import model_dir

RERANKER = "claim-reranker"
FEATURES = (
    "cosine",
    "cosine_sentence",
    "cosine_title",
    "cosine_gap",
    "cosine_rank",
    "bm25_rel",
    "bm25_rank",
    "token_set",
    "partial",
    "length_ratio",
)

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Candidate:
    claim_id: str
    features: tuple[float, ...]
    score: float = 0.0


def _top(scores: Matrix, k: int) -> npt.NDArray[np.intp]:
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, dtype=np.intp)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class QueryVectors:
    """A query's embedding and its sentences' (tweets often wrap the claim in chatter)."""

    whole: Matrix
    sentences: list[Matrix]


def embed_queries(queries: Sequence[str]) -> QueryVectors:
    pieces = [[p for p in _SENTENCE_END.split(q) if len(p) > 15] for q in queries]
    flat = [p for parts in pieces for p in parts]
    vectors = encode([*queries, *flat])
    whole, rest = vectors[: len(queries)], vectors[len(queries) :]
    out, at = [], 0
    for parts in pieces:
        out.append(rest[at : at + len(parts)])
        at += len(parts)
    return QueryVectors(whole, out)


def candidates(
    index: FactCheckIndex,
    claims: dict[str, str],
    query: str,
    vector: Matrix,
    depth: int = 30,
    sentences: Matrix | None = None,
) -> list[Candidate]:
    """Union of the BM25 and cosine top ``depth`` with their features (see ``FEATURES``)."""
    cos = index.vectors @ vector
    best_sentence = cos
    if sentences is not None and len(sentences) > 1:
        # A contiguous right-hand side: BLAS is several times slower on a transposed view.
        per_sentence = index.vectors @ np.ascontiguousarray(sentences.T)
        best_sentence = np.maximum(cos, per_sentence.max(axis=1))
    bm25 = index.bm25_scores(query)
    rows = list(dict.fromkeys([*_top(best_sentence, depth).tolist(), *_top(bm25, depth).tolist()]))
    if not rows:
        return []
    cos_c, bm_c = cos[rows], bm25[rows]
    title_c = index.titles[rows] @ vector
    cos_rank = np.argsort(np.argsort(-cos_c, kind="stable"), kind="stable")
    bm_rank = np.argsort(np.argsort(-bm_c, kind="stable"), kind="stable")
    best_cos, best_bm = float(cos_c.max()), max(float(bm_c.max()), 1e-6)
    out = []
    for j, row in enumerate(rows):
        claim = claims.get(index.ids[row], "")
        out.append(
            Candidate(
                index.ids[row],
                (
                    float(cos_c[j]),
                    float(best_sentence[row]),
                    float(title_c[j]),
                    float(cos_c[j]) - best_cos,
                    1.0 / (1.0 + float(cos_rank[j])),
                    float(bm_c[j]) / best_bm,
                    1.0 / (1.0 + float(bm_rank[j])),
                    fuzz.token_set_ratio(query, claim) / 100.0,
                    fuzz.partial_ratio(claim, query) / 100.0 if claim else 0.0,
                    min(len(claim), len(query)) / max(len(claim), len(query), 1),
                ),
            )
        )
    return out


@dataclass(frozen=True)
class Reranker:
    """Logistic regression over standardised features; weights in ``reranker.json``."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def load(cls, path: Path) -> Reranker:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path} was trained on other features")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]), data["bias"])

    def score(self, features: Sequence[Sequence[float]]) -> Matrix:
        x = (np.asarray(features, dtype=np.float32) - self.mean) / np.asarray(self.scale)
        z = x @ np.asarray(self.weights, dtype=np.float32) + self.bias
        probs: Matrix = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return probs


@lru_cache(maxsize=1)
def shipped_reranker() -> Reranker:
    return Reranker.load(model_dir(RERANKER) / "reranker.json")


@dataclass(frozen=True, slots=True)
class Match:
    """One fact-check matched to a query, with the reranker's probability."""

    record: FactCheck
    score: float
    rank: int


class Matcher:
    """Match free text against one fact-check store."""

    def __init__(
        self,
        store: FactCheckStore,
        reranker: Reranker | None = None,
        index: FactCheckIndex | None = None,
        depth: int = 30,
    ) -> None:
        self.store = store
        self.index = index or open_index(store)
        self.claims = {r.id: r.claim for r in store.all()}
        self.reranker = reranker or shipped_reranker()
        self.depth = depth

    def rank(self, queries: Sequence[str], top: int = 5) -> list[list[Candidate]]:
        """The ``top`` candidates per query, best first, scored by the reranker."""
        cleaned = [clean_query(q) for q in queries]
        vectors = embed_queries(cleaned)
        out: list[list[Candidate]] = []
        for i, query in enumerate(cleaned):
            found = candidates(
                self.index, self.claims, query, vectors.whole[i], self.depth, vectors.sentences[i]
            )
            if not found:
                out.append([])
                continue
            scores = self.reranker.score([c.features for c in found])
            order = np.argsort(-scores, kind="stable")[:top]
            out.append(
                [Candidate(found[i].claim_id, found[i].features, float(scores[i])) for i in order]
            )
        return out

    def match(
        self,
        queries: Sequence[str],
        top: int = 5,
        threshold: float = 0.0,
        min_cosine: float = 0.0,
    ) -> list[list[Match]]:
        """Like :meth:`rank`, with the store's records, a score floor and a similarity floor.

        The reranker's features are partly relative to the other candidates (ranks, gaps), so
        in a small database the best candidate can score high while meaning something else;
        ``min_cosine`` keeps only matches whose embedding similarity is also high.
        """
        ranked = self.rank(queries, top)
        records = self.store.get(c.claim_id for cands in ranked for c in cands)
        out = []
        for cands in ranked:
            kept = [
                c
                for c in cands
                if c.score >= threshold
                and max(c.features[:2]) >= min_cosine
                and c.claim_id in records
            ]
            out.append(
                [Match(records[c.claim_id], c.score, n) for n, c in enumerate(kept, start=1)]
            )
        return out
