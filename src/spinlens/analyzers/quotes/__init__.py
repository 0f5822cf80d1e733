"""Quotes and attributions: who is quoted saying what, and which claims lean on "according to"."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.analyzers.results import Quote, QuotesResult
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.text.quotes import (
    QuoteMatch,
    find_attributions,
    find_quotes,
    find_scare_quotes,
)

_DESCRIPTOR = re.compile(r"^(?:the|a|an|he|she|they|it)\b", re.I)
_PROPER = re.compile(r"\b(?:[A-Z][\w\-’']+)(?:\s+[A-Z][\w\-’']+)*")
_NOT_NAMES = frozenset({"The", "A", "An", "In", "On", "He", "She", "They", "It", "However", "But"})

EXPLAIN = {
    "quote": "Direct quote attributed to {speaker} (cue: '{cue}'). Check that the source said it.",
    "unattributed_quote": "Direct quote with no speaker named in its sentence.",
    "scare_quote": "Word set in scare quotes: the writer distances from it or mocks it.",
    "attribution": "Claim attributed to {speaker}; the article's evidence rests on this source.",
}


class QuotesOptions(AnalyzerOptions):
    scare_quotes: bool = Field(True, description="also mark words set in scare quotes")


@register
class QuotesAnalyzer(BaseAnalyzer):
    """Direct quotes with speaker and cue verb; scare quotes; "according to X" attributions."""

    name: ClassVar[str] = "quotes"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "direct quotes with speaker and cue verb; 'according to' sources"
    languages: ClassVar[frozenset[str] | None] = frozenset({"en"})
    labels: ClassVar[frozenset[str]] = frozenset(EXPLAIN)
    assigns: ClassVar[tuple[str, ...]] = ("quotes",)
    Options: ClassVar[type[AnalyzerOptions]] = QuotesOptions
    options: QuotesOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        self.scare_quotes = self.options.scare_quotes

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        matches = [*find_quotes(doc.text), *find_attributions(doc.text)]
        starts = [s.start for s in doc.sentences]
        if self.scare_quotes:
            matches.extend(find_scare_quotes(doc.text))
        spans = sorted(
            (self._span(doc, m, starts) for m in matches if m.end > m.start),
            key=lambda s: s.start,
        )
        quotes = tuple(_quote(doc, s) for s in spans)
        records = [_quote_record(q) for q in quotes if q.is_direct]
        return QuotesResult(spans=tuple(spans), quotes=quotes, data={"quotes": records})

    def _span(self, doc: Document, match: QuoteMatch, starts: list[int]) -> Span:
        label = match.kind
        if label == "quote" and not match.speaker:
            label = "unattributed_quote"
        resolved = _resolve_speaker(doc, match, starts) if match.kind == "quote" else None
        speaker = resolved or match.speaker
        attrs: dict[str, Any] = {
            "speaker": speaker,
            "speaker_mention": match.speaker,
            "speaker_start": match.speaker_start,
            "speaker_end": match.speaker_end,
            "cue": match.cue,
        }
        explanation = EXPLAIN[label].format(speaker=speaker or "nobody named", cue=match.cue or "")
        score = 0.9 if label in {"quote", "attribution"} else 0.6
        return doc.span(match.start, match.end, label, score, explanation, attrs)


def _resolve_speaker(doc: Document, match: QuoteMatch, starts: list[int]) -> str | None:
    """Map a descriptor ("the minister", "he") to the nearest preceding proper name.

    A lightweight stand-in for coreference: the first name in the sentence, else in the one
    before. Kept separate from the mention so a reader sees both. ``starts``: the document's
    sentence starts, to find the sentence by binary search (a scan of all sentences per quote
    was quadratic on long texts).
    """
    if not match.speaker or not _DESCRIPTOR.match(match.speaker):
        return None
    anchor = match.speaker_start if match.speaker_start is not None else match.start
    index = bisect_right(starts, anchor) - 1
    sentence = doc.sentences[index] if index >= 0 else None
    windows = []
    if sentence is not None and anchor < sentence.end:
        windows.append(doc.text[sentence.start : anchor])
        if index > 0:
            prev = doc.sentences[index - 1]
            windows.append(doc.text[prev.start : prev.end])
    for window in windows:
        for name in _PROPER.finditer(window):
            words = [w for w in name.group().split() if w not in _NOT_NAMES]
            if words:
                return " ".join(words)
    return None


def _quote(doc: Document, span: Span) -> Quote:
    """The typed hand-off of one span this analyzer just built (its attrs are its own)."""
    return Quote(
        start=span.start,
        end=span.end,
        label=span.label,
        text=doc.text[span.start : span.end],
        speaker=span.attrs["speaker"],
        speaker_mention=span.attrs["speaker_mention"],
        cue=span.attrs["cue"],
    )


def _quote_record(quote: Quote) -> dict[str, Any]:
    """The report's ``data["quotes"]`` item (direct quotes only)."""
    return {
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "speaker": quote.speaker,
        "cue": quote.cue,
    }
