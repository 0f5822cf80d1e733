"""``spinlens factcheck stats``: what the database holds, and whether its index is current."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.factcheck.store import FactCheck, FactCheckStore
from tests.core.cli_runner import run_cli

DATA = Path(__file__).parent / "data"


def test_stats_counts_and_index_state(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    for name, fmt in (("factchecks.csv", "csv"), ("claimreview.jsonld", "claimreview")):
        assert (
            run_cli("factcheck", "import", str(DATA / name), "-f", fmt, "--db", str(db)).exit_code
            == 0
        )
    run = run_cli("factcheck", "stats", "--db", str(db), "--json")
    assert run.exit_code == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["factchecks"] == 6 and summary["index"] == "current"
    assert summary["by_origin"] == {"claimreview": 3, "csv": 3}
    assert summary["by_rating"] == {"false": 4, "true": 2}
    with FactCheckStore(db) as store:  # written without the import command: index is stale
        store.upsert([FactCheck(id="x", claim="New claim.", publisher="Evil\x1b[2J\nCorp")])
    text = run_cli("factcheck", "stats", "--db", str(db))
    assert text.exit_code == 0
    assert "7 fact-checks, index stale" in text.stdout and "\x1b" not in text.stdout


def test_stats_without_a_database(tmp_path: Path) -> None:
    run = run_cli("factcheck", "stats", "--db", str(tmp_path / "none.sqlite"))
    assert run.exit_code == 3 and "factcheck import" in run.stderr
