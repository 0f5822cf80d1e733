"""Pipeline analyzer ``provenance``: the article's best indexed source and every typed change.

Runs only when a provenance index exists (``paths.index`` or the ``index`` option). Reads the
quotes analyzer's quotes and, when present, the propaganda analyzer's loaded-language spans.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, get_args

from pydantic import Field

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.provenance.schema import MutationType

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

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        from spinlens.provenance.store import Store
        from spinlens.provenance.trace import trace

        if not self.index.is_file():
            return Result()
        quotes = context["quotes"].data.get("quotes") if "quotes" in context else None
        with Store(self.index, create=False) as store:
            result = trace(
                store,
                doc.text,
                doc_id=doc.id,
                top=self.top,
                quotes=quotes,
                loaded_spans=_loaded_spans(context),
                check_quotes=self.check_quotes,
            )
        if not result["sources"]:
            return Result(data={"sources": [], "mutations": [], "quotes": result.get("quotes", [])})
        spans = [*_mutation_spans(doc, result), *_quote_spans(doc, result)]
        data = {
            key: result[key]
            for key in ("sources", "best_source", "mutations", "aligned", "source_text", "summary")
        }
        data["quotes"] = result.get("quotes", [])
        return Result(spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))), data=data)


def _loaded_spans(context: Mapping[str, Result]) -> list[tuple[int, int]]:
    if "propaganda" not in context:
        return []
    return [(s.start, s.end) for s in context["propaganda"].spans if s.label in LOADED_TECHNIQUES]


def _mutation_spans(doc: Document, result: Mapping[str, Any]) -> list[Span]:
    confidence = float(result["sources"][0]["containment"])
    spans = []
    for m in result["mutations"]:
        if m["op"] == "deleted" or m["end"] <= m["start"]:
            continue  # deletions have no place in the article; they are in data["mutations"]
        attrs = {
            "op": m["op"],
            "source_id": m["source_id"],
            "source_start": m["source_start"],
            "source_end": m["source_end"],
            "source_text": m["source_text"],
            "level": m["level"],
            "tags": m["tags"],
        }
        why = f"{m['explanation']} (compared with {m['source_id']})"
        spans.append(doc.span(m["start"], m["end"], m["type"], confidence, why, attrs))
    return spans


def _quote_spans(doc: Document, result: Mapping[str, Any]) -> list[Span]:
    spans = []
    for q in result.get("quotes", []):
        attrs = {"speaker": q.get("speaker"), "detail": q["detail"]}
        if q.get("source_id"):
            attrs["source_id"] = q["source_id"]
        score = 0.9 if q["label"] == "quote_not_found" else float(q.get("similarity") or 1.0)
        spans.append(doc.span(q["start"], q["end"], q["label"], score, q["detail"], attrs))
    return spans
