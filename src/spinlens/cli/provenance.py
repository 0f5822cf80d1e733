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
from spinlens.provenance.reader import open_index
from spinlens.provenance.render import render_html, render_text
from spinlens.provenance.schema import trace_schema

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
    with open_index(index_path(index)) as store:
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


@command("reuse")
def reuse_command(
    corpus: list[str] = typer.Argument(
        ..., help="Corpus: JSONL/JSON records, CSV, .txt/.html files, or directories."
    ),
    engine: str = typer.Option("local", "--engine", help="local or spark."),
    master: str = typer.Option(
        "local[2]", "--master", help="Spark master: local[N] or a cluster URL (engine spark)."
    ),
    threshold: float = typer.Option(
        0.2, "--threshold", min=0.0, max=1.0, help="Containment (either way) that counts as reuse."
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or jsonl."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Find every pair of documents in a corpus where one reuses the other's text."""
    from spinlens.provenance.ingest import content_hash
    from spinlens.provenance.inputs import iter_inputs
    from spinlens.provenance.reuse import ReuseConfig, find_reuse_local, unique_ids

    if engine not in ("local", "spark"):
        raise ConfigError(f"unknown engine '{engine}' (choose local or spark)")
    if fmt not in ("text", "json", "jsonl"):
        raise ConfigError(f"unknown format '{fmt}' (choose text, json or jsonl)")
    settings = State.settings()
    docs = []
    for item in iter_inputs(corpus, settings.limits.max_bytes):
        if item.error is not None:
            raise item.error
        assert item.document is not None
        doc = item.document
        docs.append((doc.id or content_hash(doc.text)[:16], doc.text))
    if not docs:
        raise InputError("the corpus holds no documents")
    unique_ids(docs)
    config = ReuseConfig(threshold=threshold)
    if engine == "spark":
        from spinlens.provenance.spark import find_reuse_spark

        pairs = find_reuse_spark(docs, config, master=master)
    else:
        pairs = find_reuse_local(docs, config)
    rows = [p.as_dict() for p in pairs]
    if fmt == "json":
        rendered = json.dumps({"documents": len(docs), "pairs": rows}, indent=2) + "\n"
    elif fmt == "jsonl":
        rendered = "".join(json.dumps(r) + "\n" for r in rows)
    else:
        lines = [f"{len(rows)} reused pairs among {len(docs)} documents"]
        lines += [
            f"  {r['a']} <-> {r['b']}  a_in_b {r['a_in_b']:.2f}  b_in_a {r['b_in_a']:.2f}"
            for r in rows
        ]
        rendered = "\n".join(lines) + "\n"
    write_output(rendered, output)
