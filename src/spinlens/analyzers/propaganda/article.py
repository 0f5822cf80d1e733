"""Span-classifier features for all spans of one article in time linear in the article.

``features.span_features`` describes one span by its own words plus parts shared by many
spans: the words of its whole line, the article's opening and how often it recurs in the
article. Computed span by span, those shared parts cost the line's or the article's length
each time, so a long article (or one long line) with many spans cost quadratic time. Here they
are computed once: the line parts per line, the opening once, the recurrence counts for all
spans in one pass. The classifier is linear, so a span's row is its own part plus the shared
parts, each scored once (``features.SpanRow``): the same scores as ``span_features`` gives, up
to float32 rounding.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from spinlens.analyzers.propaganda import features as F

NEIGHBOURS = 3  # words either side of a span on its line (features.span_features)


class ArticleSpans:
    """Span-classifier rows of spans ``[start, end)`` of ``text``.

    ``spans`` are all the spans that will be asked for (their recurrence counts are taken in
    one pass); a span not among them is counted on demand.
    """

    def __init__(self, text: str, spans: Iterable[tuple[int, int]]) -> None:
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._reuse = F.reuse_counts(text, (text[a:b] for a, b in spans))
        self._opening = F.SharedPart(F.opening_group(text))
        self._lines: dict[tuple[int, int], tuple[F.SharedPart, int]] = {}

    def line_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The line around ``[start, end)``: as ``detect.line_bounds``, by binary search."""
        i = bisect_left(self._newlines, start)
        a = self._newlines[i - 1] + 1 if i else 0
        j = bisect_left(self._newlines, end)
        b = self._newlines[j] if j < len(self._newlines) else len(self.text)
        return a, b

    def row(self, start: int, end: int) -> F.SpanRow:
        """The features of the span ``[start, end)``, equal to ``span_features`` of it."""
        text = self.text
        a, b = self.line_bounds(start, end)
        line = self._lines.get((a, b))
        if line is None:
            sentence = text[a:b]
            line = F.SharedPart(F.sentence_group(sentence)), len(sentence.strip())
            self._lines[(a, b)] = line
        part, line_len = line
        span = text[start:end]
        key = span.lower().strip()
        reuse = self._reuse.get(key) if key else 0
        if reuse is None:
            reuse = self._reuse[key] = F.reuse_counts(text, [span])[key]
        own = F.local_features(
            span, last_words(text, a, start), first_words(text, end, b), reuse, line_len
        )
        return F.SpanRow(own, (part, self._opening))


def last_words(text: str, lo: int, hi: int, k: int = NEIGHBOURS) -> list[str]:
    """``features.words(text[lo:hi])[-k:]`` from a window at the end instead of the whole
    stretch: a window holding more than ``k + 1`` words has its last ``k`` words whole (only
    its first word can be cut), so it widens only while it holds fewer."""
    width = 64
    while True:
        a = max(lo, hi - width)
        toks = F.words(text[a:hi])
        if a == lo or len(toks) > k + 1:
            return toks[-k:]
        width *= 4


def first_words(text: str, lo: int, hi: int, k: int = NEIGHBOURS) -> list[str]:
    """``features.words(text[lo:hi])[:k]`` from a window at the start (see ``last_words``)."""
    width = 64
    while True:
        b = min(hi, lo + width)
        toks = F.words(text[lo:b])
        if b == hi or len(toks) > k + 1:
            return toks[:k]
        width *= 4
