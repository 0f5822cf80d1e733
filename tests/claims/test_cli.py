"""``spinlens claims rank`` and ``spinlens factcheck import|match`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.cli_runner import run_cli

DATA = Path(__file__).parents[1] / "factcheck" / "data"


def test_rank_2024_file_keeps_input_order(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n"
        "a\tThank you all for coming tonight.\tNo\n"
        "b\tUnemployment rose by 40 percent under this administration.\tYes\n",
        encoding="utf-8",
    )
    run = run_cli("claims", "rank", str(path))
    assert run.exit_code == 0, run.stderr
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert [r[0] for r in rows] == ["a", "b"]
    scores = [float(r[1]) for r in rows]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] < 0.5 <= scores[1]


def test_rank_2019_file(tmp_path: Path) -> None:
    path = tmp_path / "debate.tsv"
    path.write_text("1\tHOLT\tGood evening.\t0\n2\tTRUMP\tWe lost 70,000 factories.\t1\n")
    run = run_cli("claims", "rank", str(path))
    assert run.exit_code == 0, run.stderr
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == ["1", "2"]


def test_rank_bad_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("only one column\n")
    run = run_cli("claims", "rank", str(path))
    assert run.exit_code == 3
    assert run.stderr.count("\n") == 1 and "cannot tell the format" in run.stderr


def test_import_then_match_trec_and_json(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    for fmt, name in (("csv", "factchecks.csv"), ("checkthat2020", "verified_claims.docs.tsv")):
        run = run_cli("factcheck", "import", str(DATA / name), "--format", fmt, "--db", str(db))
        assert run.exit_code == 0, run.stderr
    again = run_cli(
        "factcheck", "import", str(DATA / "factchecks.csv"), "-f", "csv", "--db", str(db)
    )
    assert "(6 in total)" in again.stderr
    run = run_cli("factcheck", "match", str(DATA / "queries.tsv"), "--top", "2", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    lines = [line.split() for line in run.stdout.splitlines()]
    assert all(len(cols) == 6 and cols[1] == "Q0" and cols[5] == "spinlens" for cols in lines)
    first = {cols[0]: cols[2] for cols in lines if cols[3] == "1"}
    assert first == {"q1": "0", "q2": "csv-1"}
    run = run_cli(
        "factcheck", "match", str(DATA / "queries.tsv"), "-f", "json", "--top", "1", "--db", str(db)
    )
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert rows[1]["claim_id"] == "csv-1" and rows[1]["rating"] == "false"


def test_match_without_database_fails_clearly(tmp_path: Path) -> None:
    run = run_cli("factcheck", "match", str(DATA / "queries.tsv"), "--db", str(tmp_path / "x.db"))
    assert run.exit_code == 3 and "factcheck import" in run.stderr


def test_import_unknown_format_is_usage_error() -> None:
    run = run_cli("factcheck", "import", str(DATA / "factchecks.csv"), "--format", "xml")
    assert run.exit_code == 2
