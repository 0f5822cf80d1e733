"""The checks of the same-claim figures (``python -m spinlens.eval.claims_sameclaim``): which
database claims count as another copy of a gold claim, and the held-out threshold estimate."""

from __future__ import annotations

import pytest

from spinlens.eval.claims_sameclaim import (
    QueryDecisions,
    choose,
    gold_groups,
    near_duplicates,
    same_claim_text,
    score,
    threshold_cv,
    wilson,
)

GOLD = "ALDI offers free food to homeless people at their stores after 4 PM on Christmas Eve."
CLAIMS = {
    "g": GOLD,
    # the same claim re-worded: another copy to remove with the gold
    # the same text imported twice (the index keeps one of them)
    "twin": GOLD.upper(),
    "dup": "ALDI offers free food to the homeless at their stores after 4 PM on Christmas Eve!",
    # same topic, another claim
    "other": "ALDI stores will close early on Christmas Eve and give unsold food to charities.",
    # close words, another figure or a negation: another claim
    "hour": "ALDI offers free food to homeless people at their stores after 6 PM on Christmas Eve.",
    "not": "ALDI does not offer free food to homeless people at their stores after 4 PM on "
    "Christmas Eve.",
    "year": "In 2018, ALDI offered free food to homeless people at their stores after 4 PM on "
    "Christmas Eve.",
}


def test_a_reworded_copy_of_the_gold_is_removed_and_other_claims_are_kept() -> None:
    assert near_duplicates(["g"], CLAIMS) == {"g": {"dup", "twin"}}


def test_copies_are_looked_for_among_the_given_claims_only() -> None:
    # the index keeps one record per distinct text: a gold dropped as an exact duplicate
    # still finds its indexed twin, and records left out of the index are not copies
    assert near_duplicates(["twin"], CLAIMS, among=["g", "other", "hour"]) == {"twin": {"g"}}
    assert near_duplicates(["g"], CLAIMS, among=["g", "other"]) == {}


def test_a_changed_figure_or_negation_is_another_claim_however_close_the_words() -> None:
    assert same_claim_text(GOLD, CLAIMS["dup"])
    for key in ("hour", "not", "year", "other"):
        assert not same_claim_text(GOLD, CLAIMS[key]), key


def test_gold_ids_missing_from_the_database_have_no_duplicates() -> None:
    assert near_duplicates(["missing"], CLAIMS) == {}
    assert near_duplicates(["other"], CLAIMS) == {}


def _query(
    qid: str, gold: str, probs: list[float], labels: list[int], absent: float
) -> QueryDecisions:
    return QueryDecisions(qid, frozenset({gold}), tuple(probs), tuple(labels), absent)


def test_scores_count_reported_pairs_and_gold_removed_matches() -> None:
    lists = [
        _query("1", "a", [0.9, 0.2], [1, 0], 0.3),
        _query("2", "b", [0.5, 0.4], [0, 1], 0.6),
    ]
    figures = score(lists, 0.45)
    assert (figures.correct, figures.reported, figures.gold) == (1, 2, 2)
    assert (figures.absent_matched, figures.queries) == (1, 2)
    assert figures.recall == 0.5 and figures.precision == 0.5 and figures.absent_rate == 0.5


def test_queries_sharing_a_gold_claim_share_a_group() -> None:
    lists = [
        _query("1", "a", [0.9], [1], 0.1),
        _query("2", "b", [0.9], [1], 0.1),
        _query("3", "a", [0.9], [1], 0.1),
    ]
    groups = gold_groups(lists)
    assert groups[0] == groups[2] != groups[1]


def _separable(n: int) -> list[QueryDecisions]:
    # gold pairs at 0.8-0.9, the best candidate of a gold-removed query at 0.1-0.2
    return [
        _query(str(i), f"g{i}", [0.8 + 0.1 * (i % 2), 0.05], [1, 0], 0.1 + 0.1 * (i % 2))
        for i in range(n)
    ]


def test_the_threshold_rule_separates_gold_pairs_from_gold_removed_matches() -> None:
    lists = _separable(40)
    threshold = choose(lists)
    assert 0.2 < threshold <= 0.8
    assert score(lists, threshold).recall == 1.0 and score(lists, threshold).absent_matched == 0


def test_cross_validation_scores_each_query_once_per_repeat() -> None:
    lists = _separable(40)
    cv = threshold_cv(lists, folds=4, repeats=3)
    assert cv.recall.mean == 1.0 and cv.absent_rate.mean == 0.0
    # gold pairs scored below the gold-removed matches are never reported
    hard = [*_separable(30), *(_query(f"h{i}", f"h{i}", [0.15], [1], 0.12) for i in range(10))]
    assert threshold_cv(hard, folds=4, repeats=3).recall.mean < 1.0


def test_wilson_interval() -> None:
    low, high = wilson(9, 197)
    assert low == pytest.approx(0.0242, abs=1e-3) and high == pytest.approx(0.0847, abs=1e-3)
    assert wilson(0, 0) == (0.0, 1.0)
