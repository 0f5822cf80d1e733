"""``claims rank`` input: every CheckThat! layout, the joined line split, bad lines skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spinlens.analyzers.claims.formats import parse_sentences
from spinlens.errors import MalformedRecordError
from tests.core.cli_runner import run_cli

TEXTS = ("Good evening.", "We lost 70,000 factories to China.")
LAYOUTS = {
    "2019 labelled": "1\tHOLT\tGood evening.\t0\n2\tTRUMP\tWe lost 70,000 factories to China.\t1\n",
    "2019 unlabelled": "1\tHOLT\tGood evening.\n2\tTRUMP\tWe lost 70,000 factories to China.\n",
    "2024 header, labels": (
        "Sentence_id\tText\tclass_label\n"
        "1\tGood evening.\tNo\n2\tWe lost 70,000 factories to China.\tYes\n"
    ),
    "2024 header, no labels": (
        "Sentence_id\tText\n1\tGood evening.\n2\tWe lost 70,000 factories to China.\n"
    ),
    "2024 no header, labels": "1\tGood evening.\tNo\n2\tWe lost 70,000 factories to China.\tYes\n",
    "2024 no header, no labels": "1\tGood evening.\n2\tWe lost 70,000 factories to China.\n",
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_ids_and_texts(layout: str) -> None:
    rows = parse_sentences(LAYOUTS[layout])
    assert [(s.id, s.text) for s in rows] == [("1", TEXTS[0]), ("2", TEXTS[1])]
    labelled = layout in ("2019 labelled", "2024 header, labels", "2024 no header, labels")
    assert [s.label for s in rows] == ([0, 1] if labelled else [None, None])


def test_2019_three_columns_with_a_yes_no_sentence_stays_2019() -> None:
    rows = parse_sentences("1\tA\tNo\n2\tB\tWe lost jobs.\n3\tC\tTaxes rose by 4%.\n")
    assert [(s.speaker, s.text) for s in rows] == [
        ("A", "No"),
        ("B", "We lost jobs."),
        ("C", "Taxes rose by 4%."),
    ]


def test_the_line_that_joins_two_records_is_split() -> None:
    raw = (
        "Sentence_id\tText\tclass_label\n"
        "24098\tWe've got to invest and grow.\tNo29286\tYou can't bring back jobs.\tYes\n"
        "5\tUnemployment is 40 percent.\tYes\n"
    )
    rows = parse_sentences(raw)
    assert [(s.id, s.text, s.label) for s in rows] == [
        ("24098", "We've got to invest and grow.", 0),
        ("29286", "You can't bring back jobs.", 1),
        ("5", "Unemployment is 40 percent.", 1),
    ]


def test_a_stray_quote_does_not_swallow_the_next_lines() -> None:
    rows = parse_sentences('1\tA\t"Guam, he said\t0\n2\tB\tSecond.\t1\n3\tC\tThird.\t0\n')
    assert [s.id for s in rows] == ["1", "2", "3"]
    assert rows[1].text == "Second."


def test_bad_lines_are_collected_when_asked() -> None:
    skipped: list[str] = []
    raw = "1\tA\tGood.\t0\n2\tonly two\n3\tC\tFine.\tmaybe\n4\tD\tLast.\t1\n"
    rows = parse_sentences(raw, "f.tsv", skipped)
    assert [s.id for s in rows] == ["1", "4"]
    assert [m.split(": ")[0] for m in skipped] == ["f.tsv:2", "f.tsv:3"]
    with pytest.raises(MalformedRecordError, match=r"f\.tsv:2"):
        parse_sentences(raw, "f.tsv")
    with pytest.raises(MalformedRecordError, match="no valid sentence"):
        parse_sentences("Sentence_id\tText\tclass_label\n1\tx\tMaybe\n", "f.tsv", [])


def _rank(tmp_path: Path, content: str | bytes, *args: str) -> tuple[int, list[str], str]:
    path = tmp_path / "in.tsv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    run = run_cli("claims", "rank", str(path), *args)
    return run.exit_code, run.stdout.splitlines(), run.stderr


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rank_scores_every_layout_the_same(tmp_path: Path, layout: str) -> None:
    code, lines, stderr = _rank(tmp_path, LAYOUTS[layout], "--fast")
    assert code == 0, stderr
    _, reference, _ = _rank(tmp_path, LAYOUTS["2024 no header, no labels"], "--fast")
    assert lines == reference  # the label column never leaks into the text


def test_rank_keeps_input_order_not_score_order(tmp_path: Path) -> None:
    raw = "Sentence_id\tText\n" + "".join(
        f"s{i}\t{text}\n"
        for i, text in enumerate(
            ["Thank you.", "Crime fell 40 percent in 2019.", "Hello.", "Taxes rose by $2 billion."]
        )
    )
    code, lines, stderr = _rank(tmp_path, raw, "--fast")
    assert code == 0, stderr
    assert [line.split("\t")[0] for line in lines] == ["s0", "s1", "s2", "s3"]
    scores = [float(line.split("\t")[1]) for line in lines]
    assert scores != sorted(scores, reverse=True)


def test_rank_skips_a_bad_line_and_exits_8(tmp_path: Path) -> None:
    code, lines, stderr = _rank(
        tmp_path, "1\tA\tGood.\t0\n2\tonly two\n3\tC\tWe lost 70,000 jobs.\t1\n", "--fast"
    )
    assert code == 8
    assert [line.split("\t")[0] for line in lines] == ["1", "3"]
    assert stderr.count("\n") == 1 and "in.tsv:2" in stderr and "skipped" in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"1\tA\t\xff\xfe\t0\n", "not UTF-8"),
        ("1\tA\t" + "x" * 200_000 + "\t0\n", "longer than"),
        ("one column only\n", "cannot tell the format"),
    ],
)
def test_rank_bad_files_are_one_line_errors(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    code, lines, stderr = _rank(tmp_path, content, "--fast")
    assert code == 3 and not lines
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr


def test_rank_directory_and_missing_file(tmp_path: Path) -> None:
    for path, message in ((tmp_path, "is a directory"), (tmp_path / "no.tsv", "no such file")):
        run = run_cli("claims", "rank", str(path))
        assert run.exit_code == 3 and message in run.stderr and "Traceback" not in run.stderr


def test_rank_help_has_an_example() -> None:
    run = run_cli("claims", "rank", "--help")
    assert run.exit_code == 0
    assert "Examples:" in run.stdout and "rank --fast" in run.stdout


def test_rank_reads_standard_input() -> None:
    run = run_cli("claims", "rank", "-", "--fast", input=LAYOUTS["2024 no header, labels"])
    assert run.exit_code == 0, run.stderr
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == ["1", "2"]
    empty = run_cli("claims", "rank", "-", input="")
    assert empty.exit_code == 3 and "standard input is empty" in empty.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "many.tsv"
    path.write_text(
        "".join(f"{i}\tSentence {i} says taxes rose by {i} percent.\n" for i in range(20_000)),
        encoding="utf-8",
    )
    with subprocess.Popen(
        [sys.executable, "-m", "spinlens", "claims", "rank", "--fast", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith(b"0\t")
        proc.stdout.close()  # like `| head -1`
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert code == 0 and "error" not in stderr, stderr
