"""Splitting text at mark boundaries: pieces tile the text and carry exactly their marks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spinlens.report.render.segments import Mark, split

TEXT = st.text(alphabet="ab <>&\n“", min_size=0, max_size=40)


@st.composite
def text_and_marks(draw: st.DrawFn) -> tuple[str, list[Mark]]:
    text = draw(TEXT)
    n = len(text)
    bounds = st.integers(min_value=-2, max_value=n + 2)
    marks = [
        Mark(f"m{i}", draw(st.sampled_from(["a", "b"])), "x", draw(bounds), draw(bounds))
        for i in range(draw(st.integers(0, 6)))
    ]
    return text, marks


@given(text_and_marks())
def test_pieces_tile_the_text_and_carry_covering_marks(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    pieces = split(text, marks)
    assert "".join(p.text for p in pieces) == text
    assert [p.index for p in pieces] == list(range(len(pieces)))
    for piece in pieces:
        assert piece.end > piece.start or text == ""
        expected = {m.key for m in marks if 0 <= m.start < m.end <= len(text)
                    and m.start <= piece.start and piece.end <= m.end}  # fmt: skip
        assert {m.key for m in piece.marks} == expected
        sizes = [m.end - m.start for m in piece.marks]
        assert sizes == sorted(sizes), "innermost (shortest) mark first"
