"""``spinlens trace`` (sources and typed diff of one article) and ``spinlens reuse`` (corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from spinlens.cli.app import State, command
from spinlens.cli.index import INDEX_OPTION, index_path
from spinlens.cli.output import write_output
from spinlens.document.loaders import load_document
from spinlens.errors import ConfigError, InputError
from spinlens.provenance.render import render_html, render_text
from spinlens.provenance.schema import trace_schema
from spinlens.provenance.store import Store

TRACE_FORMATS = ("json", "text", "html")


@command("trace")
def trace_command(
    source: str | None = typer.Argument(
        None, help="Article: file, URL, JSON record, or '-' for stdin."
    ),
    index: Path | None = INDEX_OPTION,
    fmt: str = typer.Option("text", "--format", "-f", help="json, text or html."),
    top: int = typer.Option(5, "--top", min=1, max=100, help="How many ranked sources."),
    lineage: bool = typer.Option(
        False, "--lineage", help="Also order all versions of the story into a derivation graph."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
    schema: bool = typer.Option(False, "--schema", help="Print the JSON Schema of the output."),
) -> None:
    """Find what an article was copied from and list every change, typed, with offsets."""
    from spinlens.provenance.lineage import build_lineage
    from spinlens.provenance.trace import trace

    if schema:
        write_output(json.dumps(trace_schema(), indent=2) + "\n", output)
        return
    if source is None:
        raise InputError("give an article to trace (a file, URL or '-')")
    if fmt not in TRACE_FORMATS:
        raise ConfigError(f"unknown format '{fmt}' (choose from {', '.join(TRACE_FORMATS)})")
    settings = State.settings()
    doc = load_document(
        source, max_bytes=settings.limits.max_bytes, timeout=settings.limits.url_timeout
    )
    with Store(index_path(index), create=False) as store:
        result = trace(store, doc.text, doc_id=doc.id, top=top)
        if lineage:
            result["lineage"] = build_lineage(
                store, doc.text, doc_id=doc.id or "article", date=doc.date
            )
    if fmt == "json":
        rendered = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        rendered = render_html(result, doc.text)
    else:
        rendered = render_text(result)
    write_output(rendered, output)
