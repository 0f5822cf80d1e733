"""Find every reused pair in a corpus (the local engine; ``spark.py`` runs the same steps).

Steps, shared by both engines so they give the same pairs: shingle each document, invert its
sampled fingerprints, count fingerprints each pair of documents shares, then verify candidate
pairs exactly on full shingle sets. Fingerprints shared by more than ``max_df`` documents
(boilerplate) are skipped: they would make every pair a candidate and find no real reuse.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from spinlens.provenance.candidates import overlap
from spinlens.provenance.shingles import fingerprints, text_hashes


@dataclass(frozen=True, slots=True)
class ReuseConfig:
    k: int = 5
    sample: int = 8
    min_shared_prints: int = 2
    threshold: float = 0.2  # containment, either way, for a pair to count as reuse
    max_df: int = 200


@dataclass(frozen=True, slots=True)
class ReusePair:
    a: str
    b: str
    a_in_b: float  # share of a's shingles found in b
    b_in_a: float
    jaccard: float
    shared: int

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "a_in_b": round(self.a_in_b, 4),
            "b_in_a": round(self.b_in_a, 4),
            "jaccard": round(self.jaccard, 4),
            "shared_shingles": self.shared,
        }


Features = tuple[str, frozenset[int], tuple[int, ...]]


def features(doc: tuple[str, str], config: ReuseConfig) -> Features:
    """(id, full shingle set, sampled fingerprints) of one document."""
    doc_id, text = doc
    hashes = text_hashes(text, config.k)
    return (
        doc_id,
        frozenset(hashes.tolist()),
        tuple(fingerprints(hashes, config.sample).tolist()),
    )


def pairs_in_group(ids: Iterable[str], config: ReuseConfig) -> Iterator[tuple[str, str]]:
    """Every ordered pair (a < b) of documents sharing one fingerprint."""
    unique = sorted(set(ids))
    if len(unique) > config.max_df:
        return iter(())
    return combinations(unique, 2)


def verify(
    a: str, b: str, sa: frozenset[int], sb: frozenset[int], config: ReuseConfig
) -> ReusePair | None:
    a_in_b, b_in_a, jaccard, shared = overlap(set(sa), set(sb))
    if max(a_in_b, b_in_a) < config.threshold:
        return None
    return ReusePair(a, b, a_in_b, b_in_a, jaccard, shared)


def find_reuse_local(
    docs: Iterable[tuple[str, str]], config: ReuseConfig | None = None
) -> list[ReusePair]:
    config = config or ReuseConfig()
    shingles: dict[str, frozenset[int]] = {}
    postings: dict[int, list[str]] = defaultdict(list)
    for doc in docs:
        doc_id, sh, prints = features(doc, config)
        shingles[doc_id] = sh
        for h in prints:
            postings[h].append(doc_id)
    counts: Counter[tuple[str, str]] = Counter()
    for ids in postings.values():
        counts.update(pairs_in_group(ids, config))
    found = (
        verify(a, b, shingles[a], shingles[b], config)
        for (a, b), n in counts.items()
        if n >= config.min_shared_prints
    )
    return sort_pairs(p for p in found if p is not None)


def sort_pairs(pairs: Iterable[ReusePair]) -> list[ReusePair]:
    return sorted(pairs, key=lambda p: (-max(p.a_in_b, p.b_in_a), p.a, p.b))


def unique_ids(docs: Sequence[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for doc_id, _ in docs:
        if doc_id in seen:
            from spinlens.errors import InputError

            raise InputError(f"document id '{doc_id}' appears twice in the corpus")
        seen.add(doc_id)
