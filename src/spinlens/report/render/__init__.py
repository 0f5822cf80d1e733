"""Renderers: each turns the same Report into one output format."""

from __future__ import annotations

from collections.abc import Callable

from spinlens.report.schema import Report

FORMATS = ("json", "text", "html", "jsonl")


def renderer(fmt: str) -> Callable[[Report], str]:
    """The render function for ``fmt``; imported lazily so rich/jinja2 load only when used."""
    if fmt == "json":
        from spinlens.report.render.json import render_json

        return render_json
    if fmt == "jsonl":
        from spinlens.report.render.json import render_jsonl

        return render_jsonl
    if fmt == "text":
        from spinlens.report.render.text import render_text

        return render_text
    if fmt == "html":
        from spinlens.report.render.html import render_html

        html_renderer: Callable[[Report], str] = render_html
        return html_renderer
    raise ValueError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
