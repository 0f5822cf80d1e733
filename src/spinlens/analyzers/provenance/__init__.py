"""Pipeline analyzer ``provenance``: the article's best indexed source and every typed change.

Needs a provenance index (``paths.index`` or the ``index`` option); when it is missing, empty
or unreadable the result says "not checked" once (``Result.not_checked``, a report warning with
the command that fills it) instead of an empty, clean-looking result. Reads the quotes
analyzer's quotes and, when present, the propaganda analyzer's loaded-language spans.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, get_args

from pydantic import Field

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.analyzers.results import (
    Mutation,
    ProvenanceResult,
    Quote,
    QuoteCheck,
    SourceMatch,
    quotes_of,
)
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.errors import DamagedStoreError
from spinlens.provenance.schema import MutationType
from spinlens.stores import StoreStatus

logger = logging.getLogger(__name__)

# Propaganda techniques that mean "loaded wording" when they fall on a changed word.
LOADED_TECHNIQUES = frozenset(
    {
        "Loaded_Language",
        "Name_Calling,Labeling",
        "Name_Calling-Labeling",
        "Exaggeration,Minimisation",
    }
)


class ProvenanceOptions(AnalyzerOptions):
    index: str | None = Field(None, description="provenance index (default: paths.index)")
    top: int = Field(5, ge=1, le=100, description="candidate sources compared")
    check_quotes: bool = Field(True, description="look each quote up in the index")


QUOTE_CHECK_LABELS = (
    "quote_verified",
    "quote_altered_in_source",
    "quote_misattributed",
    "quote_not_found",
)


@register
class ProvenanceAnalyzer(BaseAnalyzer):
    """Finds what the article was copied from and marks what it added, changed or dropped."""

    name: ClassVar[str] = "provenance"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "source in the index, typed diff against it, quote lookup"
    requires: ClassVar[tuple[str, ...]] = ("quotes", "propaganda")
    labels: ClassVar[frozenset[str]] = frozenset({*get_args(MutationType), *QUOTE_CHECK_LABELS})
    assigns: ClassVar[tuple[str, ...]] = (
        "sources",
        "best_source",
        "mutations",
        "aligned",
        "source_text",
        "summary",
        "quotes",
    )
    Options: ClassVar[type[AnalyzerOptions]] = ProvenanceOptions
    options: ProvenanceOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        index = self.options.index
        self.index = Path(index).expanduser() if index else self.settings.paths.index
        self.top = self.options.top
        self.check_quotes = self.options.check_quotes
        self._told = False

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        from spinlens.provenance.reader import inspect_index, open_index
        from spinlens.provenance.trace import trace

        status = inspect_index(self.index)  # the SQLite file or a Parquet folder
        if status.state != "ok":  # not checked, which is not "no source found": say so once
            return self._not_checked(status)
        typed = quotes_of(context)  # None: quotes did not run, trace finds them itself
        quotes = None if typed is None else [_quote_ref(q) for q in typed if q.is_direct]
        try:
            with open_index(self.index) as store:
                result = trace(
                    store,
                    doc.text,
                    doc_id=doc.id,
                    top=self.top,
                    quotes=quotes,
                    loaded_spans=_loaded_spans(context),
                    check_quotes=self.check_quotes,
                )
        except DamagedStoreError as exc:  # a damaged page the open-time check did not read
            return self._not_checked(replace(status, state="unreadable", detail=exc.detail))
        if not result["sources"]:
            # Without a source the quote checks stay in the data only: no findings, no evidence.
            data = {"sources": [], "mutations": [], "quotes": result.get("quotes", [])}
            return ProvenanceResult(data=data)
        checks = tuple(_quote_check(q) for q in result.get("quotes", []))
        sources = tuple(_source(s) for s in result["sources"])
        mutations = tuple(_mutation(m) for m in result["mutations"])
        # a rewritten copy shares meaning, not words: its paraphrase score is the evidence
        confidence = max(sources[0].containment, sources[0].paraphrase or 0.0)
        spans = [
            *(_mutation_span(doc, m, confidence) for m in mutations if m.in_article),
            *(_quote_span(doc, q) for q in checks),
        ]
        data = {
            key: result[key]
            for key in ("sources", "best_source", "mutations", "aligned", "source_text", "summary")
        }
        data["quotes"] = result.get("quotes", [])
        return ProvenanceResult(
            spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))),
            data=data,
            sources=sources,
            mutations=mutations,
            quote_checks=checks,
        )

    def _not_checked(self, status: StoreStatus) -> ProvenanceResult:
        if status.state == "unreadable" and not self._told:
            self._told = True  # a broken index is one line on stderr, not silence
            logger.warning("spinlens: provenance: %s", status.warning())
        return ProvenanceResult(warnings=(status.warning(),), not_checked=(status,))


def _loaded_spans(context: Mapping[str, Result]) -> list[tuple[int, int]]:
    if "propaganda" not in context:
        return []
    return [(s.start, s.end) for s in context["propaganda"].spans if s.label in LOADED_TECHNIQUES]


def _quote_ref(quote: Quote) -> dict[str, Any]:
    return {"start": quote.start, "end": quote.end, "speaker": quote.speaker}


def _source(s: Mapping[str, Any]) -> SourceMatch:
    return SourceMatch(
        id=s["id"],
        score=float(s["score"]),
        containment=float(s["containment"]),
        title=s.get("title"),
        url=s.get("url"),
        date=s.get("date"),
        paraphrase=s.get("paraphrase"),
    )


def _mutation(m: Mapping[str, Any]) -> Mutation:
    return Mutation(
        op=m["op"],
        type=m["type"],
        start=m["start"],
        end=m["end"],
        source_id=m["source_id"],
        source_start=m["source_start"],
        source_end=m["source_end"],
        text=m["text"],
        source_text=m["source_text"],
        level=m["level"],
        tags=tuple(m["tags"]),
        explanation=m["explanation"],
    )


def _quote_check(q: Mapping[str, Any]) -> QuoteCheck:
    return QuoteCheck(
        start=q["start"],
        end=q["end"],
        label=q["label"],
        detail=q["detail"],
        speaker=q.get("speaker"),
        source_id=q.get("source_id"),
        similarity=q.get("similarity"),
    )


def _mutation_span(doc: Document, m: Mutation, confidence: float) -> Span:
    """Deletions have no place in the article; they are in ``mutations`` and the data."""
    attrs = {
        "op": m.op,
        "source_id": m.source_id,
        "source_start": m.source_start,
        "source_end": m.source_end,
        "source_text": m.source_text,
        "level": m.level,
        "tags": list(m.tags),
    }
    why = f"{m.explanation} (compared with {m.source_id})"
    return doc.span(m.start, m.end, m.type, confidence, why, attrs)


def _quote_span(doc: Document, q: QuoteCheck) -> Span:
    attrs: dict[str, Any] = {"speaker": q.speaker, "detail": q.detail}
    if q.source_id:
        attrs["source_id"] = q.source_id
    score = 0.9 if q.label == "quote_not_found" else float(q.similarity or 1.0)
    return doc.span(q.start, q.end, q.label, score, q.detail, attrs)
