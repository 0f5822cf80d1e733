"""The HTML report's sections after the article: claims, quotes, the redline, source ratings.

Each view reads one analyzer's part of the report (findings and ``report.data``) and returns
plain values for the template; report data is untrusted, so every field is type-checked,
bounded, and links are kept only for http(s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from spinlens.report.render import redline
from spinlens.report.render.emphasis import is_claim, prominent_claims
from spinlens.report.render.labels import human_label
from spinlens.report.render.safe import number_of, safe_url, slug, snippet, text_of
from spinlens.report.render.segments import Mark, Piece, split_range
from spinlens.report.schema import Finding, Report

MAX_HEAD = 300
MAX_SOURCE_TEXT = 200_000
# Provenance labels that verify a quote (the others are mutations of the source text).
QUOTE_CHECKS = frozenset(
    {"quote_verified", "quote_altered_in_source", "quote_misattributed", "quote_not_found"}
)


def href(starts: Mapping[int, int], start: int, end: int) -> str | None:
    """The in-page link to the highlight that begins at ``start``."""
    return f"#seg-{starts[start]}" if end > start and start in starts else None


def claims_view(report: Report, starts: Mapping[int, int]) -> dict[str, Any] | None:
    """Prominent claims first, the rest folded; "not checked" once when no database was used."""
    findings = report.findings
    shown = prominent_claims(findings, report.verdict)
    entries = [(i in shown, _claim(f, starts)) for i, f in enumerate(findings) if is_claim(f)]
    if not entries:
        return None
    data = report.data.get("claims")
    checked = not (isinstance(data, dict) and data.get("factcheck_db") is False)
    top = sorted((c for keep, c in entries if keep), key=lambda c: -c["score"])
    return {
        "top": top,
        "more": [c for keep, c in entries if not keep],
        "checked": checked,
    }


def _claim(f: Finding, starts: Mapping[int, int]) -> dict[str, Any]:
    raw = f.attrs.get("matches")
    matches = [
        {
            "claim": text_of(m.get("claim")),
            "rating": text_of(m.get("rating")) or "unknown",
            "rating_slug": slug(text_of(m.get("rating")) or "unknown"),
            "verdict": text_of(m.get("verdict")),
            "publisher": text_of(m.get("publisher")),
            "url": safe_url(m.get("url")),
            "url_text": text_of(m.get("url")),
            "score": number_of(m.get("probability", m.get("score"))),
        }
        for m in (raw if isinstance(raw, list) else [])
        if isinstance(m, dict)
    ]
    return {
        "text": snippet(f.text, 400),
        "href": href(starts, f.start, f.end),
        "score": f.score,
        "type": text_of(f.attrs.get("type")),
        "matches": matches,
    }


def quotes_view(findings: Sequence[Finding], starts: Mapping[int, int]) -> list[dict[str, Any]]:
    """Each quote with the provenance verification that overlaps it, if any."""
    checks = [f for f in findings if f.analyzer == "provenance" and f.label in QUOTE_CHECKS]
    quotes = []
    for f in findings:
        if f.analyzer != "quotes" or f.label not in {"quote", "unattributed_quote"}:
            continue
        check = next((c for c in checks if c.start < f.end and f.start < c.end), None)
        quotes.append(
            {
                "text": snippet(f.text, 400),
                "href": href(starts, f.start, f.end),
                "speaker": text_of(f.attrs.get("speaker")) or "nobody named",
                "cue": text_of(f.attrs.get("cue")),
                "status": human_label(check.label) if check else "not verified",
                "status_slug": slug(check.label) if check else "unverified",
                "detail": text_of(check.attrs.get("detail")) if check else "",
            }
        )
    return quotes


def provenance_view(report: Report) -> dict[str, Any] | None:
    """The article beside its best source, one row per paragraph, and the table of changes."""
    data = report.data.get("provenance")
    if not isinstance(data, dict) or not isinstance(data.get("source_text"), str):
        return None
    article: str = report.document.text
    source: str = data["source_text"][:MAX_SOURCE_TEXT]
    mutations = [m for m in data.get("mutations") or [] if isinstance(m, dict)]
    left = [
        Mark(f"p{i}", text_of(f.attrs.get("op")) or "inserted", f.label, f.start, f.end, "")
        for i, f in enumerate(report.findings)
        if f.analyzer == "provenance" and f.label not in QUOTE_CHECKS
    ]
    right = [
        Mark(f"m{i}", text_of(m.get("op")), text_of(m.get("type")), s, e, "")
        for i, m in enumerate(mutations)
        if isinstance(s := m.get("source_start"), int) and isinstance(e := m.get("source_end"), int)
    ]
    blocks = redline.blocks_of(data.get("aligned") or [], len(article), len(source))
    starts = [p.start for p in report.document.paragraphs]
    return {
        "sources": [_source(s) for s in data.get("sources") or [] if isinstance(s, dict)],
        "rows": [
            {
                "article": [_diff_piece(p) for p in split_range(article, left, r.start, r.end)],
                "source": [
                    _diff_piece(p) for p in split_range(source, right, r.source_start, r.source_end)
                ],
            }
            for r in redline.rows(article, source, starts, blocks)
        ],
        "mutations": [_mutation(m, source) for m in mutations],
    }


def _source(s: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": text_of(s.get("id")),
        "title": text_of(s.get("title")),
        "url": safe_url(s.get("url")),
        "url_text": text_of(s.get("url")),
        "date": text_of(s.get("date")),
        "score": number_of(s.get("score")),
        "containment": number_of(s.get("containment")),
    }


def _mutation(m: Mapping[str, Any], source: str) -> dict[str, Any]:
    """One row of the changes table; an insertion's Source cell shows where it was inserted."""
    at = m.get("source_start")
    source_text = text_of(m.get("source_text"))
    before = after = ""
    if not source_text and isinstance(at, int) and not isinstance(at, bool):
        before, after = redline.insertion_point(source, at)
    return {
        "type": human_label(text_of(m.get("type"))),
        "op": text_of(m.get("op")),
        "text": snippet(text_of(m.get("text"))),
        "source_text": snippet(source_text),
        "before": before,
        "after": after,
    }


def _diff_piece(piece: Piece) -> dict[str, Any]:
    """One side of the redline: the innermost operation (inserted/deleted/substituted) wins."""
    if not piece.marks:
        return {"text": piece.text, "op": "", "title": ""}
    mark = piece.marks[0]
    return {"text": piece.text, "op": slug(mark.analyzer), "title": human_label(mark.label)}


def sources_view(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    ratings = [
        {
            "list": text_of(r.get("list")),
            "matched": text_of(r.get("domain")),
            "score": number_of(r.get("score")),
            "label": snippet(text_of(r.get("label"))),
            "detail": snippet(text_of(r.get("detail")), MAX_HEAD),
            "detail_url": safe_url(r.get("detail")),
        }
        for r in data.get("ratings") or []
        if isinstance(r, dict)
    ]
    return {
        "domain": text_of(data.get("domain")),
        "score": number_of(data.get("score")),
        "ratings": ratings,
    }
