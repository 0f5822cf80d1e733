"""What ``spinlens claims rank`` reads is a library function
(``spinlens.analyzers.claims.formats.read_rank_input``): the CLI only parses and prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinlens.analyzers.claims.formats import read_rank_input
from spinlens.errors import EmptyInputError


def test_an_article_file_is_numbered_sentence_by_sentence(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Prices rose 4 percent in May. Shops said so.\n\nThey did.", "utf-8")
    skipped: list[str] = []
    sentences = read_rank_input(article, skipped)
    assert [(s.id, s.text) for s in sentences] == [
        ("1", "Prices rose 4 percent in May."),
        ("2", "Shops said so."),
        ("3", "They did."),
    ]
    assert skipped == []


def test_records_are_numbered_per_article_and_tsv_is_checkthat(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    rows = [{"id": "a", "text": "One. Two."}, {"id": "b", "text": "Three."}]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert [s.id for s in read_rank_input(records, [])] == ["a:1", "a:2", "b:1"]
    tsv = tmp_path / "ct.tsv"
    tsv.write_text("Sentence_id\tText\n7\tTaxes rose.\nbad line\n", "utf-8")
    skipped: list[str] = []
    assert [(s.id, s.text) for s in read_rank_input(tsv, skipped)] == [("7", "Taxes rose.")]
    assert len(skipped) == 1 and "ct.tsv:3" in skipped[0]


def test_an_article_without_sentences_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><p> </p></body></html>", "utf-8")
    with pytest.raises(EmptyInputError):
        read_rank_input(page, [])
