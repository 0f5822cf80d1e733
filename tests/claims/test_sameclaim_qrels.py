"""Same-claim training labels: a gold claim stored twice is the one record the index keeps."""

from __future__ import annotations

from spinlens.eval.claims import indexed_qrels
from spinlens.factcheck.store import FactCheck

RECORDS = [
    FactCheck("a", "Photo shows a shark on a flooded highway in Houston."),
    FactCheck("b", "Bill Gates said vaccines will reduce the world population."),
    # the first claim again, other quote marks and case: the index keeps "a" only
    FactCheck("c", "PHOTO shows a shark on a flooded highway in Houston"),
]


def test_a_gold_left_out_of_the_index_becomes_its_indexed_twin() -> None:
    qrels = {"q1": {"c"}, "q2": {"b"}, "q3": {"a", "c"}, "q4": {"unknown"}}
    assert indexed_qrels(qrels, RECORDS) == {
        "q1": {"a"},
        "q2": {"b"},
        "q3": {"a"},
        "q4": {"unknown"},
    }
