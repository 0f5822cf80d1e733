"""Align an article with its source: sentences first (order-free), then words inside pairs.

Sentences are paired best-first by rapidfuzz similarity, so reordered paragraphs still align;
each pair is diffed word by word with difflib. The result is a list of raw changes (offsets in
both texts) and the aligned (unchanged) blocks a renderer needs for a side-by-side redline.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from spinlens.document.segment import split_paragraphs, split_sentences
from spinlens.document.span import Span
from spinlens.provenance.shingles import Tokens, tokenize

MATCH_RATIO = 60.0  # rapidfuzz ratio above which two sentences are versions of each other
MATCH_SUBSET = 90.0  # token-set ratio for a sentence that gained or lost a long clause
MIN_SUBSET_WORDS = 6


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
    pairs: tuple[tuple[Span, Span], ...]  # matched (article sentence, source sentence)


def sentences(text: str) -> list[Span]:
    return list(split_sentences(text, list(split_paragraphs(text))))


def pair_sentences(
    text: str, a_sents: list[Span], source: str, s_sents: list[Span]
) -> list[tuple[int, int]]:
    """One-to-one sentence pairs, most similar first (order-free, so moved text still pairs)."""
    if not a_sents or not s_sents:
        return []
    a_txt = [text[s.start : s.end].lower() for s in a_sents]
    s_txt = [source[s.start : s.end].lower() for s in s_sents]
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
    used_a: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i in used_a or j in used_s:
            continue
        used_a.add(i)
        used_s.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def align(text: str, source: str) -> Alignment:
    """Changes and aligned blocks between ``text`` (the article) and ``source``."""
    a_sents, s_sents = sentences(text), sentences(source)
    pairs = pair_sentences(text, a_sents, source, s_sents)
    changes: list[Change] = []
    blocks: list[Block] = []
    paired_a = {i: j for i, j in pairs}
    paired_s = {j for _, j in pairs}
    for i, j in pairs:
        word_changes, word_blocks = diff_words(text, a_sents[i], source, s_sents[j])
        changes.extend(word_changes)
        blocks.extend(word_blocks)
    for i, sent in enumerate(a_sents):
        if i not in paired_a:
            anchor = _source_anchor(i, paired_a, s_sents, len(source))
            changes.append(Change("inserted", "sentence", sent.start, sent.end, anchor, anchor))
    for j, sent in enumerate(s_sents):
        if j not in paired_s:
            anchor = _article_anchor(j, pairs, a_sents, len(text))
            changes.append(Change("deleted", "sentence", anchor, anchor, sent.start, sent.end))
    changes.sort(key=lambda c: (c.start, c.end, c.source_start))
    blocks.sort(key=lambda b: (b.start, b.source_start))
    return Alignment(
        tuple(changes), tuple(blocks), tuple((a_sents[i], s_sents[j]) for i, j in pairs)
    )


def diff_words(
    text: str, a_sent: Span, source: str, s_sent: Span
) -> tuple[list[Change], list[Block]]:
    a_tok = _offset(tokenize(text[a_sent.start : a_sent.end]), a_sent.start)
    s_tok = _offset(tokenize(source[s_sent.start : s_sent.end]), s_sent.start)
    matcher = SequenceMatcher(None, a_tok.words, s_tok.words, autojunk=False)
    changes, blocks = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a_start, a_end = _char_range(a_tok, i1, i2, a_sent)
        s_start, s_end = _char_range(s_tok, j1, j2, s_sent)
        if tag == "equal":
            blocks.append(Block(a_start, a_end, s_start, s_end))
            continue
        # difflib names edits from the article (a) to the source (b): "delete" = only in the article
        op = {"delete": "inserted", "insert": "deleted", "replace": "substituted"}[tag]
        changes.append(Change(op, "word", a_start, a_end, s_start, s_end))
    return changes, blocks


def _offset(tokens: Tokens, base: int) -> Tokens:
    return Tokens(
        tokens.words,
        tuple(s + base for s in tokens.starts),
        tuple(e + base for e in tokens.ends),
    )


def _char_range(tokens: Tokens, i1: int, i2: int, sent: Span) -> tuple[int, int]:
    """Characters of tokens [i1, i2); an empty run is the point where it would be."""
    if i2 > i1:
        return tokens.starts[i1], tokens.ends[i2 - 1]
    if i1 < len(tokens):
        return tokens.starts[i1], tokens.starts[i1]
    end = tokens.ends[-1] if len(tokens) else sent.end
    return end, end


def _source_anchor(i: int, paired: dict[int, int], s_sents: list[Span], size: int) -> int:
    """Where an inserted article sentence sits in the source: after its predecessor's pair."""
    for k in range(i - 1, -1, -1):
        if k in paired:
            return s_sents[paired[k]].end
    return 0 if s_sents else size


def _article_anchor(j: int, pairs: list[tuple[int, int]], a_sents: list[Span], size: int) -> int:
    by_source = {sj: ai for ai, sj in pairs}
    for k in range(j - 1, -1, -1):
        if k in by_source:
            return a_sents[by_source[k]].end
    return 0 if a_sents else size
