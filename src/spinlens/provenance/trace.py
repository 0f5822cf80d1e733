"""Trace one article: its ranked sources and the typed, aligned diff against the best one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from spinlens.provenance.align import align
from spinlens.provenance.mutations import mutation_records
from spinlens.provenance.paraphrase_align import with_paraphrases
from spinlens.provenance.quotecheck import verify_quotes
from spinlens.provenance.reader import IndexReader
from spinlens.provenance.schema import TraceOut
from spinlens.provenance.sources import rank_sources, uses_paraphrase
from spinlens.text.quotes import find_quotes

SOURCE_TEXT_LIMIT = 200_000


def diff_against(
    text: str,
    source_id: str,
    source: str,
    loaded_spans: Sequence[tuple[int, int]] = (),
    *,
    paraphrase: bool = False,
) -> dict[str, Any]:
    """Mutations and aligned blocks between an article and one source text; with
    ``paraphrase``, reworded sentences are paired (``paraphrased``) by sentence embeddings."""
    alignment = align(text, source)
    if paraphrase:
        alignment = with_paraphrases(text, source, alignment)
    mutations = mutation_records(alignment.changes, text, source, source_id, loaded_spans)
    return {
        "mutations": mutations,
        "aligned": [
            {
                "start": b.start,
                "end": b.end,
                "source_start": b.source_start,
                "source_end": b.source_end,
            }
            for b in alignment.aligned
        ],
        "summary": dict(Counter(str(m["type"]) for m in mutations)),
    }


def trace(
    store: IndexReader,
    text: str,
    *,
    doc_id: str | None = None,
    top: int = 5,
    quotes: Sequence[Mapping[str, Any]] | None = None,
    loaded_spans: Sequence[tuple[int, int]] = (),
    check_quotes: bool = True,
) -> dict[str, Any]:
    """The trace result as plain data, validated against the published schema."""
    sources = rank_sources(store, text, top=top)
    result: dict[str, Any] = {
        "id": doc_id,
        "sources": [s.as_dict() for s in sources],
        "best_source": sources[0].doc.id if sources else None,
        "mutations": [],
        "aligned": [],
        "source_text": "",
        "summary": {},
    }
    if sources:
        best = sources[0]
        rewritten = uses_paraphrase(store)  # the index was built with --paraphrase
        result.update(
            diff_against(text, best.doc.id, best.doc.text, loaded_spans, paraphrase=rewritten)
        )
        result["source_text"] = best.doc.text[:SOURCE_TEXT_LIMIT]
    if check_quotes:
        if quotes is None:
            quotes = [
                {"start": q.start, "end": q.end, "speaker": q.speaker} for q in find_quotes(text)
            ]
        result["quotes"] = verify_quotes(store, text, quotes, [s.doc for s in sources])
    return TraceOut.model_validate(result).model_dump(mode="json")
