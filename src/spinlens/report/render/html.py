"""HTML renderer: one self-contained page a fact-checker reads, printable and keyboard-usable.

Everything taken from the report (article text, metadata, analyzer data) is hostile: the
template is rendered with jinja2 autoescaping, links are kept only for http(s) URLs, and a
Content-Security-Policy with a per-page nonce allows no script but ours.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from spinlens.report.palette import analyzer_color
from spinlens.report.render.segments import Mark, Piece, first_piece, split
from spinlens.report.schema import Finding, Report, Verdict

TEMPLATES = Path(__file__).parent / "templates"
MAX_TITLE = 600
MAX_HEAD = 300
MAX_URL = 2000
MAX_SNIPPET = 160
MAX_SOURCE_TEXT = 200_000
_SLUG = re.compile(r"[^a-z0-9_-]+")
# Provenance labels that verify a quote (the others are mutations of the source text).
QUOTE_CHECKS = frozenset(
    {"quote_verified", "quote_altered_in_source", "quote_misattributed", "quote_not_found"}
)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["slug"] = slug
    return env


def render_html(report: Report) -> str:
    """The report as one HTML file with inline CSS and JS and no external assets."""
    article = _article_marks(report)
    pieces = split(report.document.text, article)
    starts = first_piece(pieces)
    doc = report.document
    context = {
        "report": report,
        "doc": doc,
        "head": {  # metadata is hostile and unbounded too: shown escaped and cut to a length
            "title": snippet(doc.title or doc.id or "", MAX_HEAD),
            "domain": snippet(doc.domain or "", MAX_HEAD),
            "date": snippet(doc.date or "", 80),
            "url": snippet(doc.url or "", MAX_HEAD),
            "href": safe_url(doc.url) if doc.url and len(doc.url) <= MAX_URL else None,
        },
        "nonce": secrets.token_urlsafe(16),
        "verdict": _verdict_view(report.verdict, starts),
        "legend": _legend(article),
        "pieces": [_piece_view(p) for p in pieces],
        "findings": _findings_view(report.findings, starts),
        "claims": _claims_view(report.findings, starts),
        "quotes": _quotes_view(report.findings, starts),
        "provenance": _provenance_view(report),
        "sources": _sources_view(report.data.get("sources")),
    }
    return _environment().get_template("report.html").render(**context)


def slug(value: str) -> str:
    """A CSS-class-safe form of an analyzer or label name (names come from plug-ins too)."""
    return _SLUG.sub("-", value.lower()).strip("-") or "x"


def safe_url(value: Any) -> str | None:
    """Only http(s) links become clickable; anything else (javascript:, data:) stays text."""
    if isinstance(value, str) and re.match(r"^https?://[^\s\"'<>]+$", value, re.I):
        return value
    return None


def snippet(text: str, limit: int = MAX_SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finding_mark(index: int, f: Finding) -> Mark:
    note = (
        f"{f.analyzer} · {f.label}: {f.explanation}"
        if f.explanation
        else f"{f.analyzer} · {f.label}"
    )
    return Mark(f"f{index}", f.analyzer, f.label, f.start, f.end, note)


def _article_marks(report: Report) -> list[Mark]:
    """Findings, plus verdict evidence that is not itself a finding (e.g. textual signals)."""
    marks = [_finding_mark(i, f) for i, f in enumerate(report.findings)]
    seen = {(m.analyzer, m.label, m.start, m.end) for m in marks}
    for r, reason in enumerate(report.verdict.reasons if report.verdict else []):
        for s, ref in enumerate(reason.spans):
            if (ref.analyzer, ref.label, ref.start, ref.end) not in seen:
                seen.add((ref.analyzer, ref.label, ref.start, ref.end))
                note = f"{ref.analyzer} · {ref.label}: {reason.text}"
                marks.append(Mark(f"r{r}-{s}", ref.analyzer, ref.label, ref.start, ref.end, note))
    return marks


def _style(analyzers: Sequence[str]) -> str:
    """Tint of the innermost analyzer plus one underline per analyzer (mirrored in report.js)."""
    colors = [analyzer_color(a) for a in analyzers]
    shadows = ", ".join(f"inset 0 -{3 * (i + 1)}px 0 {c}" for i, c in enumerate(colors))
    return f"background-color:{colors[0]}26;box-shadow:{shadows}"


def _piece_view(piece: Piece) -> dict[str, Any]:
    analyzers = list(dict.fromkeys(m.analyzer for m in piece.marks))
    title = "\n".join(dict.fromkeys(m.note for m in piece.marks))
    return {
        "index": piece.index,
        "text": piece.text,
        "marked": bool(piece.marks),
        "analyzers": " ".join(slug(a) for a in analyzers),
        "labels": " ".join(dict.fromkeys(slug(m.label) for m in piece.marks)),
        "title": snippet(title, MAX_TITLE) if len(title) > MAX_TITLE else title,
        "style": _style(analyzers) if analyzers else "",
    }


def _href(starts: Mapping[int, int], start: int, end: int) -> str | None:
    return f"#seg-{starts[start]}" if end > start and start in starts else None


def _legend(marks: Iterable[Mark]) -> list[dict[str, Any]]:
    counts = Counter(m.analyzer for m in marks)
    return [
        {"name": name, "slug": slug(name), "color": analyzer_color(name), "count": n}
        for name, n in sorted(counts.items())
    ]


def _verdict_view(verdict: Verdict | None, starts: Mapping[int, int]) -> dict[str, Any] | None:
    if verdict is None:
        return None
    reasons = [
        {
            "text": snippet(reason.text, MAX_TITLE),
            "weight": reason.weight,
            "links": [
                {
                    "href": _href(starts, ref.start, ref.end),
                    "text": snippet(ref.text, 80),
                    "analyzer": ref.analyzer,
                    "label": ref.label,
                }
                for ref in reason.spans
            ],
            "ratings": [
                {
                    "list": r.list,
                    "domain": r.domain,
                    "score": r.score,
                    "label": snippet(r.label, 80),
                }
                for r in reason.ratings
            ],
        }
        for reason in verdict.reasons
    ]
    return {
        "label": verdict.label,
        "slug": slug(verdict.label),
        "score": verdict.score,
        "explanation": verdict.explanation,
        "reasons": reasons,
    }


def _findings_view(findings: Sequence[Finding], starts: Mapping[int, int]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        groups.setdefault(f.analyzer, []).append(
            {
                "label": f.label,
                "text": snippet(f.text),
                "explanation": snippet(f.explanation, MAX_TITLE),
                "score": f.score,
                "href": _href(starts, f.start, f.end),
            }
        )
    return [
        {"name": name, "slug": slug(name), "color": analyzer_color(name), "entries": items}
        for name, items in sorted(groups.items())
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _claims_view(findings: Sequence[Finding], starts: Mapping[int, int]) -> list[dict[str, Any]]:
    claims = []
    for f in findings:
        if f.analyzer != "claims" or f.label != "claim":
            continue
        raw = f.attrs.get("matches")
        matches = [
            {
                "claim": _text(m.get("claim")),
                "rating": slug(_text(m.get("rating")) or "unknown"),
                "verdict": _text(m.get("verdict")),
                "publisher": _text(m.get("publisher")),
                "url": safe_url(m.get("url")),
                "url_text": _text(m.get("url")),
                "score": _number(m.get("score")),
            }
            for m in (raw if isinstance(raw, list) else [])
            if isinstance(m, dict)
        ]
        claims.append(
            {
                "text": snippet(f.text, 400),
                "href": _href(starts, f.start, f.end),
                "score": f.score,
                "type": _text(f.attrs.get("type")),
                "matches": matches,
            }
        )
    return claims


def _quotes_view(findings: Sequence[Finding], starts: Mapping[int, int]) -> list[dict[str, Any]]:
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
                "href": _href(starts, f.start, f.end),
                "speaker": _text(f.attrs.get("speaker")) or "nobody named",
                "cue": _text(f.attrs.get("cue")),
                "status": check.label if check else "not verified",
                "status_slug": slug(check.label) if check else "unverified",
                "detail": _text(check.attrs.get("detail")) if check else "",
            }
        )
    return quotes


def _provenance_view(report: Report) -> dict[str, Any] | None:
    """The article and its best source side by side, each cut at the mutation boundaries."""
    data = report.data.get("provenance")
    if not isinstance(data, dict) or not isinstance(data.get("source_text"), str):
        return None
    source_text: str = data["source_text"][:MAX_SOURCE_TEXT]
    mutations = [m for m in data.get("mutations") or [] if isinstance(m, dict)]
    left = [
        Mark(
            f"p{i}", _text(f.attrs.get("op")) or "inserted", f.label, f.start, f.end, f.explanation
        )
        for i, f in enumerate(report.findings)
        if f.analyzer == "provenance" and f.label not in QUOTE_CHECKS
    ]
    right = [
        Mark(f"m{i}", _text(m.get("op")), _text(m.get("type")), s, e, _text(m.get("type")))
        for i, m in enumerate(mutations)
        if isinstance(s := m.get("source_start"), int) and isinstance(e := m.get("source_end"), int)
    ]
    sources = [
        {
            "id": _text(s.get("id")),
            "title": _text(s.get("title")),
            "url": safe_url(s.get("url")),
            "url_text": _text(s.get("url")),
            "date": _text(s.get("date")),
            "score": _number(s.get("score")),
            "containment": _number(s.get("containment")),
        }
        for s in data.get("sources") or []
        if isinstance(s, dict)
    ]
    return {
        "sources": sources,
        "article": [_diff_piece(p) for p in split(report.document.text, left)],
        "source": [_diff_piece(p) for p in split(source_text, right)],
        "mutations": [
            {
                "type": _text(m.get("type")),
                "op": _text(m.get("op")),
                "text": snippet(_text(m.get("text"))),
                "source_text": snippet(_text(m.get("source_text"))),
            }
            for m in mutations
        ],
    }


def _diff_piece(piece: Piece) -> dict[str, Any]:
    """One side of the redline: the innermost operation (inserted/deleted/substituted) wins."""
    if not piece.marks:
        return {"text": piece.text, "op": "", "title": ""}
    mark = piece.marks[0]
    title = f"{mark.label}: {mark.note}" if mark.note and mark.note != mark.label else mark.label
    return {"text": piece.text, "op": slug(mark.analyzer), "title": title}


def _sources_view(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    ratings = [
        {
            "list": _text(r.get("list")),
            "matched": _text(r.get("domain")),
            "score": _number(r.get("score")),
            "label": snippet(_text(r.get("label")), MAX_SNIPPET),
            "detail": snippet(_text(r.get("detail")), MAX_HEAD),
            "detail_url": safe_url(r.get("detail")),
        }
        for r in data.get("ratings") or []
        if isinstance(r, dict)
    ]
    return {
        "domain": _text(data.get("domain")),
        "score": _number(data.get("score")),
        "ratings": ratings,
    }
