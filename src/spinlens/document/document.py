"""The Document: immutable text plus metadata and segment layers.

Cleaning happens once, when the loader builds the Document; after that the text never changes,
and every span anywhere in spinlens is an offset into ``Document.text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from spinlens.document.language import detect_language
from spinlens.document.segment import split_paragraphs, split_sentences
from spinlens.document.span import Span


@dataclass(frozen=True, slots=True)
class Document:
    """One article as spinlens sees it."""

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    domain: str | None = None
    date: str | None = None
    language: str | None = None
    source_format: str = "text"
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    paragraphs: tuple[Span, ...] = field(default=(), compare=False, hash=False)
    sentences: tuple[Span, ...] = field(default=(), compare=False, hash=False)

    @classmethod
    def from_text(cls, text: str, **metadata: Any) -> Document:
        """Build a Document and its paragraph and sentence layers from finished text.

        The language is detected unless given (``language=None`` says it is unknown):
        analyzers for one language skip a document whose language is not theirs.
        """
        if "language" not in metadata:
            metadata["language"] = detect_language(text)
        paragraphs = tuple(split_paragraphs(text))
        sentences = tuple(split_sentences(text, paragraphs))
        return cls(text=text, paragraphs=paragraphs, sentences=sentences, **metadata)

    def span(
        self,
        start: int,
        end: int,
        label: str,
        score: float = 1.0,
        explanation: str = "",
        attrs: Mapping[str, Any] | None = None,
    ) -> Span:
        """The checked constructor: a span that lies inside this document's text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(
                f"span [{start}, {end}) lies outside a text of {len(self.text)} characters"
            )
        return Span(start, end, label, score, explanation, attrs or {})

    def text_of(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def sentence_at(self, offset: int) -> Span | None:
        """The sentence containing ``offset``, if any."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None
