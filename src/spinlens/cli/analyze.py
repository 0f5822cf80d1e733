"""``spinlens analyze``, ``analyzers`` and ``schema``: the core commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from spinlens.cli.app import State, command
from spinlens.cli.output import choose_format, write_output
from spinlens.document.loaders import iter_documents
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError
from spinlens.pipeline import Pipeline, select_analyzers
from spinlens.report import json_schema
from spinlens.report.render import FORMATS, renderer


@command("analyze")
def analyze(
    sources: list[str] = typer.Argument(
        ..., help="Files, directories, JSON/JSONL files, http(s) URLs, or '-' for stdin."
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help=f"One of {', '.join(FORMATS)}. Default: text on a terminal, json otherwise "
        "(jsonl when there are several documents).",
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
    only: list[str] = typer.Option([], "--only", help="Run only these analyzers (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="Do not run these analyzers (repeatable)."),
) -> None:
    """Analyse articles and print a report for each."""
    settings = State.settings()
    names = select_analyzers(only or settings.only, [*settings.skip, *skip])
    pipeline = Pipeline(names, settings=settings)
    items = iter_documents(
        sources, max_bytes=settings.limits.max_bytes, timeout=settings.limits.url_timeout
    )
    several = len(sources) > 1 or any(
        Path(s).is_dir() or s.endswith((".jsonl", ".json")) for s in sources
    )
    chosen = choose_format(fmt, output, several)
    render = renderer(chosen)
    chunks: list[str] = []
    bad = 0
    for item in items:
        if item.error is not None:
            if not several:
                raise item.error
            bad += 1
            sys.stderr.write(f"spinlens: skipped {item.origin}: {item.error}\n")
            continue
        assert item.document is not None
        chunks.append(render(pipeline.run(item.document)))
    if not chunks:
        raise InputError("no document could be read from the input")
    write_output("".join(chunks), output)
    if bad:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


@command("analyzers")
def list_analyzers(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every registered analyzer (built-in and plug-ins)."""
    from spinlens.analyzers import registry

    rows: list[dict[str, Any]] = [
        {
            "name": name,
            "version": getattr(factory, "version", "?"),
            "default": bool(getattr(factory, "default_enabled", True)),
            "languages": sorted(getattr(factory, "languages", None) or []) or ["any"],
            "requires": list(getattr(factory, "requires", ())),
            "description": getattr(factory, "description", ""),
        }
        for name, factory in sorted(registry().items())
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="analyzers")
    for column in ("name", "version", "default", "languages", "requires", "description"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["version"]),
            "yes" if row["default"] else "no",
            ", ".join(row["languages"]),
            ", ".join(row["requires"]),
            str(row["description"]),
        )
    Console().print(table)


@command("schema")
def schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Print the JSON Schema of the report."""
    write_output(json.dumps(json_schema(), indent=2) + "\n", output)


__all__ = ["analyze", "list_analyzers", "schema", "select_analyzers"]
