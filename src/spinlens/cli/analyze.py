"""``spinlens analyze``, ``analyzers`` and ``schema``: the core commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from typing import Any, NoReturn

import typer

from spinlens.cli.app import State, command
from spinlens.cli.output import (
    PageFolder,
    ReportStream,
    choose_format,
    skipped_line,
    write_output,
)
from spinlens.cli.signals import interrupt_on_sigterm
from spinlens.document.loaders import Loaded, holds_many, iter_documents
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError
from spinlens.pipeline import Pipeline, load_pipeline, select_analyzers
from spinlens.report import Report, json_schema
from spinlens.report.render import renderer


class ReportFormat(StrEnum):
    """The renderers' formats, so that anything else (``--format pdf``) is a usage error."""

    json = "json"
    jsonl = "jsonl"
    text = "text"
    html = "html"


HTML_FOLDER_HINT = (
    "HTML is one page per document: give a folder with -o (e.g. -o reports/), "
    "or choose --format json, jsonl or text"
)
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report a Ctrl-C


@command("analyze")
def analyze(
    sources: list[str] = typer.Argument(
        ..., help="Files, directories, JSON/JSONL files, http(s) URLs, or '-' for stdin."
    ),
    fmt: ReportFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        case_sensitive=False,
        help="Default: text on a terminal, json otherwise (jsonl when there are several "
        "documents). Several documents: json is one JSON list, html one page each in the "
        "folder given by -o.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here, not stdout (a folder for html and several)."
    ),
    only: list[str] = typer.Option([], "--only", help="Run only these analyzers (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="Do not run these analyzers (repeatable)."),
) -> None:
    """Analyse articles and print a report for each.

    With several documents each report is written as soon as it is ready, so a crash or
    Ctrl-C keeps the finished ones (exit 130 when interrupted; a JSON list is still closed).
    """
    settings = State.settings()
    items = iter_documents(
        sources, max_bytes=settings.limits.max_bytes, timeout=settings.limits.url_timeout
    )
    several = len(sources) > 1 or any(holds_many(s) for s in sources)
    if sources == ["-"]:  # JSONL records or one article: told by what stdin holds
        items, several = _peek_several(items)
    if several:
        items = _unless_lone_error(items)
    chosen = choose_format(fmt and fmt.value, output, several)
    folder = _page_folder(output) if chosen == "html" and several else None
    with load_pipeline(settings, only=only, skip=skip) as pipeline:
        if not several:
            _analyze_one(items, pipeline, renderer(chosen), output)
            return
        written, bad = _analyze_many(items, pipeline, chosen, output, folder)
    if folder is not None:
        sys.stderr.write(f"spinlens: wrote {written} HTML pages to {folder.folder}\n")
    if not written:
        raise InputError("no document could be read from the input")
    if bad:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


def _peek_several(items: Iterator[Loaded]) -> tuple[Iterator[Loaded], bool]:
    """The same items, and whether there are more than one (stdin read as JSONL records)."""
    first = list(islice(items, 2))
    return chain(first, items), len(first) > 1


def _unless_lone_error(items: Iterator[Loaded]) -> Iterator[Loaded]:
    """The same items; but an input that turned out to hold one bad item (a feed, a sitemap,
    a file of one malformed record) raises that item's error: one coded line, not a
    "skipped" line followed by "no document could be read"."""
    first = list(islice(items, 2))
    if len(first) == 1 and first[0].error is not None:
        raise first[0].error
    return chain(first, items)


def _page_folder(output: Path | None) -> PageFolder:
    """Several documents as HTML: a folder of pages, or a refusal that says what to do."""
    if output is None or output.is_file() or output.suffix.lower() in {".html", ".htm"}:
        raise typer.BadParameter(
            f"several documents were given; {HTML_FOLDER_HINT}", param_hint="'--output'"
        )
    return PageFolder(output)


def _analyze_one(
    items: Iterator[Loaded],
    pipeline: Pipeline,
    render: Callable[[Report], str],
    output: Path | None,
) -> None:
    """One document: rendered whole, then written atomically (no half-written report)."""
    for item in items:
        if item.error is not None:
            raise item.error
        assert item.document is not None
        write_output(render(pipeline.run(item.document)), output)
        return
    raise InputError("no document could be read from the input")


def _analyze_many(
    items: Iterator[Loaded],
    pipeline: Pipeline,
    fmt: str,
    output: Path | None,
    folder: PageFolder | None,
) -> tuple[int, int]:
    """Each report written as it finishes; bad inputs skipped and named on stderr."""
    render = renderer(fmt)
    bad = 0
    with interrupt_on_sigterm() as signals, ReportStream(None if folder else output, fmt) as stream:
        try:
            for item in items:
                if item.error is not None:
                    bad += 1
                    code = f" [{item.error.code}]"
                    sys.stderr.write(
                        f"spinlens: skipped {skipped_line(item.origin, item.error)}{code}\n"
                    )
                    continue
                assert item.document is not None
                report = pipeline.run(item.document)
                if folder is not None:
                    folder.add(item.document.id or Path(item.origin).stem, render(report))
                else:
                    stream.add(render(report))
        except Exception:
            if not signals.interrupted:
                raise
            # the interrupt came inside a library that wrapped it (pydantic's serializer
            # turns it into PydanticSerializationError): still an interrupt
            _interrupted(folder, stream, output)
        except KeyboardInterrupt:
            _interrupted(folder, stream, output)
    return (len(folder.written) if folder else stream.count), bad


def _interrupted(folder: PageFolder | None, stream: ReportStream, output: Path | None) -> NoReturn:
    written = len(folder.written) if folder else stream.count
    where = folder.folder if folder else (output or "stdout")
    sys.stderr.write(
        f"spinlens: interrupted; {written} finished reports kept in {where}\n"
        if written
        else "spinlens: interrupted before any report was finished; nothing written\n"
    )
    raise typer.Exit(INTERRUPTED_EXIT) from None


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
            "options": getattr(factory, "Options")().model_dump(mode="json"),  # noqa: B009
            "labels": sorted(getattr(factory, "labels", ())),
            "assigns": list(getattr(factory, "assigns", ())),
        }
        for name, factory in sorted(registry().items())
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="analyzers (--json adds labels and assigns)")
    for column in ("name", "version", "default", "languages", "requires", "options", "description"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["version"]),
            "yes" if row["default"] else "no",
            ", ".join(row["languages"]),
            ", ".join(row["requires"]),
            ", ".join(f"{k}={json.dumps(v)}" for k, v in row["options"].items()),
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
