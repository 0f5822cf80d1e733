"""Hybrid matching: BM25 and embedding candidates, fused, then a small trained reranker.

Candidates are the top ``depth`` by BM25 and by cosine; each gets eight features (below) and
the shipped logistic reranker turns them into the probability of being the same claim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from spinlens.factcheck.encoder import DIM, encode
from spinlens.factcheck.index import FactCheckIndex, clean_query, open_index, top_rows
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.models.runtime import model_dir

if TYPE_CHECKING:
    from spinlens.factcheck.sameclaim import SameClaimModel

RERANKER = "claim-reranker"
SAME_TOP = 5  # the same-claim model sees each query's top 5 (its training lists)
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


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class QueryVectors:
    """A query's embedding and its sentences' (tweets often wrap the claim in chatter)."""

    whole: Matrix
    sentences: list[Matrix]


def embed_queries(queries: Sequence[str]) -> QueryVectors:
    """Whole-query vectors, plus sentence vectors for queries of two or more sentences (a
    single sentence adds nothing to the whole query, so it is not encoded twice).

    Each query is encoded in its own batch (the query and its sentences): the int8 encoder
    quantizes activations per batch, so a query's vector, and its matches, would otherwise
    depend on the other queries it is sent with.
    """
    whole, sentences = [], []
    for query in queries:
        parts = [p for p in _SENTENCE_END.split(query) if len(p) > 15]
        vectors = encode([query, *parts] if len(parts) > 1 else [query])
        whole.append(vectors[0])
        sentences.append(vectors[1:])
    return QueryVectors(np.asarray(whole, dtype=np.float32).reshape(-1, DIM), sentences)


def candidates(
    index: FactCheckIndex,
    claims: dict[str, str],
    query: str,
    vector: Matrix,
    depth: int = 30,
    sentences: Matrix | None = None,
) -> list[Candidate]:
    """Union of the BM25 and cosine top ``depth`` with their features (see ``FEATURES``).

    The cosine top is by the best of the whole query and its sentences; features are exact
    for every candidate, however the dense top was found (see ``FactCheckIndex.dense_top``).
    """
    stacked = vector[None, :] if sentences is None else np.vstack([vector[None, :], sentences])
    bm25 = index.bm25_scores(query)
    dense = index.dense_top(stacked, depth)
    lexical = top_rows(bm25, depth)
    rows = np.asarray(list(dict.fromkeys([*dense.tolist(), *lexical.tolist()])), dtype=np.intp)
    if not len(rows):
        return []
    sims = index.vectors[rows] @ np.ascontiguousarray(stacked.T)
    cos_c, best_c, bm_c = sims[:, 0], sims.max(axis=1), bm25[rows]
    title_c = index.titles[rows] @ vector
    cos_rank = np.argsort(np.argsort(-cos_c, kind="stable"), kind="stable")
    bm_rank = np.argsort(np.argsort(-bm_c, kind="stable"), kind="stable")
    best_cos, best_bm = float(cos_c.max()), max(float(bm_c.max()), 1e-6)
    ids = [index.ids[row] for row in rows.tolist()]
    texts = [claims.get(claim_id, "") for claim_id in ids]
    token_set = process.cdist([query], texts, scorer=fuzz.token_set_ratio, workers=1)[0]
    partial = process.cdist(texts, [query], scorer=fuzz.partial_ratio, workers=1)[:, 0]
    lengths = np.asarray([len(t) for t in texts], dtype=np.float32)
    features = np.column_stack(
        [
            cos_c,
            best_c,
            title_c,
            cos_c - best_cos,
            1.0 / (1.0 + cos_rank),
            bm_c / best_bm,
            1.0 / (1.0 + bm_rank),
            token_set / 100.0,
            np.where(lengths > 0, partial / 100.0, 0.0),
            np.minimum(lengths, len(query)) / np.maximum(np.maximum(lengths, len(query)), 1),
        ]
    ).tolist()
    return [Candidate(i, tuple(f)) for i, f in zip(ids, features, strict=True)]


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
    """One fact-check matched to a query: the reranker's probability (``score``, for ranking)
    and the same-claim probability (``probability``, for deciding; see :mod:`.sameclaim`)."""

    record: FactCheck
    score: float
    rank: int
    probability: float = 0.0


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
        same_claim: float | None = None,
    ) -> list[list[Match]]:
        """Like :meth:`rank`, with the store's records, each candidate's same-claim
        probability, and floors: reranker score ``threshold``, embedding ``min_cosine``, and
        ``same_claim`` on the probability (None: no floor; the analyzer and
        ``--only-matches`` use the shipped model's threshold).

        The same-claim features are computed over the top ``SAME_TOP`` list, as in training,
        whatever ``top`` is, so a candidate's probability does not depend on ``top``.
        """
        from spinlens.factcheck.sameclaim import shipped_sameclaim

        ranked = self.rank(queries, max(top, SAME_TOP))
        records = self.store.get(c.claim_id for cands in ranked for c in cands)
        model = shipped_sameclaim()
        out = []
        for query, cands in zip(queries, ranked, strict=True):
            probs = self._same_claim(model, query, cands)
            kept = [
                Match(records[c.claim_id], c.score, 0, float(p))
                for c, p in zip(cands[:top], probs, strict=False)
                if c.score >= threshold
                and max(c.features[:2]) >= min_cosine
                and (same_claim is None or p >= same_claim)
                and c.claim_id in records
            ]
            out.append([replace(m, rank=n) for n, m in enumerate(kept, start=1)])
        return out

    def _same_claim(self, model: SameClaimModel, query: str, cands: list[Candidate]) -> Matrix:
        if not cands:
            return np.zeros(0, dtype=np.float32)
        texts = [self.claims.get(c.claim_id, "") for c in cands]
        features = model.features(
            query, texts, [c.features for c in cands], [c.score for c in cands]
        )
        return model.probability(features).astype(np.float32)
