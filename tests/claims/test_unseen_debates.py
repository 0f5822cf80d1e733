"""Calibration for debates the classifier never saw: the balanced fit and the debate groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinlens.analyzers.claims.formats import Sentence
from spinlens.eval.claims_cv import debate_groups, fit_logistic, unseen_debate_figures
from tests.conftest import shared_dataset
from tests.floors import floor


def test_balanced_fit_puts_the_cut_between_the_classes_when_positives_are_rare() -> None:
    rng = np.random.default_rng(0)
    x = np.r_[rng.normal(-1, 1, 900), rng.normal(1, 1, 100)]
    y = [0] * 900 + [1] * 100
    (w_plain,), b_plain = fit_logistic(x, y, balanced=False)
    (w_bal,), b_bal = fit_logistic(x, y, balanced=True)
    # unweighted, rare positives pull the 0.5 cut far into their side; balanced, it lies
    # near the midpoint of the two class means (0), where errors on both classes are equal
    assert -b_plain / w_plain > 0.8
    assert abs(-b_bal / w_bal) < 0.3


def test_fit_matches_a_known_logistic_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(x @ np.array([2.0, -1.0]) + 0.5)))
    y = (rng.random(4000) < p).astype(int).tolist()
    w, b = fit_logistic(x, y, balanced=False)
    assert np.allclose(w, [2.0, -1.0], atol=0.2) and abs(b - 0.5) < 0.2


def test_debate_groups_are_blocks_of_sentence_ids() -> None:
    sents = [Sentence("37436", "a"), Sentence("37999", "b"), Sentence("38000", "c")]
    assert debate_groups(sents) == ["ids 37000+", "ids 37000+", "ids 38000+"]


@pytest.mark.quality
def test_shipped_model_on_unseen_debates() -> None:
    from spinlens.analyzers.claims.model import FinetunedCheckworthy, shipped_model

    model = shipped_model()
    assert isinstance(model, FinetunedCheckworthy)
    data = shared_dataset("checkthat2024-task1-checkworthiness-en").parent
    f1, ap, map19 = unseen_debate_figures(data, model.stack_inputs)
    # floors under the figures in docs/claims.md (tests/quality_floors.toml)
    assert f1.mean >= floor("claims.unseen_debates_f1"), f1.line()
    assert ap.mean >= floor("claims.unseen_debates_ap"), ap.line()
    assert map19.mean >= floor("claims.unseen_debates_map_2019"), map19.line()


def test_eval_prints_nothing_expected_for_a_model_without_stacked_inputs(tmp_path: Path) -> None:
    from spinlens.analyzers.claims.model import FAST_MODEL, shipped_model
    from spinlens.eval.claims_cv import expected_lines

    assert expected_lines(tmp_path, shipped_model(FAST_MODEL)) == []  # reads no data
