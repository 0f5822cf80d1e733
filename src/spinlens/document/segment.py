"""Paragraph and sentence segmentation with exact character offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spinlens.document.span import Span


def split_paragraphs(text: str) -> Iterator[Span]:
    """Paragraphs are runs of non-empty lines; blank lines and single newlines both separate.

    News text pasted from the web rarely keeps blank lines, so every line is a paragraph.
    """
    for match in re.finditer(r"[^\r\n]+", text):
        start, end = strip_span(text, match.start(), match.end())
        if end > start:
            yield Span(start, end, "paragraph")


def split_sentences(text: str, paragraphs: Sequence[Span]) -> Iterator[Span]:
    """Sentences never cross a paragraph boundary.

    BlingFire's finite-state sentence breaker returns character offsets itself, handles the
    common abbreviations and closing quotes of news text, and is about 30 times faster than
    the rule-based pysbd this replaced (segmentation was 97% of document loading time).
    """
    import blingfire

    for paragraph in paragraphs:
        chunk = text[paragraph.start : paragraph.end]
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk)
        for first, last in offsets:
            start, end = strip_span(text, paragraph.start + first, paragraph.start + last)
            if end > start:
                yield Span(start, end, "sentence")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` narrowed to leave out the white space at both ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
