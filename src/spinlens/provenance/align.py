"""Align an article with its source and list the raw changes, with offsets in both texts.

1. Paragraphs are paired best-first by rapidfuzz similarity (order-free), and the source's
   paragraphs are laid out in the article's order, so moved paragraphs are not changes.
2. One difflib word diff runs over the whole article against that re-laid source, so a sentence
   split, merged or re-punctuated in the copy does not break the alignment.
3. Each difference is cut at sentence boundaries: whole sentences the copy added or dropped are
   sentence-level changes, the rest are word-level insertions, deletions and substitutions.
Unchanged runs become aligned blocks (offsets in both texts) for a side-by-side redline.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import fuzz, process

from spinlens.document.segment import split_paragraphs, split_sentences
from spinlens.document.span import Span
from spinlens.provenance.shingles import tokenize

MATCH_RATIO = 60.0  # rapidfuzz ratio above which two paragraphs are versions of each other
MATCH_SUBSET = 90.0  # token-set ratio for a paragraph that gained or lost a long passage
MIN_SUBSET_WORDS = 6
# Long texts: beyond these sizes the work is bounded so that cost stays linear in the length.
PAIR_BUDGET = 250_000  # paragraph pairs scored in full (500 x 500); beyond, near the diagonal
PAIR_BLOCK = 32  # article paragraphs scored together against one window of the source
CHUNK_WORDS = 4_000  # both texts longer: the word diff runs chunk by chunk, not on the whole
CHUNK_TARGET = 2_000  # article words per chunk (chunks end at paragraph boundaries)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference; an empty side means insertion (source empty) or deletion (article)."""

    op: str  # inserted | deleted | substituted
    level: str  # sentence | word
    start: int
    end: int
    source_start: int
    source_end: int


@dataclass(frozen=True, slots=True)
class Block:
    start: int
    end: int
    source_start: int
    source_end: int


@dataclass(frozen=True, slots=True)
class Alignment:
    changes: tuple[Change, ...]
    aligned: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class _Side:
    """A text's words in diff order: lower-cased words, char offsets, original word index."""

    words: list[str]
    starts: list[int]
    ends: list[int]
    order: list[int]
    sentences: list[tuple[int, int]]  # word-index ranges of sentences, in diff order
    spans: dict[tuple[int, int], tuple[int, int]]  # word range -> sentence characters
    firsts: list[int]  # the first word of each sentence (increasing: for binary search)
    para_firsts: list[int]  # the first word of each paragraph, in diff order


def pair_segments(text: str, a_segs: list[Span], source: str, s_segs: list[Span]) -> dict[int, int]:
    """One-to-one pairs article segment -> source segment, most similar first."""
    if not a_segs or not s_segs:
        return {}
    a_txt = [text[s.start : s.end].lower() for s in a_segs]
    s_txt = [source[s.start : s.end].lower() for s in s_segs]
    if len(a_txt) * len(s_txt) > PAIR_BUDGET:
        return _pair_long(a_txt, s_txt)
    ratio = process.cdist(a_txt, s_txt, scorer=fuzz.ratio, workers=1)
    subset = process.cdist(a_txt, s_txt, scorer=fuzz.token_set_ratio, workers=1)
    a_len = [len(t.split()) for t in a_txt]
    s_len = [len(t.split()) for t in s_txt]
    scored = []
    for i in range(len(a_txt)):
        for j in range(len(s_txt)):
            score = float(ratio[i, j])
            if score < MATCH_RATIO:
                long_enough = min(a_len[i], s_len[j]) >= MIN_SUBSET_WORDS
                if not (long_enough and subset[i, j] >= MATCH_SUBSET):
                    continue
                score = float(subset[i, j]) * 0.6  # rank subset matches after true versions
            scored.append((score, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in scored:
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def _pair_long(a_txt: list[str], s_txt: list[str]) -> dict[int, int]:
    """``pair_segments`` for two long texts, in time linear in their paragraphs.

    Identical paragraphs pair first, wherever they are (as scoring every pair does: only they
    score 100); the others are scored only against source paragraphs near the same relative
    position (a window of ``PAIR_BUDGET / article paragraphs`` paragraphs), so a paragraph
    edited *and* moved far in a very long text is a deletion plus an insertion.
    """
    free: dict[str, deque[int]] = {}
    for j, t in enumerate(s_txt):
        free.setdefault(t, deque()).append(j)
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, t in enumerate(a_txt):
        same = free.get(t)
        if same:
            pairs[i] = j = same.popleft()
            used.add(j)
    n_a, n_s = len(a_txt), len(s_txt)
    width = max(1, PAIR_BUDGET // (2 * n_a))
    a_len = np.array([len(t.split()) for t in a_txt])
    s_len = np.array([len(t.split()) for t in s_txt])
    scored: list[tuple[float, int, int]] = []
    for a0 in range(0, n_a, PAIR_BLOCK):
        a1 = min(n_a, a0 + PAIR_BLOCK)
        rows = [i for i in range(a0, a1) if i not in pairs]
        s0 = max(0, a0 * n_s // n_a - width)
        s1 = min(n_s, a1 * n_s // n_a + width)
        cols = [j for j in range(s0, s1) if j not in used]
        if not rows or not cols:
            continue
        a_sub, s_sub = [a_txt[i] for i in rows], [s_txt[j] for j in cols]
        ratio = process.cdist(a_sub, s_sub, scorer=fuzz.ratio, workers=1)
        subset = process.cdist(a_sub, s_sub, scorer=fuzz.token_set_ratio, workers=1)
        long_enough = np.minimum.outer(a_len[rows], s_len[cols]) >= MIN_SUBSET_WORDS
        score = np.where(ratio >= MATCH_RATIO, ratio, subset * 0.6)
        keep = (ratio >= MATCH_RATIO) | (long_enough & (subset >= MATCH_SUBSET))
        for r, c in zip(*np.nonzero(keep), strict=True):
            scored.append((float(score[r, c]), rows[r], cols[c]))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    for _, i, j in scored:
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def source_layout(pairs: dict[int, int], n_source: int) -> list[int]:
    """Source paragraph indices in the article's order; unpaired ones stay after their
    original predecessor."""
    by_source = {j: i for i, j in pairs.items()}
    keys = {}
    anchor = -1
    for j in range(n_source):
        if j in by_source:
            anchor = by_source[j]
            keys[j] = (by_source[j], 0, j)
        else:
            keys[j] = (anchor, 1, j)
    return sorted(range(n_source), key=lambda j: keys[j])


def _side(text: str, paragraphs: Sequence[Span], order: Sequence[int]) -> _Side:
    tokens = tokenize(text)
    # each paragraph's sentences, split paragraph by paragraph (filtering all the text's
    # sentences for each paragraph cost paragraphs x sentences on long texts)
    sents = {p: list(split_sentences(text, [paragraphs[p]])) for p in order}
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index: list[int] = []
    sent_ranges: list[tuple[int, int]] = []
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    para_firsts: list[int] = []
    for p in order:
        para_firsts.append(len(words))
        for sent in sents[p]:
            first = len(words)
            k = bisect_left(tokens.starts, sent.start)
            while k < len(tokens) and tokens.ends[k] <= sent.end:
                words.append(tokens.words[k])
                starts.append(tokens.starts[k])
                ends.append(tokens.ends[k])
                index.append(k)
                k += 1
            if len(words) > first:
                sent_ranges.append((first, len(words)))
                spans[(first, len(words))] = (sent.start, sent.end)
    firsts = [x for x, _ in sent_ranges]
    return _Side(words, starts, ends, index, sent_ranges, spans, firsts, para_firsts)


def align(text: str, source: str) -> Alignment:
    """Changes and aligned blocks between ``text`` (the article) and ``source``."""
    a_paras, s_paras = list(split_paragraphs(text)), list(split_paragraphs(source))
    pairs = pair_segments(text, a_paras, source, s_paras)
    layout = source_layout(pairs, len(s_paras))
    a = _side(text, a_paras, range(len(a_paras)))
    s = _side(source, s_paras, layout)
    changes: list[Change] = []
    blocks: list[Block] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, s, _chunks(a, s, pairs, layout)):
        if tag == "equal":
            blocks.extend(_blocks(a, s, i1, i2, j1))
        else:
            changes.extend(_cut(a, s, i1, i2, j1, j2, len(text), len(source)))
    changes.sort(key=lambda c: (c.start, c.end, c.source_start))
    blocks.sort(key=lambda b: (b.start, b.source_start))
    return Alignment(tuple(changes), tuple(blocks))


def _chunks(
    a: _Side, s: _Side, pairs: dict[int, int], layout: list[int]
) -> list[tuple[int, int, int, int]]:
    """Word ranges ``(i1, i2, j1, j2)`` diffed one by one: the whole texts, or for two long
    texts runs of about ``CHUNK_TARGET`` article words cut at a paragraph boundary and at the
    matching place in the re-laid source (where the source paragraphs placed before that
    article paragraph end). A diff over the whole of two long texts costs up to the product of
    their lengths; chunk by chunk it costs their length times the chunk's.
    """
    n_a, n_s = len(a.words), len(s.words)
    if n_a <= CHUNK_WORDS or n_s <= CHUNK_WORDS:
        return [(0, n_a, 0, n_s)]
    by_source = {j: i for i, j in pairs.items()}
    anchors = []  # the article paragraph each re-laid source paragraph is placed after
    anchor = -1
    for j in range(len(layout)):
        anchor = by_source.get(j, anchor)
        anchors.append(anchor)
    placed = [anchors[j] for j in layout]  # in layout order: non-decreasing
    out = []
    i0 = j0 = 0
    for p, first in enumerate(a.para_firsts):
        if first - i0 < CHUNK_TARGET:
            continue
        k = bisect_left(placed, p)  # source paragraphs placed before article paragraph p
        j1 = s.para_firsts[k] if k < len(s.para_firsts) else n_s
        if j1 < j0:
            continue
        out.append((i0, first, j0, j1))
        i0, j0 = first, j1
    out.append((i0, n_a, j0, n_s))
    return out


def _opcodes(
    a: _Side, s: _Side, chunks: list[tuple[int, int, int, int]]
) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes over the chunks, in the texts' word indices."""
    out: list[tuple[str, int, int, int, int]] = []
    for i0, i1, j0, j1 in chunks:
        matcher = SequenceMatcher(None, a.words[i0:i1], s.words[j0:j1], autojunk=False)
        for tag, x1, x2, y1, y2 in matcher.get_opcodes():
            out.append((tag, i0 + x1, i0 + x2, j0 + y1, j0 + y2))
    return out


def _blocks(a: _Side, s: _Side, i1: int, i2: int, j1: int) -> list[Block]:
    """Equal runs, split wherever either side's words stop being consecutive in its text."""
    blocks = []
    start = i1
    for i in range(i1 + 1, i2 + 1):
        j = j1 + (i - i1)
        if i == i2 or a.order[i] != a.order[i - 1] + 1 or s.order[j] != s.order[j - 1] + 1:
            js = j1 + (start - i1)
            blocks.append(Block(a.starts[start], a.ends[i - 1], s.starts[js], s.ends[j - 1]))
            start = i
    return blocks


def _whole_sentences(side: _Side, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentences lying within words [lo, hi): sentences follow each other in diff order, so
    they are the run starting at the first one at or after ``lo``."""
    out = []
    for k in range(bisect_left(side.firsts, lo), len(side.sentences)):
        x, y = side.sentences[k]
        if x >= hi:
            break
        if y <= hi:
            out.append((x, y))
    return out


def _point(side: _Side, i: int, size: int) -> int:
    """Character position of word ``i`` in diff order (end of text past the last word)."""
    if i < len(side.starts):
        return side.starts[i]
    return side.ends[-1] if side.ends else size


def _cut(
    a: _Side, s: _Side, i1: int, i2: int, j1: int, j2: int, a_size: int, s_size: int
) -> list[Change]:
    """One diff run as sentence-level changes for whole sentences, word-level for the rest."""
    out: list[Change] = []
    a_sents, s_sents = _whole_sentences(a, i1, i2), _whole_sentences(s, j1, j2)
    a_at, s_at = _point(a, i1, a_size), _point(s, j1, s_size)
    for x, y in a_sents:
        start, end = a.spans[(x, y)]
        out.append(Change("inserted", "sentence", start, end, s_at, s_at))
    for x, y in s_sents:
        start, end = s.spans[(x, y)]
        out.append(Change("deleted", "sentence", a_at, a_at, start, end))
    a_rest = _leftover(i1, i2, a_sents)
    s_rest = _leftover(j1, j2, s_sents)
    if a_rest and s_rest:
        (x, _), (_, y) = a_rest[0], a_rest[-1]
        (u, _), (_, v) = s_rest[0], s_rest[-1]
        first, *others = _pieces(s, u, v)
        s_start, s_end = _extent(s, *first)
        out.append(Change("substituted", "word", a.starts[x], a.ends[y - 1], s_start, s_end))
        for lo, hi in others:  # the rest of the run comes from elsewhere in the source
            s_start, s_end = _extent(s, lo, hi)
            out.append(Change("deleted", "word", a.ends[y - 1], a.ends[y - 1], s_start, s_end))
    elif a_rest:
        for x, y in a_rest:
            out.append(Change("inserted", "word", a.starts[x], a.ends[y - 1], s_at, s_at))
    else:
        for u, v in s_rest:
            for lo, hi in _pieces(s, u, v):
                s_start, s_end = _extent(s, lo, hi)
                out.append(Change("deleted", "word", a_at, a_at, s_start, s_end))
    return out


def _pieces(side: _Side, lo: int, hi: int) -> list[tuple[int, int]]:
    """Words [lo, hi) in diff order cut where they stop being consecutive in the text: a run
    that crosses a moved paragraph of the re-laid source is two stretches of the source, and
    one extent over both would span everything between them."""
    out = []
    start = lo
    for i in range(lo + 1, hi):
        if side.order[i] != side.order[i - 1] + 1:
            out.append((start, i))
            start = i
    out.append((start, hi))
    return out


def _extent(side: _Side, lo: int, hi: int) -> tuple[int, int]:
    """Characters spanned by words [lo, hi) in diff order; the source is re-laid in the
    article's paragraph order, so a run that crosses a moved paragraph is not in text order."""
    return min(side.starts[lo:hi]), max(side.ends[lo:hi])


def _leftover(lo: int, hi: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Word ranges of [lo, hi) outside the whole sentences already reported."""
    ranges, cursor = [], lo
    for x, y in taken:
        if x > cursor:
            ranges.append((cursor, x))
        cursor = max(cursor, y)
    if hi > cursor:
        ranges.append((cursor, hi))
    return ranges
