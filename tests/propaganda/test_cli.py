"""``spinlens propaganda predict``: the two output formats the issue specifies, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS, S2023_LABELS
from tests.conftest import SEED
from tests.core.cli_runner import run_cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "article42.txt").write_bytes(SEED.read_bytes())
    # blank lines in the middle, non-ASCII text, no final newline
    (tmp_path / "article7.txt").write_text(
        "Title — “quoted”\n\nThe corrupt US regime lied again.\n\n\nLast line", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not an article", encoding="utf-8")
    return tmp_path


def test_ptc_format(folder: Path) -> None:
    run = run_cli("propaganda", "predict", str(folder), "--format", "ptc")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines
    texts = {a: (folder / f"article{a}.txt").read_text(encoding="utf-8") for a in ("42", "7")}
    for line in lines:
        art, technique, start, end = line.split("\t")
        assert art in texts and technique in PTC_LABELS
        assert 0 <= int(start) < int(end) <= len(texts[art])
    seed = [ln.split("\t") for ln in lines if ln.startswith("42\t")]
    flagged = {texts["42"][int(s) : int(e)] for _, _, s, e in seed}
    assert any("Zionist dictator" in t for t in flagged)


def test_paragraph_format_numbers_non_empty_lines(folder: Path) -> None:
    run = run_cli("propaganda", "predict", str(folder), "--format", "semeval2023-paragraphs")
    assert run.exit_code == 0, run.stderr
    rows = [ln.split("\t") for ln in run.stdout.splitlines()]
    assert all(len(r) == 3 for r in rows)
    assert [int(r[1]) for r in rows if r[0] == "7"] == [1, 3, 6]
    seed_lines = SEED.read_text(encoding="utf-8").split("\n")
    expected = [i for i, ln in enumerate(seed_lines, 1) if ln.strip()]
    assert [int(r[1]) for r in rows if r[0] == "42"] == expected
    for r in rows:
        assert all(x in S2023_LABELS for x in r[2].split(",") if x)


def test_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    run = run_cli("propaganda", "predict", str(tmp_path / "nope"))
    assert run.exit_code == 3 and len(run.stderr.strip().splitlines()) == 1


def test_folder_without_articles(tmp_path: Path) -> None:
    run = run_cli("propaganda", "predict", str(tmp_path))
    assert run.exit_code == 3 and "article" in run.stderr
