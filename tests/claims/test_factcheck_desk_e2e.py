"""End to end, as the issue's fact-checker tried it: Snopes claims plus three desk fact-checks
about the seed's insertions (all rated False) in the database. The genuine wire story gets no
fact-check match and is not "unreliable"; the seed matches the US-bases and peace-talks
fact-checks and is "unreliable". The default suite uses the first few hundred Snopes claims;
the slow test uses all 10,375."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.report.schema import Report
from tests.conftest import ROOT, SEED, shared_dataset
from tests.core.cli_runner import run_cli

DESK = [
    ("desk-us-bases", "The US military has bases in Pakistan and Turkmenistan, all around Iran"),
    (
        "desk-peace-talks",
        "Soleimani was on his way to peace talks he was invited to by US officials when he was "
        "killed",
    ),
    ("desk-netanyahu", 'Netanyahu called Iran\'s supreme leader a "Zionist dictator"'),
]


def _wire() -> str:
    for line in (ROOT / "examples" / "corpus" / "wire.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == "wire-isis-soleimani":
            return str(record["text"])
    raise AssertionError("wire-isis-soleimani is missing from examples/corpus/wire.jsonl")


def _database(tmp: Path, snopes: int | None) -> Path:
    """Import the Snopes claims (the first ``snopes`` of them, or all) and the desk CSV with
    the commands a user runs."""
    source = shared_dataset("checkthat2020-task2-verified-claims") / "verified_claims.docs.tsv"
    claims = tmp / "snopes.tsv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join(lines if snopes is None else lines[: snopes + 1]), "utf-8")
    desk = tmp / "desk.csv"
    with desk.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "claim", "verdict", "publisher", "url"])
        for claim_id, claim in DESK:
            writer.writerow([claim_id, claim, "False", "Desk", f"https://desk.example/{claim_id}"])
    db = tmp / "factchecks.sqlite"
    for path, fmt in ((claims, "checkthat2020"), (desk, "csv")):
        run = run_cli("factcheck", "import", str(path), "-f", fmt, "--db", str(db))
        assert run.exit_code == 0, run.stderr
    return db


def _reports(db: Path) -> tuple[Report, Report]:
    pipeline = Pipeline(settings=Settings(paths=Paths(factcheck_db=db)))
    seed = pipeline.run(Document.from_text(SEED.read_text("utf-8"), language="en"))
    wire = pipeline.run(Document.from_text(_wire(), language="en"))
    return seed, wire


def _matched(report: Report) -> set[str]:
    return {m.claim_id for _, attrs in report.claims() for m in attrs.matches}


def _check(db: Path) -> None:
    seed, wire = _reports(db)
    assert _matched(wire) == set()
    assert wire.verdict is not None and wire.verdict.label != "unreliable"
    assert {"desk-us-bases", "desk-peace-talks"} <= _matched(seed)
    assert seed.verdict is not None and seed.verdict.label == "unreliable"
    reasons = " ".join(r.text for r in seed.verdict.reasons)
    assert "rated false by Desk (https://desk.example/desk-us-bases)" in reasons


def test_wire_story_is_not_matched_and_the_seed_is(tmp_path: Path) -> None:
    _check(_database(tmp_path, snopes=300))


@pytest.mark.slow
def test_with_all_snopes_claims(tmp_path: Path) -> None:
    _check(_database(tmp_path, snopes=None))
