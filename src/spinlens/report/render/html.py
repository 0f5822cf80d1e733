"""HTML renderer: one self-contained page a fact-checker reads, printable and keyboard-usable.

Everything taken from the report (article text, metadata, analyzer data) is hostile: the
template is rendered with jinja2 autoescaping, links are kept only for http(s) URLs, and a
Content-Security-Policy with a per-page nonce allows no script but ours.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from spinlens.labels import human_analyzer, human_label
from spinlens.report.palette import analyzer_color
from spinlens.report.render.emphasis import (
    headline,
    is_claim,
    other_warnings,
    prominent_claims,
    strength,
)
from spinlens.report.render.safe import safe_url, slug, snippet
from spinlens.report.render.sections import (
    claims_view,
    href,
    not_checked_view,
    provenance_view,
    quotes_view,
    sources_view,
)
from spinlens.report.render.segments import Mark, Piece, first_piece, split
from spinlens.report.schema import Report, Verdict

__all__ = ["render_html", "safe_url", "slug", "snippet"]

TEMPLATES = Path(__file__).parent / "templates"
MAX_TITLE = 600
MAX_HEAD = 300
MAX_URL = 2000
# The claims not highlighted by default form their own toggle, unticked (emphasis.py says why).
MORE_CLAIMS = "claims:more"
HIDDEN_BY_DEFAULT = frozenset({MORE_CLAIMS})
MAX_STRIPES = 3  # underlines under one highlight; more would crowd the line they mark


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
    env.filters["label"] = human_label
    env.filters["analyzer"] = human_analyzer
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
        "findings": _findings_view(report, starts),
        "claims": claims_view(report, starts),
        "quotes": quotes_view(report, starts),
        "provenance": provenance_view(report),
        "sources": sources_view(report),
        "not_checked": [not_checked_view(n) for n in report.not_checked],
        "unchecked_analyzers": {n.analyzer for n in report.not_checked},
        "warnings": other_warnings(report),
    }
    return _environment().get_template("report.html").render(**context)


def color(group: str) -> str:
    """A highlight group's colour: its analyzer's (``claims:more`` is drawn as ``claims``)."""
    return analyzer_color(group.split(":", 1)[0])


def group_name(group: str) -> str:
    if group == MORE_CLAIMS:
        return "other check-worthy sentences"
    return human_analyzer(group)


def _note(analyzer: str, label: str, why: str) -> str:
    head = f"{human_analyzer(analyzer)} · {human_label(label)}"
    return f"{head}: {why}" if why else head


def _article_marks(report: Report) -> list[Mark]:
    """Findings, plus verdict evidence that is not itself a finding (e.g. textual signals)."""
    shown = prominent_claims(report.findings, report.verdict)
    marks = [
        Mark(
            f"f{i}",
            MORE_CLAIMS if is_claim(f) and i not in shown else f.analyzer,
            f.label,
            f.start,
            f.end,
            _note(f.analyzer, f.label, f.explanation),
        )
        for i, f in enumerate(report.findings)
    ]
    seen = {(f.analyzer, f.label, f.start, f.end) for f in report.findings}
    for r, reason in enumerate(report.verdict.reasons if report.verdict else []):
        for s, ref in enumerate(reason.spans):
            if (ref.analyzer, ref.label, ref.start, ref.end) not in seen:
                seen.add((ref.analyzer, ref.label, ref.start, ref.end))
                note = _note(ref.analyzer, ref.label, reason.text)
                marks.append(Mark(f"r{r}-{s}", ref.analyzer, ref.label, ref.start, ref.end, note))
    return marks


def _style(groups: Sequence[str]) -> str:
    """A light tint of the innermost group, and one underline per group below the text, at
    most ``MAX_STRIPES`` (mirrored in report.js)."""
    colors = [color(g) for g in groups[:MAX_STRIPES]]
    shadows = ", ".join(f"inset 0 -{3 * (i + 1)}px 0 {c}" for i, c in enumerate(colors))
    return f"background-color:{colors[0]}1f;box-shadow:{shadows};padding-bottom:{3 * len(colors)}px"


def _piece_view(piece: Piece) -> dict[str, Any]:
    groups = list(dict.fromkeys(m.analyzer for m in piece.marks))
    shown = [g for g in groups if g not in HIDDEN_BY_DEFAULT]
    title = "\n".join(dict.fromkeys(m.note for m in piece.marks))
    return {
        "index": piece.index,
        "text": piece.text,
        "marked": bool(piece.marks),
        "off": bool(piece.marks) and not shown,
        "analyzers": " ".join(slug(g) for g in groups),
        "labels": " ".join(dict.fromkeys(slug(m.label) for m in piece.marks)),
        "title": snippet(title, MAX_TITLE) if len(title) > MAX_TITLE else title,
        "style": _style(shown) if shown else "",
    }


def _legend(marks: Iterable[Mark]) -> list[dict[str, Any]]:
    counts = Counter(m.analyzer for m in marks)
    order = sorted(counts, key=lambda g: (g.split(":")[0], g))
    return [
        {
            "name": group_name(g),
            "slug": slug(g),
            "color": color(g),
            "count": counts[g],
            "checked": g not in HIDDEN_BY_DEFAULT,
        }
        for g in order
    ]


def _verdict_view(verdict: Verdict | None, starts: Mapping[int, int]) -> dict[str, Any] | None:
    if verdict is None:
        return None
    reasons = [
        {
            "text": snippet(reason.text, MAX_TITLE),
            "weight": reason.weight,
            "strength": strength(reason.weight),
            "direction": "up" if reason.weight >= 0 else "down",
            "links": [
                {
                    "href": href(starts, ref.start, ref.end),
                    "text": snippet(ref.text, 80),
                    "what": f"{human_analyzer(ref.analyzer)} · {human_label(ref.label)}",
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
        "headline": headline(verdict),
        "slug": slug(verdict.label),
        "score": verdict.score,
        "explanation": verdict.explanation,
        "reasons": reasons,
    }


def _findings_view(report: Report, starts: Mapping[int, int]) -> list[dict[str, Any]]:
    """Findings grouped by analyzer; claims not highlighted are counted, listed under Claims."""
    shown = prominent_claims(report.findings, report.verdict)
    groups: dict[str, list[dict[str, Any]]] = {}
    folded: Counter[str] = Counter()
    for i, f in enumerate(report.findings):
        if is_claim(f) and i not in shown:
            folded[f.analyzer] += 1
            continue
        groups.setdefault(f.analyzer, []).append(
            {
                "label": human_label(f.label),
                "text": snippet(f.text),
                "explanation": snippet(f.explanation, MAX_TITLE),
                "score": f.score,
                "href": href(starts, f.start, f.end),
            }
        )
    return [
        {
            "name": human_analyzer(name),
            "slug": slug(name),
            "color": analyzer_color(name),
            "entries": groups.get(name, []),
            "folded": folded[name],
        }
        for name in sorted({*groups, *folded})
    ]
