"""The quotes analyzer on long texts: a descriptor speaker ("the minister") is resolved by
finding its sentence by binary search, not by scanning every sentence for every quote."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from spinlens.analyzers.quotes import QuotesAnalyzer
from spinlens.document import Document


class _CountedSentences(tuple[Any, ...]):
    scans = 0

    def __iter__(self) -> Iterator[Any]:
        _CountedSentences.scans += 1
        return super().__iter__()


def test_descriptor_speakers_resolved_without_scanning_all_sentences_per_quote() -> None:
    para = "Helen Ambrose spoke to reporters. The minister said: “we will rebuild the bridge.”"
    doc = Document.from_text("\n".join([para] * 1500), language="en")
    doc = dataclasses.replace(doc, sentences=_CountedSentences(doc.sentences))
    _CountedSentences.scans = 0
    result = QuotesAnalyzer().analyze(doc, {})
    quotes = [s for s in result.spans if s.label == "quote"]
    assert len(quotes) == 1500
    assert all(s.attrs["speaker"] == "Helen Ambrose" for s in quotes)
    assert _CountedSentences.scans <= 2  # once per document
