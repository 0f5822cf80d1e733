"""Terminal renderer: the article's findings as rich tables, coloured by analyzer."""

from __future__ import annotations

import os
import sys
from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinlens.report.palette import analyzer_color
from spinlens.report.schema import Report

MAX_SNIPPET = 90
MAX_TITLE = 300
# Terminal controls (C0 but tab and newline, DEL, C1): article text must not drive the terminal.
_CONTROLS = {c: "\ufffd" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def printable(text: str) -> str:
    """``text`` with terminal control characters replaced one for one (offsets still hold)."""
    return text.translate(_CONTROLS)


def render_text(report: Report, *, width: int = 110, color: bool | None = None) -> str:
    """Colour only on a terminal (and never with NO_COLOR set), so piped text stays plain."""
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    buffer = StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, color_system="truecolor" if color else None
    )
    console.print(_header(report))
    if report.verdict is not None:
        console.print(_verdict(report))
    console.print(_highlighted(report))
    console.print(_findings_table(report))
    console.print(_runs_table(report))
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(printable(warning))}")
    return buffer.getvalue()


def _header(report: Report) -> Panel:
    doc = report.document
    title = printable(doc.title or doc.id or "Untitled document")
    lines = [f"[bold]{escape(title[:MAX_TITLE])}[/]"]
    meta = [x for x in (doc.domain, doc.date, doc.language and f"lang={doc.language}") if x]
    if meta:
        lines.append(escape(printable(" · ".join(meta))[:MAX_TITLE]))
    lines.append(
        f"{len(doc.text):,} characters, {len(doc.sentences)} sentences, "
        f"{len(report.findings)} findings"
    )
    return Panel("\n".join(lines), title="spinlens", border_style="cyan")


def _verdict(report: Report) -> Panel:
    verdict = report.verdict
    assert verdict is not None
    colour = {"reliable": "green", "mixed": "yellow", "unreliable": "red"}.get(
        verdict.label, "white"
    )
    body = [f"[bold {colour}]{verdict.label.upper()}[/]  score {verdict.score:.2f}"]
    for reason in verdict.reasons:
        body.append(f"• {escape(printable(reason.text))}  [dim](weight {reason.weight:+.2f})[/]")
    return Panel("\n".join(body), title="verdict", border_style=colour)


def _highlighted(report: Report) -> Panel:
    text = Text(printable(report.document.text))
    for finding in sorted(report.findings, key=lambda f: f.end - f.start, reverse=True):
        if finding.end > finding.start:
            text.stylize(
                f"on {analyzer_color(finding.analyzer, dark=True)}", finding.start, finding.end
            )
    return Panel(text, title="article", border_style="dim")


def _findings_table(report: Report) -> Table:
    table = Table(title="findings", show_lines=False, expand=True)
    for column in ("analyzer", "label", "offsets", "text", "score", "why"):
        table.add_column(column, overflow="fold")
    for f in report.findings:
        snippet = f.text if len(f.text) <= MAX_SNIPPET else f.text[: MAX_SNIPPET - 1] + "…"
        table.add_row(
            Text(printable(f.analyzer), style=analyzer_color(f.analyzer)),
            Text(printable(f.label)),
            f"{f.start}-{f.end}",
            Text(printable(snippet)),
            f"{f.score:.2f}",
            Text(printable(f.explanation)),
        )
    return table


def _runs_table(report: Report) -> Table:
    table = Table(title="analyzers", expand=False)
    for column in ("analyzer", "version", "status", "findings", "seconds", "note"):
        table.add_column(column)
    for run in report.analyzers:
        table.add_row(
            Text(printable(run.name)),
            Text(printable(run.version)),
            run.status,
            str(run.findings),
            f"{run.seconds:.3f}",
            Text(printable(run.reason or run.model or "")),
        )
    return table
