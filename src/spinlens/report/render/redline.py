"""The redline's rows: each article paragraph beside the part of the source it came from.

Two whole texts side by side drift apart after the first inserted paragraph, and a reader
loses which source passage answers which article passage. The provenance analyzer reports
``aligned`` blocks (unchanged runs, with offsets in both texts); an article offset inside a
block maps to the source linearly, one inside a change maps to where the next unchanged run
starts. Cutting both texts at the mapped paragraph starts gives rows that stay level.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spinlens.document.segment import strip_span
from spinlens.report.schema import AlignedBlock

CONTEXT = 40


@dataclass(frozen=True, slots=True)
class Row:
    """Half-open ranges of the article and the source shown side by side."""

    start: int
    end: int
    source_start: int
    source_end: int


def blocks_of(
    aligned: Iterable[AlignedBlock], article_len: int, source_len: int
) -> list[AlignedBlock]:
    """The aligned blocks (typed by the report model, but untrusted report data) that fall
    inside both texts, in article order."""
    inside = [
        b
        for b in aligned
        if b.start <= b.end <= article_len and b.source_start <= b.source_end <= source_len
    ]  # offsets are never negative (the model says ge=0)
    return sorted(inside, key=lambda b: b.start)


def to_source(pos: int, blocks: Sequence[AlignedBlock], source_len: int) -> int:
    """The source offset matching article offset ``pos``."""
    i = bisect_right([b.start for b in blocks], pos) - 1
    if i >= 0 and pos <= blocks[i].end:
        block = blocks[i]
        return min(block.source_start + pos - block.start, block.source_end)
    if i + 1 < len(blocks):
        return blocks[i + 1].source_start
    return source_len if blocks else 0


def rows(
    article: str, source: str, paragraph_starts: Iterable[int], blocks: Sequence[AlignedBlock]
) -> list[Row]:
    """One row per article paragraph; the whole texts in one row when nothing is aligned."""
    n, m = len(article), len(source)
    if not blocks:
        return [_trimmed(article, source, Row(0, n, 0, m))]
    cuts = sorted({0, *(p for p in paragraph_starts if 0 < p < n)})
    source_cuts = [0]
    for cut in cuts[1:]:
        source_cuts.append(max(source_cuts[-1], to_source(cut, blocks, m)))
    bounds = list(zip(cuts, [*cuts[1:], n], strict=True))
    source_bounds = list(zip(source_cuts, [*source_cuts[1:], m], strict=True))
    return [
        _trimmed(article, source, Row(a, b, s, e))
        for (a, b), (s, e) in zip(bounds, source_bounds, strict=True)
    ]


def _trimmed(article: str, source: str, row: Row) -> Row:
    """Without the blank lines between paragraphs (the rows already separate them)."""
    a, b = strip_span(article, row.start, row.end)
    s, e = strip_span(source, row.source_start, row.source_end)
    return Row(a, b, s, e)


def insertion_point(source: str, at: int, width: int = CONTEXT) -> tuple[str, str]:
    """The whole words of the source just before and after offset ``at``: where an insertion
    was made (the Source cell of an insertion, which has no source text of its own)."""
    at = max(0, min(at, len(source)))
    start, end = max(0, at - width), min(len(source), at + width)
    before, after = source[start:at].split(), source[at:end].split()
    if start > 0 and before and not source[start - 1].isspace():
        before = before[1:]  # a word cut in half
    if end < len(source) and after and not source[end].isspace():
        after = after[:-1]
    head = ("…" if start > 0 else "") + " ".join(before)
    tail = " ".join(after) + ("…" if end < len(source) else "")
    return head, tail
