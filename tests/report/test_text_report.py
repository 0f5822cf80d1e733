"""The terminal report: hostile article text is printed as text, never as terminal controls."""

from __future__ import annotations

from spinlens.report.render.text import printable, render_text
from spinlens.report.schema import DocumentInfo, Finding, Reason, Report, Tool, Verdict

HOSTILE = "Say \x1b[2J\x1b]0;pwned\x07 [bold]this[/bold] and \x9b31m that.\r\nEnd."


def _report() -> Report:
    start = HOSTILE.index("[bold]")
    return Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(
            title="[red]Title\x1b[31m", domain="x.example[/]", text=HOSTILE, url="https://x"
        ),
        findings=[
            Finding(
                analyzer="quotes",
                label="[/]label",
                start=start,
                end=start + 16,
                text=HOSTILE[start : start + 16],
                score=0.5,
                explanation="because \x1b[5m[blink]",
            )
        ],
        verdict=Verdict(
            score=0.5, label="mixed", reasons=[Reason(text="[/] \x1b[1mwhy", weight=1)]
        ),
        warnings=["[/]warn \x1b[0m"],
    )


def test_printable_keeps_offsets_and_layout() -> None:
    cleaned = printable(HOSTILE)
    assert len(cleaned) == len(HOSTILE)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "\n" in cleaned and "[bold]this[/bold]" in cleaned


def test_hostile_text_is_printed_inert() -> None:
    plain = render_text(_report(), color=False, width=200)
    assert "\x1b" not in plain and "\x07" not in plain and "\x9b" not in plain
    assert "pwned" in plain and "[bold]this[/bold]" in plain and "[/]label" in plain
    assert "[red]Title" in plain and "x.example[/]" in plain and "[/] " in plain
    coloured = render_text(_report(), color=True, width=200)
    for control in ("\x1b]0;", "\x1b[2J", "\x1b[5m", "\x1b[31mTitle", "\x07", "\x9b"):
        assert control not in coloured, repr(control)
