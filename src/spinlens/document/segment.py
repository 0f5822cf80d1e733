"""Paragraph and sentence segmentation with exact character offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from spinlens.document.span import Span


def split_paragraphs(text: str) -> Iterator[Span]:
    """Paragraphs are runs of non-empty lines; blank lines and single newlines both separate.

    News text pasted from the web rarely keeps blank lines, so every line is a paragraph.
    """
    for match in re.finditer(r"[^\r\n]+", text):
        start, end = _strip(text, match.start(), match.end())
        if end > start:
            yield Span(start, end, "paragraph")


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def split_sentences(text: str, paragraphs: Sequence[Span]) -> Iterator[Span]:
    """Sentences never cross a paragraph boundary; offsets are found by forward search.

    pysbd's own ``char_span`` mode mislocates repeated sentences, so each segment is located
    with ``str.find`` from a moving cursor instead.
    """
    segmenter = _segmenter()
    for paragraph in paragraphs:
        chunk = text[paragraph.start : paragraph.end]
        cursor = 0
        for piece in segmenter.segment(chunk):
            piece = piece.strip()
            if not piece:
                continue
            found = chunk.find(piece, cursor)
            if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
                found, piece = cursor, chunk[cursor:].strip()
            start, end = _strip(text, paragraph.start + found, paragraph.start + found + len(piece))
            if end > start:
                yield Span(start, end, "sentence")
            cursor = found + len(piece)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
