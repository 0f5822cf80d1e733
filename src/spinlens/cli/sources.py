"""``spinlens sources import|lookup|lists|remove``: the open reliability lists, cited per rating."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from spinlens.cli.app import State, app, command
from spinlens.errors import InputError
from spinlens.sources import FORMATS, SourceStore, combine, read

sources_app = typer.Typer(
    help="Import open source-reliability lists and look domains up (see docs/sources.md).",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")


def _store() -> SourceStore:
    return SourceStore(State.settings().paths.sources_db)


@command("import", parent=sources_app)
def import_list(
    file: Path = typer.Argument(..., help="The list file (CSV, TSV or JSON, per --format)."),
    fmt: str = typer.Option(
        ..., "--format", "-f", help=f"List format: {'|'.join(FORMATS)} (csv = your own list)."
    ),
    name: str | None = typer.Option(
        None, "--name", "-n", help="Name the list (default: the format, or the file stem for csv)."
    ),
) -> None:
    """Import (or re-import, replacing) one list into the embedded store."""
    if fmt not in FORMATS:
        raise InputError(f"unknown list format '{fmt}' (choose from {', '.join(FORMATS)})")
    list_name = name or (file.stem if fmt == "csv" else fmt)
    store = _store()
    with Console(stderr=True).status(f"importing {file} as '{list_name}'"):
        count = store.replace_list(list_name, fmt, str(file), read(file, fmt))
    typer.echo(f"imported {count} ratings into list '{list_name}' ({store.path})")


@command("lookup", parent=sources_app)
def lookup(
    domain: str = typer.Argument(..., help="A domain or URL, e.g. https://www.example.com/x."),
    lists: list[str] = typer.Option(
        [], "--list", "-l", help="Count only this list (repeatable; default: all imported)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show every list's rating of a domain, and the combined score."""
    ratings = _store().lookup(domain, lists or None)
    score = combine(ratings)
    if as_json:
        payload = {"domain": domain, "score": score, "ratings": [r.as_dict() for r in ratings]}
        typer.echo(json.dumps(payload, indent=2))
        return
    if not ratings:
        typer.echo(f"no imported list rates {domain}")
        return
    table = Table(title=f"{domain}: combined {score:.2f}" if score is not None else domain)
    for column in ("list", "matched", "score", "label", "detail"):
        table.add_column(column, overflow="fold")
    for r in ratings:
        shown = "" if r.score is None else f"{r.score:.2f}"
        table.add_row(r.list, r.domain, shown, r.label, r.detail[:120])
    Console().print(table)


@command("lists", parent=sources_app)
def show_lists() -> None:
    """The imported lists: name, format, file, when, how many domains."""
    infos = _store().lists()
    if not infos:
        typer.echo("no lists imported yet (spinlens sources import FILE --format FORMAT)")
        return
    table = Table()
    for column in ("name", "format", "entries", "imported", "file"):
        table.add_column(column, overflow="fold")
    for info in infos:
        table.add_row(info.name, info.format, str(info.entries), info.imported, info.source)
    Console().print(table)


@command("remove", parent=sources_app)
def remove(name: str = typer.Argument(..., help="The list's name.")) -> None:
    """Delete one imported list and its ratings."""
    if not _store().remove_list(name):
        raise InputError(f"no list named '{name}'")
    typer.echo(f"removed list '{name}'")


# The verdict's eval/train commands live in their own module; importing it registers them.
import spinlens.cli.verdict  # noqa: E402, F401
