"""Pipeline analyzer ``provenance``: the article's best indexed source and every typed change.

Runs only when a provenance index exists (``paths.index`` or the ``index`` option). Reads the
quotes analyzer's quotes and, when present, the propaganda analyzer's loaded-language spans.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from spinlens.analyzers.base import BaseAnalyzer, Result, register
from spinlens.config import Settings
from spinlens.document import Document, Span

# Propaganda techniques that mean "loaded wording" when they fall on a changed word.
LOADED_TECHNIQUES = frozenset(
    {
        "Loaded_Language",
        "Name_Calling,Labeling",
        "Name_Calling-Labeling",
        "Exaggeration,Minimisation",
    }
)


@register
class ProvenanceAnalyzer(BaseAnalyzer):
    """Finds what the article was copied from and marks what it added, changed or dropped."""

    name: ClassVar[str] = "provenance"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "source in the index, typed diff against it, quote lookup"
    requires: ClassVar[tuple[str, ...]] = ("quotes", "propaganda")
    wants_settings: ClassVar[bool] = True

    def __init__(
        self,
        settings: Settings | None = None,
        index: str | None = None,
        top: int = 5,
        check_quotes: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.index = Path(index) if index else (settings or Settings()).paths.index
        self.top = top
        self.check_quotes = check_quotes

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
