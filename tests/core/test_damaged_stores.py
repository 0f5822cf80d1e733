"""A damaged store (8 KB of random bytes in the middle of the file) is one coded line naming
the file and how to rebuild it, for every command that reads it; analysis goes on without it.

Each used to be an internal error (exit 1), ``factcheck import`` printed what it imported and
then failed, and a fact-check database that is not a database at all exited 6 (an output
error)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from spinlens import sqlitedb
from spinlens.config import Settings
from tests.conftest import SEED
from tests.core.cli_runner import run_cli

FACTCHECKS_CSV = Path(__file__).parents[1] / "factcheck" / "data" / "factchecks.csv"


def _damage(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(max(4096, size // 2 - 4096))
        handle.write(random.Random(7).randbytes(8192))


@pytest.fixture
def stores(tmp_path: Path) -> Settings:
    """The three stores, filled and then damaged."""
    settings = Settings()
    assert run_cli("index", "add", str(SEED.parent / "corpus"), "-q").exit_code == 0
    fc = run_cli("factcheck", "import", str(FACTCHECKS_CSV), "--format", "csv")
    assert fc.exit_code == 0, fc.stderr
    lists = tmp_path / "list.csv"
    lists.write_text("domain,score,label\nwire.example,0.9,reliable\n", encoding="utf-8")
    added = run_cli("sources", "import", str(lists), "--format", "csv", "--name", "desk")
    assert added.exit_code == 0, added.stderr
    for path in (settings.paths.index, settings.paths.factcheck_db, settings.paths.sources_db):
        _damage(path)
    return settings


def _queries(tmp_path: Path) -> str:
    path = tmp_path / "queries.tsv"
    path.write_text("q1\tThe moon landing was filmed in a studio\n", encoding="utf-8")
    return str(path)


COMMANDS = {
    "index stats": (("index", "stats"), "index"),
    "trace": (("trace", str(SEED)), "index"),
    "factcheck stats": (("factcheck", "stats"), "factcheck_db"),
    "factcheck match": (("factcheck", "match", "QUERIES"), "factcheck_db"),
    "factcheck import": (
        ("factcheck", "import", str(FACTCHECKS_CSV), "--format", "csv"),
        "factcheck_db",
    ),
    "sources lookup": (("sources", "lookup", "wire.example"), "sources_db"),
}


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("checked_on_open", [True, False])
def test_every_reading_command_fails_with_one_coded_line(
    name: str,
    checked_on_open: bool,
    stores: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args, key = COMMANDS[name]
    if not checked_on_open:  # a large store is not checked on open: the read finds the damage
        monkeypatch.setattr(sqlitedb, "QUICK_CHECK_MAX_BYTES", 0)
        # 8 KB mid-file may miss the pages this command reads: damage all but the first page
        path = getattr(stores.paths, key)
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.seek(4096)
            handle.write(random.Random(5).randbytes(size - 4096))
    args = tuple(_queries(tmp_path) if a == "QUERIES" else a for a in args)
    result = run_cli(*args)
    path = getattr(stores.paths, key)
    assert result.exit_code == 5, (name, result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "[E504]" in lines[0] and str(path) in lines[0] and "rebuild it" in lines[0]
    assert "internal error" not in result.stderr
    assert "imported" not in result.stdout


def test_analysis_goes_on_and_says_once_what_was_not_checked(
    stores: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    record = {"id": "a", "text": SEED.read_text("utf-8"), "url": "https://wire.example/a"}
    result = run_cli("analyze", "-", "--format", "json", input=json.dumps(record) + "\n")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    damaged = [w for w in report["warnings"] if "cannot be read" in w]
    assert {w.split(":")[0] for w in damaged} == {"claims", "provenance", "sources"}
    assert all("rebuild it" in w for w in damaged)
    # one line each on stderr (the CLI's log handler; captured here)
    lines = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(lines) == 3


def test_a_fact_check_database_that_is_not_a_database_is_exit_5_not_6() -> None:
    path = Settings().paths.factcheck_db
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(3).randbytes(64 * 1024))
    for args in (("factcheck", "stats"), ("factcheck", "import", str(FACTCHECKS_CSV), "-f", "csv")):
        result = run_cli(*args)
        assert result.exit_code == 5, (args, result.stderr)
        assert "[E504]" in result.stderr and str(path) in result.stderr
