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

    mine = [a for a, _, _ in pairs]
    theirs = [s for _, s, _ in pairs]
    kept = []
    for change in alignment.changes:
        if inside(change):
            continue
        clipped = _clip(change, text, source, mine, theirs)
        if clipped is not None:
            kept.append(clipped)
    kept += [Change("substituted", "sentence", a, b, s, e) for (a, b), (s, e), _ in pairs]
    kept.sort(key=lambda c: (c.start, c.end, c.source_start))
    return Alignment(tuple(kept), alignment.aligned)


def _outside(start: int, end: int, text: str, taken: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """``[start, end)`` less the paired sentences it runs into at either end (spaces and
    stops trimmed), so a diff run crossing a sentence boundary keeps only its unpaired part."""
    for a, b in taken:
        if a <= start < b < end:
            start = b
        if start < a < end <= b:
            end = a
    while start < end and (text[start].isspace() or text[start] in ".,;:!?"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, max(start, end)


def _clip(
    change: Change,
    text: str,
    source: str,
    mine: Sequence[tuple[int, int]],
    theirs: Sequence[tuple[int, int]],
) -> Change | None:
    """A word-level change running into a paired sentence, cut back to what lies outside it
    (the op follows what is left: both sides, the article's only, or the source's only)."""
    if change.level != "word":
        return change
    start, end = change.start, change.end
    s_start, s_end = change.source_start, change.source_end
    if end > start:
        start, end = _outside(start, end, text, mine)
    if s_end > s_start:
        s_start, s_end = _outside(s_start, s_end, source, theirs)
    if (start, end, s_start, s_end) == (
        change.start,
        change.end,
        change.source_start,
        change.source_end,
    ):
        return change
    if end > start and s_end > s_start:
        return Change("substituted", "word", start, end, s_start, s_end)
    if end > start:
        return Change("inserted", "word", start, end, s_start, s_start)
    if s_end > s_start:
        return Change("deleted", "word", start, start, s_start, s_end)
    return None
