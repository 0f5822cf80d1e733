"""JSON renderers: pretty for one report, one line per report for many."""

from __future__ import annotations

from spinlens.report.schema import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render_jsonl(report: Report) -> str:
    return report.model_dump_json() + "\n"
