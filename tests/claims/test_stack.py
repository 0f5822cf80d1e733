"""The cross-debate stacker experiment (spinlens.train.claims_stack): its features, its debate
groups and the hygiene of its folds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from spinlens.train import claims_stack as cs


def _row(text: str) -> dict[str, float]:
    return dict(zip(cs.FEATURE_NAMES, cs.debate_features(text), strict=True))


def test_features_see_numbers_money_years_names_and_hedges() -> None:
    stat = _row("Unemployment fell to 4.5 percent in 2015, and Barack Obama took credit.")
    assert stat["type_statistic"] == 1.0 and stat["percent"] == 1.0 and stat["year"] == 1.0
    assert stat["log_names"] > 0 and stat["hedge"] == 0.0
    talk = _row("I think maybe we should talk about that.")
    assert talk["type_other"] + talk["type_prediction"] + talk["type_event"] == 1.0
    assert talk["percent"] == talk["money"] == talk["year"] == talk["log_names"] == 0.0
    assert talk["hedge"] == 1.0 and talk["should"] == 1.0
    assert _row("We spent $2 billion on it.")["money"] == 1.0
    assert len(cs.debate_features("")) == len(cs.FEATURE_NAMES)


def test_the_first_word_is_not_a_name() -> None:
    assert cs.name_count("Taxes went up.") == 0
    assert cs.name_count("Then Hillary Clinton met Angela Merkel in Berlin.") == 3


def test_debate_groups() -> None:
    assert cs.debate_group("2024-dev-test", "37436", "") == "2024 ids 37000+"
    assert cs.debate_group("2024-train", "999", "") == "2024 ids 0+"
    assert cs.debate_group("2019-held", "", "20160926_1pres") == "2019 20160926_1pres"


def _pool(rng: np.random.Generator) -> cs.Pool:
    rows: list[tuple[str, str, str, int]] = []
    for i in range(300):
        rows.append(("2024-dev", f"2024 ids {i % 3 * 1000}+", f"dev {i}", int(i % 4 == 0)))
    for g in ("37000", "38000"):
        for i in range(60):
            rows.append(("2024-dev-test", f"2024 ids {g}+", f"test {g} {i}", int(i % 3 == 0)))
    # a dev sentence with the text of a dev-test one: must leave the fit with that debate
    rows.append(("2024-dev", "2024 ids 0+", "test 37000 0", 1))
    for t in ("a", "b"):
        for i in range(100):
            rows.append(("2019-held", f"2019 {t}", f"held {t} {i}", int(i % 25 == 0)))
    rows.append(("2019-train", "2019 c", "held a 1", 0))  # shares a held-out 2019 text
    rows.append(("2019-train", "2019 c", "dev 5", 1))  # also in 2024: the 2024 row counts
    rows += [("2019-train", "2019 c", f"train19 {i}", int(i % 30 == 0)) for i in range(120)]
    label = np.array([r[3] for r in rows], dtype=np.int64)
    pool = cs.Pool(
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows]),
        np.array([r[2] for r in rows]),
        [r[2] for r in rows],
        label,
    )
    signal = label + rng.normal(0, 0.3, len(rows))
    pool.columns.update(
        logit=signal[:, None],
        margin=rng.normal(size=(len(rows), 1)),
        margin_oof=rng.normal(size=(len(rows), 1)),
        features=rng.normal(size=(len(rows), len(cs.FEATURE_NAMES))),
    )
    return pool


def test_trainable_rows_leave_out_held_2019_texts_and_keep_2024_labels() -> None:
    pool = _pool(np.random.default_rng(0))
    rows = cs.trainable(pool, ("2024-dev", "2019-train"))
    texts = {pool.text[i] for i in np.flatnonzero(rows)}
    assert "held a 1" not in texts and "train19 3" in texts
    kept_2019 = {pool.text[i] for i in np.flatnonzero(rows & pool.mask("2019-train"))}
    assert "dev 5" not in kept_2019  # the 2024 copy is the one that trains
    assert not (rows & pool.mask("2019-held")).any()


def test_no_fit_sees_the_left_out_debate_or_its_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = _pool(np.random.default_rng(1))
    fitted_on: list[set[str]] = []
    fit = cs._fit

    def spy(x: Any, y: Any, rows: Any, variant: cs.Variant) -> Any:
        fitted_on.append({pool.text[i] for i in np.flatnonzero(rows)})
        return fit(x, y, rows, variant)

    monkeypatch.setattr(cs, "_fit", spy)
    variant = cs.Variant("t", ("logit", "margin", "is_2019"), cs.EVERY_DEBATE)
    figures = cs.lodo(pool, variant)
    # two dev-test debates, three dev blocks, then the whole pool for the 2019 ranking
    assert len(fitted_on) == 2 + 3 + 1
    assert not any(t.startswith("test 37000") for t in fitted_on[0])
    assert any(t.startswith("test 38000") for t in fitted_on[0])
    assert not any(t.startswith("held") for rows in fitted_on for t in rows)
    # the separable logit gives high F1 on both debates and ranks 2019 held-out well
    assert figures.f1.mean > 0.8 and len(figures.f1.values) == 2
    assert figures.map_2019.mean > 0.5 and figures.positives == 40


def test_2019_rows_are_scored_as_2024() -> None:
    pool = _pool(np.random.default_rng(2))
    x = cs.design(pool, ("logit", "is_2019"))
    assert x[pool.mask("2019-held"), 1].min() == 1.0
    fitted = (np.zeros(2), np.ones(2), 0.0, np.array([0.0, 5.0]))
    assert np.all(cs._scores(x, fitted, ("logit", "is_2019")) == 0.0)


def test_best_f1_cut_is_chosen_inside_the_fold() -> None:
    scores = np.array([0.1, 0.2, 0.3, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6])
    labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    cut = cs._best_cut(labels, scores)
    assert 2.2 <= cut <= 2.3
