"""Quality floor: the style model still generalises across datasets (a subset, ~10 s).

The full figures come from ``spinlens eval verdict --data ../shared/data``; the floors (in
tests/quality_floors.toml) sit just below the subset's measured values (L2 chosen by
cross-validation on the training subset) to catch regressions, not noise.
"""

from __future__ import annotations

import pytest

from spinlens.eval.verdict import AMT, HORNE, Dataset, cross, load, rates
from tests.conftest import shared_dataset
from tests.floors import floor

FLOORS = {  # ROC-AUC, the verdict's own AUC, accuracy
    (HORNE, AMT): (
        "verdict.horne_to_amt_auc",
        "verdict.horne_to_amt_verdict_auc",
        "verdict.horne_to_amt_accuracy",
    ),
    (AMT, HORNE): (
        "verdict.amt_to_horne_auc",
        "verdict.amt_to_horne_verdict_auc",
        "verdict.amt_to_horne_accuracy",
    ),
}


@pytest.mark.quality
def test_cross_dataset_auc_floor() -> None:
    sets = []
    for name, step in ((HORNE, 2), (AMT, 4)):
        full = load(shared_dataset(name).parent, name)
        subset = Dataset(full.name, full.texts[::step], full.labels[::step])
        names, matrix = rates(subset.texts)
        sets.append((subset, names, matrix))
    for train, test in ((0, 1), (1, 0)):
        result = cross(sets[train], sets[test])
        auc, verdict_auc, accuracy = FLOORS[(result.train, result.test)]
        assert result.auc >= floor(auc), result
        # the analyzer's own style score (capped, from absence) ranks nearly as well
        assert result.verdict_auc is not None, result
        assert result.verdict_auc >= floor(verdict_auc), result
        assert result.accuracy >= floor(accuracy), result
