"""``spinlens status``: each store, its path, size, records, last import and how to fill it."""

from __future__ import annotations

import json

import typer

from spinlens.cli.app import State, command

STATUS_EXAMPLE = (
    "Examples: spinlens status · spinlens status --json · "
    "spinlens --set paths.factcheck_db=desk.sqlite status"
)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


@command("status", epilog=STATUS_EXAMPLE)
def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show each store the analyzers read (fact-check database, provenance index, source
    lists): path, size, record count, last import, and the command that fills it.

    A missing, empty or unreadable store is not an error here; the analyzer that needs it
    reports "not checked" instead of finding nothing."""
    from spinlens.status import all_stores

    stores = all_stores(State.settings())
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in stores], indent=2))
        return
    for s in stores:
        if s.state == "ok":
            head = f"{s.records:,} {s.unit}, {_size(s.size)}, last import {s.last_import}"
        elif s.state == "empty":
            head = f"empty ({_size(s.size)})"
        else:
            head = s.state + (f": {s.detail}" if s.detail else "")
        typer.echo(f"{s.store} (used by {s.analyzer}): {head}")
        typer.echo(f"  path: {s.path}")
        if s.state != "ok":
            typer.echo(f"  fill it with: {s.fill}")
