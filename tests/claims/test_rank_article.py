"""``spinlens claims rank`` on a plain article ranks its sentences (id = sentence number)
instead of refusing it as a malformed CheckThat! file (E105)."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.document import Document
from tests.conftest import SEED
from tests.core.cli_runner import run_cli


def _rows(stdout: str) -> list[tuple[str, float]]:
    return [(i, float(s)) for i, s in (line.split("\t") for line in stdout.splitlines())]


def test_a_text_article_is_ranked_sentence_by_sentence() -> None:
    run = run_cli("claims", "rank", str(SEED), "--fast")
    assert run.exit_code == 0, run.stderr
    rows = _rows(run.stdout)
    sentences = [s for s in Document.from_text(SEED.read_text("utf-8")).sentences]
    assert [i for i, _ in rows] == [str(n) for n in range(1, len(sentences) + 1)]
    assert all(0.0 <= p <= 1.0 for _, p in rows)


def test_standard_input_and_html_articles(tmp_path: Path) -> None:
    text = "The minister said unemployment fell to 3 percent. Critics disagreed strongly."
    piped = run_cli("claims", "rank", "-", "--fast", input=text)
    assert piped.exit_code == 0 and [i for i, _ in _rows(piped.stdout)] == ["1", "2"]
    page = tmp_path / "a.html"
    page.write_text(f"<html><body><article><p>{text}</p></article></body></html>", "utf-8")
    html = run_cli("claims", "rank", str(page), "--fast")
    assert html.exit_code == 0, html.stderr
    assert [i for i, _ in _rows(html.stdout)] == ["1", "2"]


def test_several_records_are_numbered_per_article(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": "Prices rose 4 percent in May. Shops said so."},
        {"id": "b", "text": "The mayor resigned on Friday."},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    run = run_cli("claims", "rank", str(path), "--fast")
    assert run.exit_code == 0, run.stderr
    assert [i for i, _ in _rows(run.stdout)] == ["a:1", "a:2", "b:1"]


def test_a_checkthat_file_is_still_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "ct.tsv"
    path.write_text("Sentence_id\tText\n7\tTaxes went up by 40 percent.\n", "utf-8")
    run = run_cli("claims", "rank", str(path), "--fast")
    assert run.exit_code == 0 and [i for i, _ in _rows(run.stdout)] == ["7"]
