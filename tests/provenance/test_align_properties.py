"""Alignment invariants on random edits: offsets are exact and every word is accounted for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spinlens.provenance.align import align
from spinlens.provenance.shingles import tokenize

WORDS = st.sampled_from(
    [
        "the",
        "council",
        "said",
        "a",
        "new",
        "bridge",
        "would",
        "open",
        "in",
        "May",
        "after",
        "years",
        "of",
        "delay",
        "and",
        "cost",
    ]
)
SENTENCE = st.lists(WORDS, min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
TEXT = st.lists(
    st.lists(SENTENCE, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4
).map("\n".join)


@settings(max_examples=25, deadline=None)
@given(source=TEXT, article=TEXT)
def test_changes_and_blocks_cover_both_texts_exactly(source: str, article: str) -> None:
    result = align(article, source)
    covered_a: set[int] = set()
    covered_s: set[int] = set()
    for block in result.aligned:
        a = tokenize(article[block.start : block.end]).words
        s = tokenize(source[block.source_start : block.source_end]).words
        assert a == s  # aligned blocks hold the same words
        covered_a.update(range(block.start, block.end))
        covered_s.update(range(block.source_start, block.source_end))
    for change in result.changes:
        assert 0 <= change.start <= change.end <= len(article)
        assert 0 <= change.source_start <= change.source_end <= len(source)
        assert (change.op == "deleted") == (change.start == change.end)
        assert (change.op == "inserted") == (change.source_start == change.source_end)
        covered_a.update(range(change.start, change.end))
        covered_s.update(range(change.source_start, change.source_end))
    # every word of either text is in an aligned block or in a change
    tokens_a, tokens_s = tokenize(article), tokenize(source)
    assert all(start in covered_a for start in tokens_a.starts)
    assert all(start in covered_s for start in tokens_s.starts)
