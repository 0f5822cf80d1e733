"""The persisted search index over the fact-check store: BM25 (bm25s) plus MiniLM vectors.

Saved next to the database as ``<db>.index/`` and rebuilt when the store's generation moves
(any import), so matching never reads a stale index.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.models.encoder import encode

INDEX_VERSION = 3
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
    """Ids in store order, a BM25 retriever, unit vectors of the claims and of the
    fact-checks' headlines (the claim's own vector where there is no headline)."""

    ids: list[str]
    bm25: Any
    vectors: Matrix
    titles: Matrix
    generation: int = 0

    @classmethod
    def build(
        cls,
        records: Sequence[FactCheck],
        generation: int = 0,
        vectors: Matrix | None = None,
        titles: Matrix | None = None,
    ) -> FactCheckIndex:
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokenize([document_text(r) for r in records]) or [[]], show_progress=False)
        if vectors is None:
            vectors = encode([r.claim for r in records])
        if titles is None:
            titles = vectors.copy()
            titled = [i for i, r in enumerate(records) if r.title]
            if titled:
                titles[titled] = encode([records[i].title or "" for i in titled])
        return cls([r.id for r in records], bm25, vectors, titles, generation)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.bm25.save(str(tmp / "bm25"))
        np.save(tmp / "vectors.npy", self.vectors.astype(np.float16))
        np.save(tmp / "titles.npy", self.titles.astype(np.float16))
        meta = {"version": INDEX_VERSION, "generation": self.generation, "ids": self.ids}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

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
        except (OSError, ValueError, KeyError):
            return None
        return cls(list(meta["ids"]), bm25, vectors, titles, int(meta["generation"]))

    def bm25_scores(self, query: str) -> Matrix:
        tokens = tokenize([query])[0]
        if not tokens or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)


def index_folder(db: Path) -> Path:
    return db.with_name(db.name + ".index")


def open_index(store: FactCheckStore) -> FactCheckIndex:
    """The store's index (one entry per distinct claim), rebuilt and saved when stale."""
    folder = index_folder(store.path)
    index = FactCheckIndex.load(folder)
    generation = store.generation()
    if index is None or index.generation != generation:
        index = FactCheckIndex.build(unique_claims(store.all()), generation)
        index.save(folder)
    return index
