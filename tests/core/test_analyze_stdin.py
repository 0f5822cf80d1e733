"""``analyze -`` reads stdin as ``batch -`` does: JSONL records when it starts with ``{``, else
one article (it used to take a JSONL stream for one article of JSON text)."""

from __future__ import annotations

import json

from tests.core.cli_runner import run_cli

RECORDS = (
    '{"id": "r1", "text": "The minister said the plan works."}\n'
    '{"id": "r2", "text": "Critics said it failed."}\n'
    '{"id": "r3", "text": ""}\n'
)


def test_jsonl_on_stdin_is_one_report_per_record() -> None:
    run = run_cli("analyze", "-", "--only", "quotes", "-f", "json", input=RECORDS)
    assert run.exit_code == 8, run.stderr  # the blank record is skipped and named
    assert [r["document"]["id"] for r in json.loads(run.stdout)] == ["r1", "r2"]
    assert "skipped <stdin>:3:" in run.stderr and "[E10" in run.stderr


def test_an_article_on_stdin_is_still_one_report() -> None:
    run = run_cli("analyze", "-", "--only", "quotes", "-f", "json", input="The plan works.\n")
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    assert isinstance(report, dict) and report["document"]["text"].strip() == "The plan works."
