"""Pair reworded sentences: a source sentence said again in other words is one ``paraphrased``
change (with the source sentence), not an inserted sentence plus a deleted one.

Runs after the word alignment: article and source sentences left mostly unaligned (under half
of their characters in equal blocks) are embedded with the shared MiniLM encoder and paired
one to one, most similar first, when their cosine reaches ``PAIR_THRESHOLD``. The word-level
and sentence-level changes lying inside a paired sentence (and, for deletions, inside its
source sentence) are replaced by the pair.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from spinlens.provenance import paraphrase
from spinlens.provenance.align import Alignment, Block, Change

# Chosen on half A of FakeNewsAMT (bench/provenance_paraphrase.py --choose): 0.699, the 99th
# percentile of a fake sentence's best cosine among the sentences of the closest wrong legit
# article (same-topic negatives); on half B 1.2% of such sentences pair, 31% of true ones.
PAIR_THRESHOLD = 0.70
COVERED = 0.5  # a sentence with this share of its characters aligned is a copy, not reworded


def _uncovered(
    spans: Sequence[tuple[int, int]], blocks: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    out = []
    for a, b in spans:
        aligned = sum(max(0, min(e, b) - max(s, a)) for s, e in blocks)
        if aligned < COVERED * (b - a):
            out.append((a, b))
    return out


def pair_sentences(
    text: str, source: str, alignment: Alignment, threshold: float | None = None
) -> list[tuple[tuple[int, int], tuple[int, int], float]]:
    """(article sentence, source sentence, cosine) pairs, one to one, best first."""
    threshold = PAIR_THRESHOLD if threshold is None else threshold
    blocks: list[Block] = list(alignment.aligned)
    mine = _uncovered(paraphrase.sentences(text), [(b.start, b.end) for b in blocks])
    theirs = _uncovered(
        paraphrase.sentences(source), [(b.source_start, b.source_end) for b in blocks]
    )
    if not mine or not theirs:
        return []
    vectors = paraphrase.embed([text[a:b] for a, b in mine] + [source[a:b] for a, b in theirs])
    sims = vectors[: len(mine)] @ vectors[len(mine) :].T
    order = np.argsort(-sims, axis=None, kind="stable")
    pairs = []
    used_a: set[int] = set()
    used_s: set[int] = set()
    for flat in order.tolist():
        i, j = divmod(flat, len(theirs))
        cos = float(sims[i, j])
        if cos < threshold:
            break
        if i in used_a or j in used_s:
            continue
        used_a.add(i)
        used_s.add(j)
        pairs.append((mine[i], theirs[j], cos))
    return pairs


def with_paraphrases(
    text: str, source: str, alignment: Alignment, threshold: float | None = None
) -> Alignment:
    """The alignment with reworded sentences as one ``substituted`` sentence-level change."""
    pairs = pair_sentences(text, source, alignment, threshold)
    if not pairs:
        return alignment

    def inside(change: Change) -> bool:
        for (a, b), (s, e), _ in pairs:
            in_a = a <= change.start and change.end <= b
            in_s = s <= change.source_start and change.source_end <= e
            if change.op == "inserted" and in_a:
                return True
            if change.op == "deleted" and in_s:
                return True
            if change.op == "substituted" and in_a and in_s:
                return True
        return False

    kept = [c for c in alignment.changes if not inside(c)]
    kept += [Change("substituted", "sentence", a, b, s, e) for (a, b), (s, e), _ in pairs]
    kept.sort(key=lambda c: (c.start, c.end, c.source_start))
    return Alignment(tuple(kept), alignment.aligned)
