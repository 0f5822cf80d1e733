"""The HTML report's sections after the article: claims, quotes, the redline, source ratings.

Each view reads one analyzer's part of the report through the report's typed accessors
(schema 1.2) and returns plain values for the template. A check that was not made (its store
missing, empty or unreadable: ``report.not_checked``) is said once for its section, never as
"no match" on every item. Texts are bounded and links kept only for http(s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spinlens.labels import human_label
from spinlens.report.render import redline
from spinlens.report.render.emphasis import prominent_claims
from spinlens.report.render.safe import safe_url, slug, snippet
from spinlens.report.render.segments import Mark, Piece, split_range
from spinlens.report.schema import ClaimAttrs, Finding, Mutation, NotChecked, Report

MAX_HEAD = 300
MAX_SOURCE_TEXT = 200_000
# Provenance labels that verify a quote (the others are mutations of the source text).
QUOTE_CHECKS = frozenset(
    {"quote_verified", "quote_altered_in_source", "quote_misattributed", "quote_not_found"}
)
# What each analyzer's missing store leaves unchecked, in a reader's words.
CHECK_NAMES = {
    "claims": "fact-checks",
    "provenance": "comparison with earlier stories (and quote checks)",
    "sources": "source reliability",
}
# Whose store a section's check needs (quotes are verified against the provenance index).
CHECKED_BY = {"claims": "claims", "quotes": "provenance", "provenance": "provenance"}


def not_checked(report: Report, analyzer: str) -> dict[str, str] | None:
    """Why ``analyzer``'s check was not made and the command that fills its store, or None."""
    note = next((n for n in report.not_checked if n.analyzer == analyzer), None)
    return None if note is None else not_checked_view(note)


def not_checked_view(note: NotChecked) -> dict[str, str]:
    why = {
        "missing": f"no {note.store} at {note.path}",
        "empty": f"the {note.store} at {note.path} is empty",
        "unreadable": f"the {note.store} at {note.path} cannot be read",
    }[note.problem]
    detail = f" ({snippet(note.detail, MAX_HEAD)})" if note.detail else ""
    return {
        "analyzer": note.analyzer,
        "check": CHECK_NAMES.get(note.analyzer, note.analyzer),
        "store": note.store,
        "why": snippet(why, MAX_HEAD) + detail,
        "command": snippet(note.command, MAX_HEAD),
    }


def href(starts: Mapping[int, int], start: int, end: int) -> str | None:
    """The in-page link to the highlight that begins at ``start``."""
    return f"#seg-{starts[start]}" if end > start and start in starts else None


def claims_view(report: Report, starts: Mapping[int, int]) -> dict[str, Any] | None:
    """Prominent claims first, the rest folded; "not checked" once when no database was used."""
    claims = report.claims()
    if not claims:
        return None
    shown = prominent_claims(report.findings, report.verdict)
    index = {id(f): i for i, f in enumerate(report.findings)}
    entries = [(index[id(f)] in shown, _claim(f, attrs, starts)) for f, attrs in claims]
    return {
        "top": sorted((c for keep, c in entries if keep), key=lambda c: -c["score"]),
        "more": [c for keep, c in entries if not keep],
        "not_checked": not_checked(report, "claims"),
    }


def _claim(f: Finding, attrs: ClaimAttrs, starts: Mapping[int, int]) -> dict[str, Any]:
    matches = [
        {
            "claim": m.claim,
            "rating": human_label(m.rating or "unknown"),
            "rating_slug": slug(m.rating or "unknown"),
            "verdict": m.verdict or "",
            "publisher": m.publisher or "",
            "url": safe_url(m.url),
            "url_text": m.url or "",
            "probability": m.probability,
            "score": m.score,
        }
        for m in attrs.matches
    ]
    return {
        "text": snippet(f.text, 400),
        "href": href(starts, f.start, f.end),
        "score": f.score,
        "type": attrs.type,
        "matches": matches,
    }


def quotes_view(report: Report, starts: Mapping[int, int]) -> dict[str, Any] | None:
    """Each quote with the provenance verification that overlaps it; with no index to check
    against, "not checked" once instead of "not verified" on every quote."""
    findings = report.findings
    checks = [f for f in findings if f.analyzer == "provenance" and f.label in QUOTE_CHECKS]
    records = {(q.start, q.end): q for q in report.quotes()}
    quotes = []
    for f in findings:
        if f.analyzer != "quotes" or f.label not in {"quote", "unattributed_quote"}:
            continue
        check = next((c for c in checks if c.start < f.end and f.start < c.end), None)
        record = records.get((f.start, f.end))
        quotes.append(
            {
                "text": snippet(f.text, 400),
                "href": href(starts, f.start, f.end),
                "speaker": _said(record.speaker if record else f.attrs.get("speaker"))
                or "nobody named",
                "cue": _said(record.cue if record else f.attrs.get("cue")),
                "status": human_label(check.label) if check else "not verified",
                "status_slug": slug(check.label) if check else "unverified",
                "detail": str(check.attrs.get("detail") or "") if check else "",
            }
        )
    if not quotes:
        return None
    return {"rows": quotes, "not_checked": not_checked(report, CHECKED_BY["quotes"])}


def _said(value: object) -> str:
    return value if isinstance(value, str) else ""


def provenance_view(report: Report) -> dict[str, Any] | None:
    """The article beside its best source, one row per paragraph, and the table of changes;
    or, with no index to trace against, why not and how to fill it."""
    data = report.provenance()
    missing = not_checked(report, "provenance")
    if data is None or not data.source_text:
        return (
            {"not_checked": missing, "rows": [], "sources": [], "mutations": []}
            if missing
            else None
        )
    article = report.document.text
    source = data.source_text[:MAX_SOURCE_TEXT]
    left = [
        Mark(f"p{i}", str(f.attrs.get("op") or "inserted"), f.label, f.start, f.end, "")
        for i, f in enumerate(report.findings)
        if f.analyzer == "provenance" and f.label not in QUOTE_CHECKS
    ]
    right = [
        Mark(f"m{i}", m.op, m.type, m.source_start, m.source_end, "")
        for i, m in enumerate(data.mutations)
    ]
    blocks = redline.blocks_of(data.aligned, len(article), len(source))
    starts = [p.start for p in report.document.paragraphs]
    return {
        "not_checked": missing,
        "sources": [
            {
                "id": s.id,
                "title": s.title or "",
                "url": safe_url(s.url),
                "url_text": s.url or "",
                "date": s.date or "",
                "score": s.score,
                "containment": s.containment,
            }
            for s in data.sources
        ],
        "rows": [
            {
                "article": [_diff_piece(p) for p in split_range(article, left, r.start, r.end)],
                "source": [
                    _diff_piece(p) for p in split_range(source, right, r.source_start, r.source_end)
                ],
            }
            for r in redline.rows(article, source, starts, blocks)
        ],
        "mutations": [_mutation(m, source) for m in data.mutations],
    }


def _mutation(m: Mutation, source: str) -> dict[str, Any]:
    """One row of the changes table; an insertion's Source cell shows where it was inserted."""
    before = after = ""
    if not m.source_text:
        before, after = redline.insertion_point(source, m.source_start)
    return {
        "type": human_label(m.type),
        "op": m.op,
        "text": snippet(m.text),
        "source_text": snippet(m.source_text),
        "before": before,
        "after": after,
    }


def _diff_piece(piece: Piece) -> dict[str, Any]:
    """One side of the redline: the innermost operation (inserted/deleted/substituted) wins."""
    if not piece.marks:
        return {"text": piece.text, "op": "", "title": ""}
    mark = piece.marks[0]
    return {"text": piece.text, "op": slug(mark.analyzer), "title": human_label(mark.label)}


def sources_view(report: Report) -> dict[str, Any] | None:
    """The site's ratings by each imported list; "not checked" when no list is imported."""
    data = report.sources()
    missing = not_checked(report, "sources")
    if data is None:
        return (
            {"not_checked": missing, "domain": "", "score": None, "ratings": []}
            if missing
            else None
        )
    return {
        "not_checked": missing,
        "domain": data.domain or "",
        "score": data.score,
        "ratings": [
            {
                "list": r.list,
                "matched": r.domain,
                "score": r.score,
                "label": snippet(r.label),
                "detail": snippet(r.detail, MAX_HEAD),
                "detail_url": safe_url(r.detail),
            }
            for r in data.ratings
        ],
    }
