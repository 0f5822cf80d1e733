"""Candidate sources from both paths, merged: shingles (copies) and sentence embeddings
(rewritten copies).

Without sentence vectors in the index this is :func:`find_sources` unchanged. With them, every
candidate's score is ``(shingle score + w * paraphrase score) / (1 + w)``: a verbatim copy
scores high on both, a rewritten one on the second only. The weight ``w`` was chosen on half A
of FakeNewsAMT (``python bench/provenance_paraphrase.py --choose``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spinlens.provenance import paraphrase
from spinlens.provenance.candidates import (
    MAX_CANDIDATES,
    SourceMatch,
    find_sources,
    overlap,
    rank_score,
)
from spinlens.provenance.entries import content_hash
from spinlens.provenance.shingles import text_hashes
from spinlens.provenance.store import Store

# Chosen on half A of FakeNewsAMT (--choose): a candidate found by meaning only (no shingle
# evidence) needs this paraphrase score, the 5th percentile of true sources' scores there.
MEANING_ONLY_FLOOR = 0.279
PARAPHRASE_WEIGHT = 0.25  # chosen on half A of FakeNewsAMT (any of 0.25-4 did as well)


def uses_paraphrase(store: Any) -> bool:
    """Whether this index (any reader; vectors live only in a SQLite one) has sentence
    vectors, i.e. was built with ``--paraphrase``."""
    return isinstance(store, Store) and paraphrase.has_vectors(store)


def rank_sources(
    store: Any, text: str, *, top: int = 5, exclude_self: bool = True
) -> list[SourceMatch]:
    """Ranked sources of ``text`` from both candidate paths, best first."""
    shingled = find_sources(store, text, top=max(top, MAX_CANDIDATES), exclude_self=exclude_self)
    if not uses_paraphrase(store):
        return shingled[:top]
    own = store.pk_of_hash(content_hash(text)) if exclude_self else None
    rewritten = paraphrase.find_paraphrased(
        store, text, top=max(top, MAX_CANDIDATES), exclude_pk=own
    )
    weight = PARAPHRASE_WEIGHT
    by_pk = {m.doc.pk: m for m in shingled}
    para = {m.doc.pk: m for m in rewritten}
    query: set[int] | None = None
    merged = []
    for pk in {*by_pk, *para}:
        match = by_pk.get(pk)
        if match is None and para[pk].score < MEANING_ONLY_FLOOR:
            continue  # a weak likeness in meaning alone is not offered as a source
        if match is None:  # found by meaning only: measure its (small) shingle overlap too
            if query is None:
                query = set(text_hashes(text, store.params.k).tolist())
            doc = para[pk].doc
            other = set(text_hashes(doc.text, store.params.k).tolist())
            contained, reverse, jaccard, shared = overlap(query, other)
            match = SourceMatch(
                doc, rank_score(contained, reverse), contained, reverse, jaccard, shared
            )
        meaning = para[pk].score if pk in para else 0.0
        score = (match.score + weight * meaning) / (1.0 + weight)
        merged.append(replace(match, score=score, paraphrase=meaning))
    merged.sort(key=lambda m: (-m.score, -m.shared, m.doc.id))
    return merged[:top]
