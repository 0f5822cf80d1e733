"""The same-claim decision: a fact-check is reported only when it states the sentence's claim
(same names, numbers, predicate), not when it is merely about the same topic; and
``factcheck match --only-matches`` prints exactly what the analyzer would report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.match import Matcher
from spinlens.factcheck.sameclaim import FEATURES, describe, shipped_sameclaim, text_features
from spinlens.factcheck.store import FactCheck, FactCheckStore
from tests.core.cli_runner import run_cli

DATA = Path(__file__).parent / "data"
DESK = [
    FactCheck(
        "us-bases",
        "The US military has bases in Pakistan and Turkmenistan, all around Iran",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/us-bases",
    ),
    FactCheck(
        "peace-talks",
        "Soleimani was on his way to peace talks he was invited to by US officials when he "
        "was killed",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/peace-talks",
    ),
    FactCheck(
        "unemployment",
        "Unemployment in Ohio fell to 3 percent in 2019",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/ohio",
    ),
]
SAME = "However, the US military has bases all around Iran in Pakistan, Turkmenistan and Oman."
TOPIC_ONLY = (
    "Iraqi lawmakers passed a resolution demanding US withdrawal after Soleimani's killing."
)


def _features(query: str, claim: str) -> dict[str, float]:
    q, c = describe([query, claim])
    names = FEATURES[FEATURES.index("numbers_missing") :]
    return dict(zip(names, text_features(query, claim, q, c), strict=True))


def test_a_different_number_or_year_is_a_different_claim() -> None:
    claim = "Unemployment in Ohio fell to 3 percent in 2019"
    same = _features("Ohio's unemployment fell to 3 percent in 2019, officials said.", claim)
    other = _features("Ohio's unemployment fell to 7 percent in 2016, officials said.", claim)
    assert same["numbers_missing"] == 0 and same["covered"] == 1
    assert other["numbers_conflict"] == 1 and other["years_conflict"] == 1
    assert other["covered"] == 0


def test_a_missing_name_or_a_negation_breaks_coverage() -> None:
    claim = "Soleimani was invited to peace talks by US officials"
    assert _features("Soleimani was invited to peace talks by US officials.", claim)["covered"]
    moved = _features("Nasrallah was invited to peace talks by US officials.", claim)
    assert moved["names_missing"] > 0 and not moved["covered"]
    denied = _features("Soleimani was not invited to peace talks by US officials.", claim)
    assert denied["negation_mismatch"] == 1 and not denied["covered"]


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk's fact-checks among the test's CheckThat! sample (a database of three claims
    alone makes every top candidate look far ahead of the next)."""
    path = tmp_path_factory.mktemp("desk") / "fc.sqlite"
    with FactCheckStore(path) as store:
        store.upsert(read_checkthat2020(DATA / "verified_claims.docs.tsv"))
        store.upsert(DESK)
    return path


def test_same_claim_is_matched_and_same_topic_is_not(desk_db: Path) -> None:
    threshold = shipped_sameclaim().threshold
    with FactCheckStore(desk_db, create=False) as store:
        same, topic = Matcher(store).match([SAME, TOPIC_ONLY], top=3, same_claim=threshold)
    assert [m.record.id for m in same] == ["us-bases"]
    assert same[0].probability >= threshold and same[0].rank == 1
    assert topic == []


def _queries(tmp_path: Path) -> Path:
    path = tmp_path / "q.tsv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerows([("s1", SAME), ("s2", TOPIC_ONLY)])
    return path


def test_only_matches_prints_the_pairs_the_analyzer_reports(desk_db: Path, tmp_path: Path) -> None:
    queries = _queries(tmp_path)
    args = ("factcheck", "match", str(queries), "--db", str(desk_db), "--top", "3")
    everything = run_cli(*args, "--format", "json")
    assert {json.loads(line)["qid"] for line in everything.stdout.splitlines()} == {"s1", "s2"}
    trec = run_cli(*args, "--only-matches")
    assert trec.exit_code == 0, trec.stderr
    assert [line.split("\t")[:4] for line in trec.stdout.splitlines()] == [
        ["s1", "Q0", "us-bases", "1"]
    ]
    rows = [
        json.loads(line)
        for line in run_cli(*args, "--only-matches", "-f", "json").stdout.splitlines()
    ]
    assert [(r["qid"], r["claim_id"]) for r in rows] == [("s1", "us-bases")]
    assert rows[0]["probability"] >= shipped_sameclaim().threshold
