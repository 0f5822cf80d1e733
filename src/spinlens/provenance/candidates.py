"""Find the indexed documents a text was copied from, or that copied from it.

Two lookups give candidates: LSH band keys (near-duplicates, whole copies) and sampled shingle
fingerprints (partial reuse: a third of a source, reordered paragraphs, a short text quoting a
long one). Every candidate is then verified exactly on full shingle sets, containment both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinlens.provenance.ingest import content_hash
from spinlens.provenance.reader import IndexReader
from spinlens.provenance.shingles import band_keys, fingerprints, minhash, text_hashes
from spinlens.provenance.store import StoredDoc

MAX_CANDIDATES = 12
MIN_HIT_SHARE = 0.05  # skip candidates with under 5% of the best candidate's fingerprint hits


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """An indexed document that shares text with the query, with exact overlap measures."""

    doc: StoredDoc
    score: float
    containment: float  # share of the query's shingles found in this document
    source_containment: float  # share of this document's shingles found in the query
    jaccard: float
    shared: int  # shingles in common
    paraphrase: float | None = None  # sentence-embedding score (indexes with vectors only)

    def as_dict(self) -> dict[str, object]:
        extra = {} if self.paraphrase is None else {"paraphrase": round(self.paraphrase, 4)}
        return {
            "id": self.doc.id,
            "url": self.doc.url,
            "title": self.doc.title,
            "date": self.doc.date,
            "score": round(self.score, 4),
            "containment": round(self.containment, 4),
            "source_containment": round(self.source_containment, 4),
            "jaccard": round(self.jaccard, 4),
            "shared_shingles": self.shared,
            **extra,
        }


def overlap(query: set[int], other: set[int]) -> tuple[float, float, float, int]:
    """(containment of query in other, of other in query, Jaccard, shared count)."""
    shared = len(query & other)
    union = len(query) + len(other) - shared
    return (
        shared / len(query) if query else 0.0,
        shared / len(other) if other else 0.0,
        shared / union if union else 0.0,
        shared,
    )


def rank_score(containment: float, source_containment: float) -> float:
    """How likely the document is *the* source: most of the query in it, and it mostly used.

    Containment of the query dominates (a copy with insertions still lies mostly in its
    source); the reverse containment breaks ties between a source and a longer compendium.
    """
    return 0.7 * containment + 0.3 * source_containment


def find_sources(
    store: IndexReader,
    text: str,
    *,
    top: int = 5,
    min_containment: float = 0.05,
    min_shared: int = 3,
    exclude_self: bool = True,
) -> list[SourceMatch]:
    """Ranked sources of ``text`` in the index, best first."""
    params = store.params
    hashes = text_hashes(text, params.k)
    if not len(hashes):
        return []
    query = set(hashes.tolist())
    by_band = store.docs_by_bands(
        band_keys(minhash(hashes, params.num_perm), params.bands).tolist()
    )
    by_print = store.docs_by_fingerprints(fingerprints(hashes, params.sample).tolist())
    ranked = by_print.most_common(MAX_CANDIDATES)
    floor = ranked[0][1] * MIN_HIT_SHARE if ranked else 0
    pool = [pk for pk, hits in ranked if hits >= floor]
    pooled = set(pool)
    pool += [pk for pk in by_band if pk not in pooled]
    own = store.pk_of_hash(content_hash(text)) if exclude_self else None
    matches = []
    for doc in store.fetch(pk for pk in pool if pk != own):
        other = set(text_hashes(doc.text, params.k).tolist())
        contained, reverse, jaccard, shared = overlap(query, other)
        if shared < min(min_shared, len(query)):
            continue
        if max(contained, reverse) < min_containment:
            continue
        matches.append(
            SourceMatch(doc, rank_score(contained, reverse), contained, reverse, jaccard, shared)
        )
    matches.sort(key=lambda m: (-m.score, -m.shared, m.doc.id))
    return matches[:top]
