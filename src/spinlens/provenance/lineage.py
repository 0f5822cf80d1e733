"""Order several versions of one story into a derivation graph: who copied whom, what changed.

Two versions are ordered by their dates when both have one, otherwise by containment: copies
mostly add to what they take, so the earlier version is the one more contained in the other. Each
version's parent is the most similar version before it; each edge carries the typed diff counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from spinlens.provenance.candidates import find_sources, overlap
from spinlens.provenance.reader import IndexReader
from spinlens.provenance.shingles import shingle_set

SAME_STORY_JACCARD = 0.3
SAME_STORY_CONTAINMENT = 0.5


@dataclass(frozen=True, slots=True)
class Version:
    id: str
    text: str
    date: str | None
    shingles: frozenset[int]


def _before(x: Version, y: Version) -> int:
    """-1 when x came first: by date when both have one, else by containment (a copy adds to
    what it takes, so the earlier version is the one more contained in the other)."""
    if x.date and y.date and x.date != y.date:
        return -1 if x.date < y.date else 1
    x_in_y, y_in_x, _, _ = overlap(set(x.shingles), set(y.shingles))
    if x_in_y != y_in_x:
        return -1 if x_in_y > y_in_x else 1
    return -1 if x.id < y.id else 1


def order_versions(versions: list[Version]) -> tuple[list[Version], bool]:
    """Versions oldest first, and whether dates alone decided the order."""
    dated = all(v.date for v in versions)
    return sorted(versions, key=cmp_to_key(_before)), dated


def lineage_of(versions: list[Version]) -> dict[str, Any]:
    from spinlens.provenance.trace import diff_against

    ordered, dated = order_versions(versions)
    edges = []
    for i, child in enumerate(ordered[1:], start=1):
        parent = max(
            ordered[:i],
            key=lambda p: overlap(set(child.shingles), set(p.shingles))[2],
        )
        diff = diff_against(child.text, parent.id, parent.text)
        edges.append(
            {
                "parent": parent.id,
                "child": child.id,
                "changes": diff["summary"],
                "mutations": len(diff["mutations"]),
            }
        )
    return {"order": [v.id for v in ordered], "dated": dated, "edges": edges}


def build_lineage(
    store: IndexReader, text: str, *, doc_id: str = "article", date: str | None = None
) -> dict[str, Any]:
    """The article plus every indexed version of the same story, as a derivation graph."""
    k = store.params.k
    versions = [Version(doc_id, text, date, frozenset(shingle_set(text, k)))]
    for match in find_sources(store, text, top=20):
        if match.jaccard >= SAME_STORY_JACCARD or match.containment >= SAME_STORY_CONTAINMENT:
            doc = match.doc
            versions.append(
                Version(doc.id, doc.text, doc.date, frozenset(shingle_set(doc.text, k)))
            )
    return lineage_of(versions)
