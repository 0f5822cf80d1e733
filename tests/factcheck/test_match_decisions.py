"""The same-claim figures ``spinlens eval claims`` prints: precision and recall of what
``--only-matches`` reports, and how many queries still get a match once their gold claims
are removed from the database."""

from __future__ import annotations

from pathlib import Path

from spinlens.eval.claims import match_decisions, without_claims
from spinlens.factcheck.match import Matcher
from spinlens.factcheck.store import FactCheck, FactCheckStore

CLAIMS = [
    FactCheck("c1", "The US military has bases in Pakistan and Turkmenistan, all around Iran"),
    FactCheck("c2", "Unemployment in Ohio fell to 3 percent in 2019"),
    FactCheck("c3", "A video shows a shark swimming on a flooded highway in Houston"),
    FactCheck("c4", "Bill Gates said vaccines will reduce the world population by 15 percent"),
]
QUERIES = [
    ("q1", "The US military has bases all around Iran, in Pakistan and Turkmenistan."),
    ("q2", "Ohio's unemployment fell to 3 percent in 2019, the state said."),
]


def test_removed_claims_are_gone_from_the_ranking(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(CLAIMS)
        matcher = Matcher(store)
        reduced = without_claims(matcher, {"c1"})
        ranked = reduced.rank([QUERIES[0][1]], top=5)[0]
        assert "c1" not in {c.claim_id for c in ranked} and ranked


def test_decisions_count_reported_pairs_and_false_alarms(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(CLAIMS)
        figures = match_decisions(Matcher(store), QUERIES, {"q1": {"c1"}, "q2": {"c2"}})
    assert (figures.queries, figures.gold) == (2, 2)
    assert figures.correct == 2 and figures.precision == 1.0 and figures.recall == 1.0
    assert 0 <= figures.absent_matched <= 2
    assert "precision=1.0000 (2/2)" in figures.line()
