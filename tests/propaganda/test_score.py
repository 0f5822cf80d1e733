"""The official SI/TC scoring definitions, on spans small enough to check by hand."""

from __future__ import annotations

import pytest

from spinlens.eval.propaganda_score import merge_spans, multilabel_micro_f1, si_score, tc_micro_f1


def test_merge_joins_overlaps_only() -> None:
    assert merge_spans([(5, 10), (0, 3), (8, 12), (12, 14)]) == [(0, 3), (5, 12), (12, 14)]
    assert merge_spans([(3, 3)]) == []


def test_exact_match_scores_one() -> None:
    prf = si_score({"a": [(0, 10), (20, 30)]}, {"a": [(0, 10), (20, 30)]})
    assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)


def test_partial_overlap_by_hand() -> None:
    # predicted [0,10) overlaps gold [5,25) on 5 chars: P = 5/10, R = 5/20
    prf = si_score({"a": [(0, 10)]}, {"a": [(5, 25)]})
    assert prf.precision == pytest.approx(0.5)
    assert prf.recall == pytest.approx(0.25)
    assert prf.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_overlapping_predictions_are_merged_before_scoring() -> None:
    # two overlapping predictions become [0,10): one span, fully inside gold
    prf = si_score({"a": [(0, 6), (4, 10)]}, {"a": [(0, 20)]})
    assert prf.n_pred == 1
    assert prf.precision == pytest.approx(1.0)
    assert prf.recall == pytest.approx(0.5)


def test_spans_in_other_articles_do_not_match() -> None:
    prf = si_score({"b": [(0, 10)]}, {"a": [(0, 10)]})
    assert prf.f1 == 0.0 and prf.n_pred == 1 and prf.n_gold == 1


def test_no_predictions_is_zero_not_error() -> None:
    assert si_score({}, {"a": [(0, 4)]}).f1 == 0.0


def test_tc_counts_each_gold_instance_once() -> None:
    gold = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Loaded_Language"), ("a", 9, 12, "Slogans")]
    pred = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Doubt"), ("a", 9, 12, "Slogans")]
    assert tc_micro_f1(pred, gold) == pytest.approx(2 / 3)


def test_paragraph_micro_f1() -> None:
    prf = multilabel_micro_f1(
        [{"Doubt"}, set(), {"Slogans", "Repetition"}], [{"Doubt"}, {"Slogans"}, {"Slogans"}]
    )
    assert prf.precision == pytest.approx(2 / 3)
    assert prf.recall == pytest.approx(2 / 3)
