"""``spinlens factcheck match`` output as evaluation tools read it: TREC lines and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fc") / "fc.sqlite"
    for name, fmt in (("verified_claims.docs.tsv", "checkthat2020"), ("factchecks.csv", "csv")):
        run = run_cli("factcheck", "import", str(DATA / name), "-f", fmt, "--db", str(path))
        assert run.exit_code == 0, run.stderr
    return path


def test_trec_lines_are_exactly_six_tab_separated_columns(db: Path) -> None:
    run = run_cli("factcheck", "match", str(DATA / "queries.tsv"), "--top", "3", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert rows and all(len(r) == 6 and r[1] == "Q0" and r[5] == "spinlens" for r in rows)
    # the header line of the query file ('<TAB>tweet_content') is not a query
    assert {r[0] for r in rows} == {"q1", "q2"}
    for qid in ("q1", "q2"):
        mine = [r for r in rows if r[0] == qid]
        assert [int(r[3]) for r in mine] == list(range(1, len(mine) + 1)) and len(mine) <= 3
        scores = [float(r[4]) for r in mine]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        assert len({r[2] for r in mine}) == len(mine)  # a claim at most once per query


def test_json_rows_carry_verdict_and_link(db: Path) -> None:
    run = run_cli(
        "factcheck", "match", str(DATA / "queries.tsv"), "-f", "json", "--top", "1", "--db", str(db)
    )
    assert run.exit_code == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    best = {r["qid"]: r for r in rows if r["rank"] == 1}
    assert best["q2"]["claim_id"] == "csv-1"
    assert best["q2"]["verdict"] == "False" and best["q2"]["rating"] == "false"
    assert best["q2"]["url"] == "https://factcheck.example.org/hot-water"
    assert set(best["q2"]) >= {"qid", "rank", "score", "claim", "publisher", "date"}


def test_a_bad_query_line_is_skipped(db: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text(
        "id\ttext\nq1\tdrinking hot water cures flu\nno tab on this line\n"
        "q3\tmoon landing studio\n",
        encoding="utf-8",
    )
    run = run_cli("factcheck", "match", str(queries), "--top", "1", "--db", str(db))
    assert run.exit_code == 8
    assert "q.tsv:3" in run.stderr and run.stderr.count("\n") == 1
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == ["q1", "q3"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "is empty"), (b"q1\t\xff\xfe\n", "not UTF-8"), ("just words\n", "no valid query")],
)
def test_bad_query_files(db: Path, tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "q.tsv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    run = run_cli("factcheck", "match", str(path), "--db", str(db))
    assert run.exit_code == 3 and message in run.stderr and run.stderr.count("\n") == 1


def test_directory_and_bad_database(db: Path, tmp_path: Path) -> None:
    run = run_cli("factcheck", "match", str(tmp_path), "--db", str(db))
    assert run.exit_code == 3 and "is a directory" in run.stderr
    not_a_db = tmp_path / "x.sqlite"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    run = run_cli("factcheck", "match", str(DATA / "queries.tsv"), "--db", str(not_a_db))
    assert run.exit_code != 0 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_match_help_has_examples() -> None:
    run = run_cli("factcheck", "match", "--help")
    text = " ".join(run.stdout.split())
    assert run.exit_code == 0 and "Examples:" in text and "--format json" in text


def test_queries_from_standard_input(db: Path) -> None:
    queries = (DATA / "queries.tsv").read_text(encoding="utf-8")
    piped = run_cli("factcheck", "match", "-", "--top", "2", "--db", str(db), input=queries)
    from_file = run_cli(
        "factcheck", "match", str(DATA / "queries.tsv"), "--top", "2", "--db", str(db)
    )
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout == from_file.stdout and piped.stdout


def test_min_score_leaves_out_weak_matches(db: Path) -> None:
    args = ("factcheck", "match", str(DATA / "queries.tsv"), "--top", "5", "--db", str(db))
    everything = [line.split("\t") for line in run_cli(*args).stdout.splitlines()]
    kept = [line.split("\t") for line in run_cli(*args, "--min-score", "0.5").stdout.splitlines()]
    assert kept and len(kept) < len(everything)
    assert all(float(r[4]) >= 0.5 for r in kept)
    assert kept == [r for r in everything if float(r[4]) >= 0.5]  # same ranks, same order
    assert run_cli(*args, "--min-score", "2").exit_code == 2
