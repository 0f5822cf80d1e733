"""Split a text into pieces at every mark boundary, so overlapping marks can be shown flat.

HTML cannot hold crossing elements (``<a><b></a></b>``), and spans from different analyzers
do cross. Cutting the text at every start and end gives pieces that each carry the set of
marks covering them; each piece is then one element with no nesting problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted range: a finding, a verdict reason's evidence, or a diff operation."""

    key: str
    analyzer: str
    label: str
    start: int
    end: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Piece:
    index: int
    start: int
    end: int
    text: str
    marks: tuple[Mark, ...]


def valid_marks(marks: Iterable[Mark], length: int) -> list[Mark]:
    """Marks that cover at least one character inside a text of ``length``."""
    return [m for m in marks if 0 <= m.start < m.end <= length]


def split(text: str, marks: Sequence[Mark]) -> list[Piece]:
    """Cut ``text`` at every boundary; each piece lists its marks, shortest (innermost) first."""
    usable = sorted(valid_marks(marks, len(text)), key=lambda m: (m.start, m.end))
    bounds = sorted({0, len(text), *(m.start for m in usable), *(m.end for m in usable)})
    pieces: list[Piece] = []
    active: list[Mark] = []
    cursor = 0
    for left, right in pairwise(bounds):
        while cursor < len(usable) and usable[cursor].start <= left:
            active.append(usable[cursor])
            cursor += 1
        active = [m for m in active if m.end > left]
        covering = tuple(sorted(active, key=lambda m: (m.end - m.start, m.analyzer, m.label)))
        pieces.append(Piece(len(pieces), left, right, text[left:right], covering))
    return pieces


def first_piece(pieces: Sequence[Piece]) -> dict[int, int]:
    """Offset -> index of the piece starting there, to link a mark to where it begins."""
    return {piece.start: piece.index for piece in pieces}


def split_range(text: str, marks: Sequence[Mark], start: int, end: int) -> list[Piece]:
    """``split`` of ``text[start:end]`` alone, marks clipped to it (piece offsets relative)."""
    clipped = [
        replace(m, start=max(m.start, start) - start, end=min(m.end, end) - start)
        for m in marks
        if m.start < end and start < m.end
    ]
    return split(text[start:end], clipped)
