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


def test_bad_articles_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "article1.txt").write_text("The corrupt US regime lied again.\n", encoding="utf-8")
    (tmp_path / "article2.txt").write_bytes(
        "Caf\xe9 latin-1 text about the US regime".encode("latin-1")
    )
    (tmp_path / "article3.txt").write_bytes(b"")
    (tmp_path / "article4.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    (tmp_path / "article5.txt").mkdir()
    run = run_cli("propaganda", "predict", str(tmp_path))
    assert run.exit_code == 8
    assert {ln.split("\t")[0] for ln in run.stdout.splitlines()} == {"1"}
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 5 and "4 of 5 articles skipped" in errors[-1]
    for name, problem in [
        ("article2.txt", "not UTF-8"),
        ("article3.txt", "empty"),
        ("article4.txt", "binary"),
        ("article5.txt", "folder"),
    ]:
        assert any(name in e and problem in e for e in errors), (name, errors)


def test_article_over_the_size_limit_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINLENS_MAX_BYTES", "100")
    (tmp_path / "article1.txt").write_text("The US regime. " * 20, encoding="utf-8")
    run = run_cli("propaganda", "predict", str(tmp_path))
    assert run.exit_code == 8 and "larger than the 100-byte limit" in run.stderr


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.2", "nan"])
def test_threshold_outside_zero_one_is_a_usage_error(folder: Path, value: str) -> None:
    run = run_cli("propaganda", "predict", str(folder), "--threshold", value)
    assert run.exit_code == 2 and "--threshold" in run.stderr


def _fragments(folder: Path, stdout: str, art: str) -> list[tuple[str, str]]:
    with (folder / f"article{art}.txt").open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    rows = [ln.split("\t") for ln in stdout.splitlines() if ln.startswith(f"{art}\t")]
    return [(t, text[int(s) : int(e)].replace("\r\n", "\n")) for _, t, s, e in rows]


def test_ptc_offsets_index_the_file_as_read(tmp_path: Path) -> None:
    """CRLF line ends and a byte-order mark are characters of the file: offsets count them."""
    seed = SEED.read_text(encoding="utf-8")
    (tmp_path / "article1.txt").write_bytes(seed.encode("utf-8"))
    (tmp_path / "article2.txt").write_bytes(seed.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "article3.txt").write_bytes(b"\xef\xbb\xbf" + seed.encode("utf-8"))
    run = run_cli("propaganda", "predict", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    plain = _fragments(tmp_path, run.stdout, "1")
    assert ("Name_Calling,Labeling", "Zionist dictator") in plain
    assert _fragments(tmp_path, run.stdout, "2") == plain
    assert _fragments(tmp_path, run.stdout, "3") == plain


def test_ptc_offsets_count_characters_not_bytes(tmp_path: Path) -> None:
    # astral emoji, combining accent, CJK and typographic quotes before the span
    text = "😀 é\u0301 日本語 “quoted” — the corrupt US regime lied again.\r\n"
    (tmp_path / "article9.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = run_cli("propaganda", "predict", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    assert ("Name_Calling,Labeling", "US regime") in _fragments(tmp_path, run.stdout, "9")


def test_output_is_in_numeric_order_of_id(tmp_path: Path) -> None:
    for art in ("10", "9", "100"):
        (tmp_path / f"article{art}.txt").write_text("The US regime lied.", encoding="utf-8")
    run = run_cli("propaganda", "predict", str(tmp_path), "--no-lexicon")
    rows = run_cli("propaganda", "predict", str(tmp_path), "--format", "semeval2023-paragraphs")
    assert run.exit_code == 0 and rows.exit_code == 0
    assert [ln.split("\t")[0] for ln in rows.stdout.splitlines()] == ["9", "10", "100"]


def test_paragraph_numbers_with_crlf_match_lf(tmp_path: Path) -> None:
    text = "First line.\n\n  \nThird, after blanks.\n\nLast"
    (tmp_path / "article1.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "article2.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    run = run_cli("propaganda", "predict", str(tmp_path), "--format", "semeval2023-paragraphs")
    assert run.exit_code == 0, run.stderr
    rows = [ln.split("\t") for ln in run.stdout.splitlines()]
    numbers = [["1", "1"], ["1", "4"], ["1", "6"], ["2", "1"], ["2", "4"], ["2", "6"]]
    assert [r[:2] for r in rows] == numbers
    assert [r[2] for r in rows[:3]] == [r[2] for r in rows[3:]]


def test_paragraph_numbers_match_the_semeval2023_label_file(tmp_path: Path) -> None:
    """The line numbers printed are those of the real label file (one article has a BOM)."""
    from tests.conftest import shared_dataset

    root = shared_dataset("semeval2023-task3-en")
    ids = ["111111111", "705409419", "738447109"]
    for art in ids:
        name = f"article{art}.txt"
        (tmp_path / name).write_bytes((root / "train-articles-subtask-3" / name).read_bytes())
    run = run_cli("propaganda", "predict", str(tmp_path), "--format", "semeval2023-paragraphs")
    assert run.exit_code == 0, run.stderr
    got = [tuple(ln.split("\t")[:2]) for ln in run.stdout.splitlines()]
    gold_file = (root / "train-labels-subtask-3.txt").read_text(encoding="utf-8")
    want = [tuple(ln.split("\t")[:2]) for ln in gold_file.splitlines() if ln.split("\t")[0] in ids]
    assert got == want and len(want) > 60


def test_group_without_command_shows_help() -> None:
    run = run_cli("propaganda")
    assert "predict" in run.stdout and run.exit_code in (0, 2)


def test_predict_warns_when_only_the_lexicon_runs(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinlens.analyzers.propaganda.model import Bundle
    from spinlens.eval import propaganda_predict

    monkeypatch.setattr(propaganda_predict, "load_bundle", lambda: Bundle(None, None, None, {}))
    run = run_cli("propaganda", "predict", str(folder))
    assert run.exit_code == 0 and "only the lexicon" in run.stderr
    assert "US regime" in {
        (folder / "article7.txt").read_text(encoding="utf-8")[int(s) : int(e)]
        for a, _, s, e in (ln.split("\t") for ln in run.stdout.splitlines())
        if a == "7"
    }
    run = run_cli("propaganda", "predict", str(folder), "--no-lexicon")
    assert run.exit_code == 7 and "not installed" in run.stderr
