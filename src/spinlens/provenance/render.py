"""Text and HTML views of a trace result; article and source text is always escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any


def render_text(result: Mapping[str, Any]) -> str:
    lines = []
    sources = result.get("sources") or []
    if not sources:
        return "no source found in the index\n"
    lines.append("sources:")
    for rank, s in enumerate(sources, 1):
        lines.append(
            f"  {rank}. {s['id']}  score {s['score']:.2f}  containment {s['containment']:.2f}"
            f"  source used {s['source_containment']:.2f}"
            f"  {s.get('date') or ''} {s.get('url') or ''}"
        )
    lines.append(f"\nmutations against {result['best_source']}:")
    for m in result.get("mutations") or []:
        shown = _clip(m["text"] or m["source_text"])
        where = f"[{m['start']}:{m['end']}]" if m["op"] != "deleted" else "(removed)"
        lines.append(f"  {m['op']:<11} {m['type']:<19} {where:<12} {shown}")
        if m["op"] == "substituted":
            lines.append(f"  {'':<11} {'':<19} {'was':<12} {_clip(m['source_text'])}")
    quotes = result.get("quotes") or []
    if quotes:
        lines.append("\nquotes:")
        for q in quotes:
            lines.append(f"  {q['label']:<24} {_clip(q['quote'], 60)}  — {q['detail']}")
    lineage = result.get("lineage")
    if lineage:
        lines.append("\nlineage (" + ("by date" if lineage["dated"] else "by containment") + "):")
        for edge in lineage["edges"]:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(edge["changes"].items()))
            lines.append(f"  {edge['parent']} -> {edge['child']}: {counts or 'no changes'}")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def redline_html(text: str, source: str, mutations: Sequence[Mapping[str, Any]]) -> str:
    """Two columns: the article with insertions marked, the source with deletions marked."""
    left = _marked(
        text, [(m["start"], m["end"], m["type"]) for m in mutations if m["op"] != "deleted"], "ins"
    )
    right = _marked(
        source,
        [
            (m["source_start"], m["source_end"], m["type"])
            for m in mutations
            if m["op"] != "inserted"
        ],
        "del",
    )
    return (
        '<div class="redline"><div class="article"><h3>Article</h3>'
        f'<pre>{left}</pre></div><div class="source"><h3>Source</h3><pre>{right}</pre></div></div>'
    )


def _marked(text: str, ranges: Sequence[tuple[int, int, str]], tag: str) -> str:
    out, cursor = [], 0
    for start, end, kind in sorted(r for r in ranges if r[1] > r[0]):
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<{tag} title="{escape(kind)}">{escape(text[start:end])}</{tag}>')
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
.redline{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
pre{white-space:pre-wrap;font-family:inherit;line-height:1.5}
ins{background:#d7f5dd;text-decoration:none;border-bottom:2px solid #2a7}
del{background:#fbd9d9;text-decoration:line-through}
table{border-collapse:collapse}
td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
"""


def render_html(result: Mapping[str, Any], text: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(str(s['id']))}</td><td>{s['score']:.2f}</td>"
        f"<td>{s['containment']:.2f}</td><td>{escape(str(s.get('date') or ''))}</td></tr>"
        for s in result.get("sources") or []
    )
    mutations = result.get("mutations") or []
    items = "".join(
        f"<li><b>{escape(m['op'])} · {escape(m['type'])}</b>: "
        f"{escape(_clip(m['text'] or m['source_text'], 140))}</li>"
        for m in mutations
    )
    quotes = "".join(
        f"<li><b>{escape(q['label'])}</b>: “{escape(_clip(q['quote'], 100))}” — "
        f"{escape(q['detail'])}</li>"
        for q in result.get("quotes") or []
    )
    body = (
        f"<h1>Provenance trace</h1><table><tr><th>source</th><th>score</th><th>containment</th>"
        f"<th>date</th></tr>{rows}</table><h2>Changes</h2><ul>{items}</ul>"
        f"<h2>Quotes</h2><ul>{quotes}</ul>"
    )
    if result.get("best_source"):
        body += "<h2>Redline</h2>" + redline_html(text, result.get("source_text", ""), mutations)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>spinlens trace</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
