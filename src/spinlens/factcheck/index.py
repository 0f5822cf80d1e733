"""The persisted search index over the fact-check store: BM25 (bm25s) plus MiniLM vectors.

Saved next to the database as ``<db>.index/`` and rebuilt when the store's generation moves
(any import), so matching never reads a stale index.

Dense search is exact (one matrix product over every claim vector) up to ``IVF_MIN_ROWS``
claims. Above that the vectors are grouped by k-means into about sqrt(n) lists, stored list
after list, and a query scans only the ``nprobe`` lists whose centroids are closest: at 100k
claims that reads about 15% of the vectors instead of all 150 MB of them (the full pass is
bound by memory bandwidth). Candidate features are always computed exactly.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.factcheck.encoder import encode
from spinlens.factcheck.store import FactCheck, FactCheckStore

INDEX_VERSION = 5
IVF_MIN_ROWS = 30_000
IVF_PROBE_FRACTION = 0.15
_URL = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S+", re.I)
# The signature a pasted tweet ends with: "— Name (@handle) January 6, 2020".
_SIGNATURE = re.compile(
    r"\s*[—–-]+\s*(?P<name>[^—–]{0,80}?)\s*\(@\w+\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*$"
)
_KEY = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s+")

Matrix = npt.NDArray[np.float32]


def clean_query(text: str) -> str:
    """Drop links, hashtag signs and a tweet's date and handle; keep who said it."""
    text = _SIGNATURE.sub(lambda m: f" ({m['name']})" if m["name"] else "", text)
    text = _URL.sub(" ", text).replace("#", " ")
    return _SPACE.sub(" ", text).strip()


def claim_key(text: str) -> str:
    """Claims equal under this key (case, quotes, punctuation) are one claim to the index."""
    return _KEY.sub(" ", text.lower()).strip()


def unique_claims(records: Sequence[FactCheck]) -> list[FactCheck]:
    """The first imported record of each claim: duplicates (e.g. the same Snopes claim with
    other quote marks) would otherwise take two places in a top 5."""
    seen: set[str] = set()
    out = []
    for record in records:
        key = claim_key(record.claim)
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-worded, Snowball-stemmed tokens (the BM25 vocabulary)."""
    import bm25s

    tokens = bm25s.tokenize(
        list(texts), stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    return [list(t) for t in tokens]


def document_text(record: FactCheck) -> str:
    """What BM25 indexes: the claim and the fact-check's headline."""
    return f"{record.claim} {record.title or ''}".strip()


@dataclass
class FactCheckIndex:
    """Ids in index order, a BM25 retriever, unit vectors of the claims and of the
    fact-checks' headlines (the claim's own vector where there is no headline), and for large
    indexes the inverted lists: ``centroids`` and the row ``offsets`` of each list (rows are
    stored list after list)."""

    ids: list[str]
    bm25: Any
    vectors: Matrix
    titles: Matrix
    generation: int = 0
    centroids: Matrix | None = None
    offsets: npt.NDArray[np.int64] | None = None

    @classmethod
    def build(
        cls,
        records: Sequence[FactCheck],
        generation: int = 0,
        vectors: Matrix | None = None,
        titles: Matrix | None = None,
        ivf: bool | None = None,
    ) -> FactCheckIndex:
        """Index ``records``; ``ivf`` forces inverted lists on or off (default: on from
        ``IVF_MIN_ROWS`` records)."""
        import bm25s

        if vectors is None:
            vectors = encode([r.claim for r in records])
        if titles is None:
            titles = vectors.copy()
            titled = [i for i, r in enumerate(records) if r.title]
            if titled:
                titles[titled] = encode([records[i].title or "" for i in titled])
        centroids = offsets = None
        if records and (ivf if ivf is not None else len(records) >= IVF_MIN_ROWS):
            centroids, assign = kmeans(vectors)
            order = np.argsort(assign, kind="stable")
            offsets = np.searchsorted(assign[order], np.arange(len(centroids) + 1)).astype(np.int64)
            records = [records[i] for i in order]
            vectors, titles = vectors[order], titles[order]
        bm25 = bm25s.BM25()
        # bm25s cannot index nothing: an empty store gets one placeholder document (no id).
        corpus = tokenize([document_text(r) for r in records]) or [["spinlens-empty-index"]]
        bm25.index(corpus, show_progress=False)
        return cls(
            [r.id for r in records],
            bm25,
            np.ascontiguousarray(vectors, dtype=np.float32),
            np.ascontiguousarray(titles, dtype=np.float32),
            generation,
            centroids,
            offsets,
        )

    def save(self, folder: Path) -> None:
        """Write to a folder of this process's own, then swap it in: processes that rebuild a
        stale index at the same time (batch workers) never write into each other's files."""
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        tmp.mkdir(parents=True)
        self.bm25.save(str(tmp / "bm25"))
        np.save(tmp / "vectors.npy", self.vectors.astype(np.float16))
        np.save(tmp / "titles.npy", self.titles.astype(np.float16))
        if self.centroids is not None and self.offsets is not None:
            np.save(tmp / "centroids.npy", self.centroids)
            np.save(tmp / "offsets.npy", self.offsets)
        meta = {"version": INDEX_VERSION, "generation": self.generation, "ids": self.ids}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            tmp.rename(folder)
        except OSError:  # another process swapped its (equivalent) index in first
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> FactCheckIndex | None:
        """The saved index, or None when absent or from another version."""
        import bm25s

        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("version") != INDEX_VERSION:
                return None
            bm25 = bm25s.BM25.load(str(folder / "bm25"))
            vectors = np.load(folder / "vectors.npy").astype(np.float32)
            titles = np.load(folder / "titles.npy").astype(np.float32)
            centroids = offsets = None
            if (folder / "centroids.npy").is_file():
                centroids = np.load(folder / "centroids.npy").astype(np.float32)
                offsets = np.load(folder / "offsets.npy").astype(np.int64)
        except (OSError, ValueError, KeyError):
            return None
        return cls(
            list(meta["ids"]), bm25, vectors, titles, int(meta["generation"]), centroids, offsets
        )

    def bm25_scores(self, query: str) -> Matrix:
        tokens = tokenize([query])[0]
        if not tokens or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def dense_top(self, queries: Matrix, depth: int) -> npt.NDArray[np.intp]:
        """Rows of the ``depth`` claims most similar to any row of ``queries`` (unit vectors
        of a query and its sentences), best first: exact, or over the probed lists."""
        if not self.ids:
            return np.zeros(0, dtype=np.intp)
        # One pass over the claim matrix for all query rows; a contiguous right-hand side,
        # because BLAS is several times slower on a transposed view.
        rhs = np.ascontiguousarray(queries.T, dtype=np.float32)
        if self.centroids is None or self.offsets is None:
            return top_rows((self.vectors @ rhs).max(axis=1), depth)
        nprobe = max(1, math.ceil(IVF_PROBE_FRACTION * len(self.centroids)))
        lists = top_rows((self.centroids @ rhs).max(axis=1), nprobe)
        spans = [(int(self.offsets[j]), int(self.offsets[j + 1])) for j in lists]
        scores = np.concatenate([(self.vectors[a:b] @ rhs).max(axis=1) for a, b in spans])
        rows = np.concatenate([np.arange(a, b) for a, b in spans])
        return rows[top_rows(scores, depth)]


def top_rows(scores: Matrix, k: int) -> npt.NDArray[np.intp]:
    """Indices of the ``k`` highest scores, best first (ties in index order)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def kmeans(
    vectors: Matrix, iterations: int = 8, sample: int = 50_000, seed: int = 0
) -> tuple[Matrix, npt.NDArray[np.intp]]:
    """Spherical k-means with about sqrt(n) centroids, fitted on a sample; returns the unit
    centroids and every row's list."""
    n = len(vectors)
    lists = max(1, round(math.sqrt(n)))
    rng = np.random.default_rng(seed)
    fit = vectors[rng.choice(n, size=min(n, sample), replace=False)]
    centroids = fit[rng.choice(len(fit), size=lists, replace=False)].copy()
    for _ in range(iterations):
        assign = (fit @ centroids.T).argmax(axis=1)
        order = np.argsort(assign, kind="stable")
        starts = np.searchsorted(assign[order], np.arange(lists))
        filled = np.bincount(assign, minlength=lists) > 0
        sums = np.zeros_like(centroids)
        sums[filled] = np.add.reduceat(fit[order], starts[filled], axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-12), centroids)
    assign = np.concatenate(
        [(vectors[a : a + 8192] @ centroids.T).argmax(axis=1) for a in range(0, n, 8192)]
    )
    return centroids.astype(np.float32), assign


def index_folder(db: Path) -> Path:
    return db.with_name(db.name + ".index")


def index_state(store: FactCheckStore) -> str:
    """'current', 'stale' (rebuilt by the next match) or 'missing', without loading it."""
    try:
        meta = json.loads((index_folder(store.path) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "missing"
    current = meta.get("version") == INDEX_VERSION and meta.get("generation") == store.generation()
    return "current" if current else "stale"


def open_index(store: FactCheckStore) -> FactCheckIndex:
    """The store's index (one entry per distinct claim), rebuilt and saved when stale."""
    folder = index_folder(store.path)
    index = FactCheckIndex.load(folder)
    generation = store.generation()
    if index is None or index.generation != generation:
        index = FactCheckIndex.build(unique_claims(store.all()), generation)
        # A read-only location only costs the rebuild next time; the index is in memory.
        with contextlib.suppress(OSError):
            index.save(folder)
    return index
