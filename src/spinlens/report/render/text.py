"""Terminal renderer: the verdict first (it fits the first screen), then the evidence.

Order: a short header, the verdict in words with its five strongest reasons one line each,
the article with the highlights that matter, the findings, the claims and their fact-checks,
then every reason with its weight and the score's formula, and the analyzers that ran.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from io import StringIO

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinlens.labels import human_label
from spinlens.report.palette import analyzer_color
from spinlens.report.render.emphasis import (
    headline,
    is_claim,
    other_warnings,
    prominent_claims,
    strength,
)
from spinlens.report.render.sections import claims_view, not_checked_view
from spinlens.report.schema import NotChecked, Report, Verdict

MAX_SNIPPET = 90
MAX_TITLE = 300
TOP_REASONS = 5
DEFAULT_WIDTH = 100  # when not on a terminal (a file, a pipe)
MAX_WIDTH = 140
VERDICT_COLOURS = {"reliable": "green", "mixed": "yellow", "unreliable": "red"}
# Terminal controls (C0 but tab and newline, DEL, C1): article text must not drive the terminal.
_CONTROLS = {c: "\ufffd" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def printable(text: str) -> str:
    """``text`` with terminal control characters replaced one for one (offsets still hold)."""
    return text.translate(_CONTROLS)


def render_text(report: Report, *, width: int | None = None, color: bool | None = None) -> str:
    """Colour only on a terminal (and never with NO_COLOR set), so piped text stays plain; the
    width is the terminal's (at most 140), or 100 off a terminal."""
    tty = sys.stdout.isatty()
    if color is None:
        color = tty and "NO_COLOR" not in os.environ
    if width is None:
        width = min(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, MAX_WIDTH)
    buffer = StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, color_system="truecolor" if color else None
    )
    console.print(_header(report))
    if report.verdict is not None:
        console.print(_verdict(report.verdict, width, report.not_checked))
    console.print(_highlighted(report))
    console.print(_findings_table(report))
    claims = _claims_table(report)
    if claims is not None:
        console.print(claims)
    if report.not_checked:
        console.print(_not_checked_table(report))
    if report.verdict is not None and report.verdict.reasons:
        console.print(_all_reasons(report.verdict))
    console.print(_runs_table(report))
    for warning in other_warnings(report):
        console.print(f"[yellow]warning:[/] {escape(printable(warning))}")
    return buffer.getvalue()


def _header(report: Report) -> Text:
    doc = report.document
    title = printable(doc.title or doc.id or "Untitled document")[:MAX_TITLE]
    meta = [x for x in (doc.domain, doc.date, doc.language and f"lang={doc.language}") if x]
    counts = (
        f"{len(doc.text):,} characters, {len(doc.sentences)} sentences, "
        f"{len(report.findings)} findings"
    )
    text = Text("spinlens · ", style="cyan")
    text.append(title, style="bold")
    text.append("\n" + printable(" · ".join([*meta, counts]))[:MAX_TITLE], style="dim")
    return text


def _verdict(verdict: Verdict, width: int, unchecked: Sequence[NotChecked] = ()) -> Panel:
    """Headline in words and the strongest reasons, at most two lines each: the first screen."""
    colour = VERDICT_COLOURS.get(verdict.label, "white")
    lines = Table.grid(padding=(0, 1))
    lines.add_column(no_wrap=True, min_width=2, justify="right")
    lines.add_column(no_wrap=True, min_width=10)
    lines.add_column(ratio=1)
    room = max(20, width - 4 - 2 - 10 - 2)  # panel edges, the two narrow columns, padding
    for n, reason in enumerate(verdict.reasons[:TOP_REASONS], start=1):
        lines.add_row(
            f"{n}.",
            Text(_strength(reason.weight), style="red" if reason.weight >= 0 else "green"),
            Text(_cut(printable(" ".join(reason.text.split())), int(room * 1.8))),
        )
    title = Text(headline(verdict), style=f"bold {colour}")
    parts: list[Text | Table] = [title]
    if verdict.reasons:
        parts += [Text("Why, strongest reasons first:"), lines]
    if unchecked:
        stores = ", ".join(dict.fromkeys(n.store for n in unchecked))
        parts.append(Text(f"Not checked (absent evidence): {stores}; see 'not checked'", "yellow"))
    more = len(verdict.reasons) - TOP_REASONS
    note = f"{more} more reasons, " if more > 0 else ""
    parts.append(Text(f"{note}weights and the score's formula: see 'all reasons'", style="dim"))
    return Panel(Group(*parts), title="verdict", title_align="left", border_style=colour)


def _strength(weight: float) -> str:
    """``+ strong`` toward manipulation, ``- weak`` away from it."""
    return f"{'+' if weight >= 0 else '-'} {strength(abs(weight))}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _highlighted(report: Report) -> Panel:
    """The article with findings tinted; of the claims, only those that matter."""
    text = Text(printable(report.document.text))
    shown = prominent_claims(report.findings, report.verdict)
    marked = [
        f
        for i, f in enumerate(report.findings)
        if f.end > f.start and (not is_claim(f) or i in shown)
    ]
    for finding in sorted(marked, key=lambda f: f.end - f.start, reverse=True):
        text.stylize(
            f"on {analyzer_color(finding.analyzer, dark=True)}", finding.start, finding.end
        )
    return Panel(text, title="article", title_align="left", border_style="dim")


def _findings_table(report: Report) -> Table:
    table = Table(title="findings", show_lines=False, expand=True)
    for column in ("analyzer", "label", "offsets", "text", "score", "why"):
        table.add_column(column, overflow="fold")
    shown = prominent_claims(report.findings, report.verdict)
    folded = 0
    for i, f in enumerate(report.findings):
        if is_claim(f) and i not in shown:
            folded += 1
            continue
        snippet = f.text if len(f.text) <= MAX_SNIPPET else f.text[: MAX_SNIPPET - 1] + "…"
        table.add_row(
            Text(printable(f.analyzer), style=analyzer_color(f.analyzer)),
            Text(printable(human_label(f.label))),
            f"{f.start}-{f.end}",
            Text(printable(snippet)),
            f"{f.score:.2f}",
            Text(printable(f.explanation)),
        )
    if folded:
        table.caption = f"{folded} more check-worthy sentences are listed under 'claims'"
    return table


def _claims_table(report: Report) -> Table | None:
    """The claims that matter with their fact-checks; "not checked" once, not per claim."""
    view = claims_view(report, {})
    if view is None:
        return None
    notes = []
    if view["more"]:
        notes.append(f"{len(view['more'])} more check-worthy sentences in --format html or json")
    checked = view["not_checked"] is None
    title = "claims" if checked else "claims · fact-checks: not checked (see 'not checked')"
    table = Table(title=title, caption="; ".join(notes) or None, expand=True)
    table.add_column("claim", overflow="fold", ratio=3)
    table.add_column("check-worthy", no_wrap=True)
    if checked:
        table.add_column("fact-checks", overflow="fold", ratio=2)
    for claim in view["top"]:
        row: list[Text | str] = [Text(printable(_cut(claim["text"], 200))), f"{claim['score']:.2f}"]
        if checked:
            row.append(Text(printable("\n".join(map(_match, claim["matches"])) or "no match")))
        table.add_row(*row)
    return table


def _match(m: dict[str, object]) -> str:
    parts = [str(m["publisher"] or "no publisher")]
    if isinstance(m["probability"], float):
        parts.append(f"same claim {m['probability']:.2f}")
    if m["url_text"]:
        parts.append(str(m["url_text"]))
    return f"{m['rating']}: {m['claim']} ({', '.join(parts)})"


def _not_checked_table(report: Report) -> Table:
    """Each check not made, why, and the command that fills its store."""
    table = Table(title="not checked", expand=True)
    for column in ("analyzer", "why", "fill it with"):
        table.add_column(column, overflow="fold")
    for note in report.not_checked:
        view = not_checked_view(note)
        table.add_row(
            Text(printable(note.analyzer)),
            Text(printable(view["why"])),
            Text(printable(view["command"])),
        )
    return table


def _all_reasons(verdict: Verdict) -> Table:
    table = Table(title="all reasons", caption=printable(verdict.explanation) or None, expand=True)
    table.add_column("weight", justify="right", no_wrap=True)
    table.add_column("reason", overflow="fold")
    for reason in verdict.reasons:
        table.add_row(f"{reason.weight:+.2f}", Text(printable(reason.text)))
    table.add_row(f"{verdict.score:.2f}", "manipulation score (0 = trustworthy, 1 = manipulative)")
    return table


def _runs_table(report: Report) -> Table:
    table = Table(title="analyzers", expand=False)
    for column in ("analyzer", "version", "status", "findings", "seconds", "note"):
        table.add_column(column)
    unchecked = {n.analyzer for n in report.not_checked}
    for run in report.analyzers:
        table.add_row(
            Text(printable(run.name)),
            Text(printable(run.version)),
            run.status + (", not checked" if run.name in unchecked else ""),
            str(run.findings),
            f"{run.seconds:.3f}",
            Text(printable(run.reason or run.model or "")),
        )
    return table
