"""``spinlens factcheck import`` as a user runs it: idempotent, transactional, bad records
reported and skipped, bad files one-line errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli

DATA = Path(__file__).parent / "data"


def _rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT id, claim FROM factchecks"))


def _import(path: Path, fmt: str, db: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("factcheck", "import", str(path), "--format", fmt, "--db", str(db), *extra)


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("claimreview.jsonld", "claimreview", 3),
        ("api-export.json", "claimreview", 1),
        ("verified_claims.docs.tsv", "checkthat2020", 3),
        ("factchecks.csv", "csv", 3),
    ],
)
def test_reimport_never_duplicates(tmp_path: Path, name: str, fmt: str, count: int) -> None:
    db = tmp_path / "fc.sqlite"
    first = _import(DATA / name, fmt, db)
    assert first.exit_code == 0, first.stderr
    assert f"({count} new, 0 updated)" in first.stderr
    rows = _rows(db)
    assert len(rows) == count
    again = _import(DATA / name, fmt, db)
    assert again.exit_code == 0 and f"(0 new, {count} updated)" in again.stderr
    assert _rows(db) == rows


def test_a_broken_file_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    assert _import(DATA / "factchecks.csv", "csv", db).exit_code == 0
    before = _rows(db)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"@type": "ClaimReview", "claimReviewed": "x"', encoding="utf-8")
    run = _import(broken, "claimreview", db)
    assert run.exit_code == 3 and "not valid JSON" in run.stderr
    assert run.stderr.count("\n") == 1
    assert _rows(db) == before


def test_a_bad_record_is_skipped_or_aborts_with_strict(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    path = tmp_path / "f.csv"
    path.write_text("id,claim\n1,First claim.\n2,\n3,Third claim.\n", encoding="utf-8")
    strict = _import(path, "csv", db, "--strict")
    assert strict.exit_code == 3 and "f.csv:3: empty claim" in strict.stderr
    assert not db.exists() or _rows(db) == []
    run = _import(path, "csv", db)
    assert run.exit_code == 8
    assert (
        "skipped" in run.stderr and "f.csv:3" in run.stderr and "1 bad record skipped" in run.stderr
    )
    assert [i for i, _ in _rows(db)] == ["1", "3"]


def test_no_valid_record_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,claim\n1,\n", encoding="utf-8")
    run = _import(path, "csv", tmp_path / "fc.sqlite")
    assert run.exit_code == 3 and "no valid fact-check" in run.stderr


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        ("", "csv", "is empty"),
        (b"\x00\x01binary", "claimreview", "binary"),
        (b"claim\n\xe9t\xe9\n", "csv", "not UTF-8"),
        ("claim;verdict\n", "checkthat2020", "vclaim"),
        ('"just a string"', "claimreview", "no ClaimReview"),
    ],
)
def test_bad_files_are_one_line_errors(
    tmp_path: Path, content: str | bytes, fmt: str, message: str
) -> None:
    path = tmp_path / "in.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    run = _import(path, fmt, tmp_path / "fc.sqlite")
    assert run.exit_code == 3, run.stderr
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    run = _import(tmp_path, "csv", tmp_path / "fc.sqlite")
    assert run.exit_code == 3 and "is a directory" in run.stderr


def test_import_help_has_examples() -> None:
    run = run_cli("factcheck", "import", "--help")
    text = " ".join(run.stdout.split())
    assert run.exit_code == 0 and "Examples:" in text and "--format checkthat2020" in text


def test_a_configured_database_path_with_a_tilde_is_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    run = run_cli(
        "--set",
        "paths.factcheck_db=~/fc/checks.sqlite",
        "factcheck",
        "import",
        str(DATA / "factchecks.csv"),
        "-f",
        "csv",
    )
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "fc" / "checks.sqlite").is_file()
    assert not (tmp_path / "~").exists()


def test_a_folder_of_saved_fact_check_pages(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    body = (DATA / "claimreview.jsonld").read_text(encoding="utf-8")
    (pages / "a.html").write_text(
        f'<html><script type="application/ld+json">{body}</script></html>', encoding="utf-8"
    )
    (pages / "b.html").write_text("<html><body>no markup</body></html>", encoding="utf-8")
    (pages / "sub" / "api.json").write_text(
        (DATA / "api-export.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (pages / "notes.txt").write_text("not a fact-check", encoding="utf-8")
    db = tmp_path / "fc.sqlite"
    run = _import(pages, "claimreview", db)
    assert run.exit_code == 8, run.stderr
    assert "b.html" in run.stderr and "notes.txt" not in run.stderr
    assert len(_rows(db)) == 4
    strict = _import(pages, "claimreview", tmp_path / "strict.sqlite", "--strict")
    assert strict.exit_code == 3 and "b.html" in strict.stderr
