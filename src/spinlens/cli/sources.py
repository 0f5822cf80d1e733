"""``spinlens sources import|lookup|lists|remove``: the open reliability lists, cited per rating."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from spinlens.cli.app import State, app, command
from spinlens.cli.output import report_skipped
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError, MissingDependencyError
from spinlens.report.render.text import printable
from spinlens.sources import SourceStore, combine, read
from spinlens.sources.domains import host_of

sources_app = typer.Typer(
    help="Import open source-reliability lists and look domains up (see docs/sources.md).",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")


class ListFormat(StrEnum):
    lin2023 = "lin2023"
    opensources = "opensources"
    mbfc_baly = "mbfc-baly"
    csv = "csv"


IMPORT_EXAMPLE = (
    "Examples: spinlens sources import domain_ratings.csv --format lin2023 · "
    "spinlens sources import corpus.tsv --format mbfc-baly --name mbfc-2020 · "
    "spinlens sources import our-desk.csv --format csv --name desk "
    "(csv header: domain,score[,label,detail]; score 0-1 or empty). "
    "A bad row is reported as file:line and skipped (exit 8); --strict aborts instead."
)
LOOKUP_EXAMPLE = (
    "Examples: spinlens sources lookup https://www.rt.com/news/1 · "
    "spinlens sources lookup bbc.co.uk --list lin2023 --list desk --json"
)


def _store() -> SourceStore:
    return SourceStore(State.settings().paths.sources_db)


def _cell(value: str) -> Text:
    """A table cell shown as-is: list contents are not rich markup or terminal controls."""
    return Text(printable(value))


@command("import", parent=sources_app, epilog=IMPORT_EXAMPLE)
def import_list(
    file: Path = typer.Argument(..., help="The list file (CSV, TSV or JSON, per --format)."),
    fmt: ListFormat = typer.Option(
        ..., "--format", "-f", help="List format (csv = your own list; see docs/sources.md)."
    ),
    name: str | None = typer.Option(
        None, "--name", "-n", help="Name the list (default: the format, or the file stem for csv)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Abort on the first bad row (the previous import stays)."
    ),
) -> None:
    """Import (or re-import, replacing) one list into the embedded store, in one transaction."""
    fmt_name = str(fmt.value)
    if name is not None and not name.strip():
        raise InputError("--name must not be empty")
    list_name = name.strip() if name is not None else (file.stem if fmt_name == "csv" else fmt_name)
    skipped: list[str] | None = None if strict else []
    entries = read(file, fmt_name, skipped)
    report_skipped(skipped or [], "rows")
    store = _store()
    before = next((i for i in store.lists() if i.name == list_name), None)
    with Console(stderr=True).status(escape(f"importing {file} as '{list_name}'")):
        count = store.replace_list(list_name, fmt_name, str(file.resolve()), entries)
    note = f", {len(skipped)} bad rows skipped" if skipped else ""
    if before is not None:
        note += f"; replaced the earlier import ({before.entries} ratings from {before.source})"
    typer.echo(f"imported {count} ratings into list '{list_name}' ({store.path}){note}")
    if skipped:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


@command("lookup", parent=sources_app, epilog=LOOKUP_EXAMPLE)
def lookup(
    domain: str = typer.Argument(..., help="A domain or URL, e.g. https://www.example.com/x."),
    lists: list[str] = typer.Option(
        [], "--list", "-l", help="Count only this list (repeatable; default: all imported)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show every list's rating of a domain (the key each matched), and the combined score."""
    host = host_of(domain)
    store = _store()
    if not store.lists():  # "no list rates it" would read as a finding about the domain
        raise MissingDependencyError(
            f"no source list imported yet ({store.path}), so nothing can rate {host}; "
            "import one first: spinlens sources import FILE --format FORMAT (docs/sources.md)"
        )
    store.check_lists(lists)
    ratings = store.lookup(domain, lists or None)
    score = combine(ratings)
    if as_json:
        payload = {
            "domain": domain,
            "host": host,
            "score": score,
            "ratings": [r.as_dict() for r in ratings],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    if not ratings:
        typer.echo(f"no imported list rates {host}")
        return
    title = f"{host}: combined {score:.2f}" if score is not None else f"{host}: no list scores it"
    table = Table(title=_cell(title))
    for column in ("list", "matched", "score", "label", "detail"):
        table.add_column(column, overflow="fold")
    for r in ratings:
        shown = "" if r.score is None else f"{r.score:.2f}"
        table.add_row(_cell(r.list), _cell(r.domain), shown, _cell(r.label), _cell(r.detail[:120]))
    Console().print(table)


@command("lists", parent=sources_app)
def show_lists(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The imported lists: name, format, file, when, how many domains."""
    infos = _store().lists()
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(info) for info in infos], indent=2))
        return
    if not infos:
        typer.echo("no lists imported yet (spinlens sources import FILE --format FORMAT)")
        return
    table = Table()
    for column in ("name", "format", "entries", "imported", "file"):
        table.add_column(column, overflow="fold")
    for info in infos:
        table.add_row(
            _cell(info.name),
            info.format,
            str(info.entries),
            info.imported,
            _cell(info.source),
        )
    Console().print(table)


@command("remove", parent=sources_app, epilog="Example: spinlens sources remove desk")
def remove(name: str = typer.Argument(..., help="The list's name.")) -> None:
    """Delete one imported list and its ratings."""
    store = _store()
    if not store.remove_list(name):
        store.check_lists([name])
    typer.echo(f"removed list '{name}'")


# The verdict's eval/train commands live in their own module; importing it registers them.
import spinlens.cli.verdict  # noqa: E402, F401
