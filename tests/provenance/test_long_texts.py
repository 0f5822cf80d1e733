"""Tracing long texts costs linear time: paragraph pairing, the word diff, change typing and
the loaded-word lexicon do not compare every pair of paragraphs, words or ranges."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from spinlens.lexicons import load as load_lexicon
from spinlens.provenance import align as A
from spinlens.provenance import mutations as M
from spinlens.provenance import quotecheck as QC
from spinlens.provenance.candidates import find_sources
from spinlens.provenance.trace import diff_against
from spinlens.text.quotes import find_quotes
from tests.provenance.helpers import store_with

VOCAB = [f"w{k}" for k in range(3000)] + ["the", "a", "of", "said", "Moscow", "regime", "evil"]


def _long_text(paragraphs: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        sentences = [
            " ".join(rng.choice(VOCAB) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(rng.randint(2, 4))
        ]
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def _edited(text: str, seed: int = 2, every: int = 40) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(len(words) // every):
        i = rng.randrange(len(words))
        if "\n" in words[i]:  # keep the paragraphs
            continue
        words[i] = rng.choice(["evil", "“so-called”", "Moscow", "42"])
    return " ".join(words)


def test_ranges_find_what_a_scan_of_every_range_finds() -> None:
    rng = random.Random(4)
    plain = []
    for _ in range(400):
        a = rng.randint(0, 20_000)
        plain.append((a, a + rng.choice([0, 1, 5, 40, 300, 3_000])))
    ranges = M.Ranges(plain)
    for _ in range(3000):
        a = rng.randint(0, 21_000)
        b = a + rng.choice([0, 0, 3, 50, 800])
        assert M._touches(ranges, a, b) == M._touches(plain, a, b)
        assert M._mostly_in(ranges, a, b) == M._mostly_in(plain, a, b)
        assert M._covers_quote(ranges, a, b) == M._covers_quote(plain, a, b)
    near = list(ranges.near(10_000, 10_010))
    assert len(near) < len(plain) // 2  # a window of starts plus the few long ranges


def test_whole_sentences_by_binary_search_equal_the_scan() -> None:
    text = _long_text(30)
    paras = list(A.split_paragraphs(text))
    side = A._side(text, paras, range(len(paras)))
    rng = random.Random(6)
    for _ in range(500):
        lo = rng.randint(0, len(side.words))
        hi = rng.randint(lo, len(side.words))
        want = [(x, y) for x, y in side.sentences if lo <= x and y <= hi]
        assert A._whole_sentences(side, lo, hi) == want


def test_pairing_long_texts_scores_a_bounded_number_of_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _long_text(1_200)
    article = _edited(source)
    cells = 0
    cdist = A.process.cdist

    def counting(a: Any, b: Any, **kw: Any) -> Any:
        nonlocal cells
        cells += len(a) * len(b)
        return cdist(a, b, **kw)

    monkeypatch.setattr(A.process, "cdist", counting)
    a_paras, s_paras = list(A.split_paragraphs(article)), list(A.split_paragraphs(source))
    pairs = A.pair_segments(article, a_paras, source, s_paras)
    assert cells <= 4 * A.PAIR_BUDGET  # scoring all pairs: 2 x 1,200 x 1,200 = 2.9 million
    # an edited copy in the same order: nearly every paragraph pairs with its own original
    assert sum(i == j for i, j in pairs.items()) >= 0.95 * len(a_paras)


def test_long_texts_are_diffed_in_chunks_with_the_same_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _long_text(500)
    article = _edited(source)
    chunked = A.align(article, source)
    a_paras, s_paras = list(A.split_paragraphs(article)), list(A.split_paragraphs(source))
    pairs = A.pair_segments(article, a_paras, source, s_paras)
    layout = A.source_layout(pairs, len(s_paras))
    a = A._side(article, a_paras, range(len(a_paras)))
    s = A._side(source, s_paras, layout)
    chunks = A._chunks(a, s, pairs, layout)
    assert len(chunks) > 3
    assert max((i2 - i1) * (j2 - j1) for i1, i2, j1, j2 in chunks) < len(a.words) * 2_000 * 2
    monkeypatch.setattr(A, "CHUNK_WORDS", 10**9)  # one diff over the whole texts
    whole = A.align(article, source)
    assert chunked.changes == whole.changes


def test_no_change_spans_the_source_between_two_moved_paragraphs() -> None:
    """A word run that crosses a moved paragraph of the source is two source stretches, not
    one extent reaching over everything in between (which made long traces quadratic)."""
    paragraphs = _long_text(40).split("\n\n")
    source = "\n\n".join(paragraphs)
    before = paragraphs[4].rsplit(" ", 1)[0] + " evil."  # its last word changed
    moved = "Moscow " + paragraphs[30].split(" ", 1)[1]  # and the moved one's first word
    article = "\n\n".join([*paragraphs[:4], before, moved, *paragraphs[5:30], *paragraphs[31:]])
    longest = max(len(p) for p in paragraphs)
    result = diff_against(article, "src", source)
    assert result["mutations"]
    for m in result["mutations"]:
        assert m["source_end"] - m["source_start"] <= longest


def test_lexicon_lookup_by_prefix_and_suffix_length() -> None:
    lexicon = load_lexicon("loaded")
    words = ["Israeli-backed", "-backed", "jihadists", "jihad", "the", "Globalist", "backed"]
    words += [p + "s" for p in lexicon.prefixes] + ["x" + s for s in lexicon.suffixes]
    for w in words:
        low = w.lower()
        want = (
            low in lexicon.words
            or any(low.startswith(p) for p in lexicon.prefixes)
            or any(low.endswith(s) and len(low) > len(s) for s in lexicon.suffixes)
        )
        assert (w in lexicon) == want, w


class _Counted(str):
    """A text that adds up how many characters its ``find``/``rfind`` calls search."""

    searched = 0

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:
        _Counted.searched += (len(self) if end is None else end) - (start or 0)
        return super().find(sub, start, end)

    def rfind(self, sub: Any, start: Any = None, end: Any = None) -> int:
        _Counted.searched += (len(self) if end is None else end) - (start or 0)
        return super().rfind(sub, start, end)


def test_quote_speakers_are_looked_for_near_the_quote_not_on_its_whole_line() -> None:
    one_line = " ".join(
        f"“We will win round {k},” said Smith, and the crowd left." for k in range(2000)
    )
    _Counted.searched = 0
    found = list(find_quotes(_Counted(one_line)))
    assert len(found) == 2000 and all(q.speaker == "Smith" for q in found)
    assert _Counted.searched <= 400 * len(found)  # windows around each quote


def test_each_source_is_read_once_for_all_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = " ".join(f"“We will win round {k},” said Smith." for k in range(300))
    article = source.replace("said Smith", "said Jones")
    calls = 0
    real = QC.find_quotes

    def counting(text: str) -> Any:
        nonlocal calls
        calls += 1
        return real(text)

    with store_with(tmp_path / "index.sqlite", {"src": source}) as store:
        known = [m.doc for m in find_sources(store, article)]
        assert known
        monkeypatch.setattr(QC, "find_quotes", counting)
        quotes = [{"start": q.start, "end": q.end, "speaker": q.speaker} for q in real(article)]
        checks = QC.verify_quotes(store, article, quotes, known)
    assert len(checks) == 300
    assert {c["label"] for c in checks} == {"quote_misattributed"}
    assert calls <= 2  # once per candidate document, not once per quote
