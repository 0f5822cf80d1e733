"""Quality floor: the style model still generalises across datasets (a subset, ~10 s).

The full figures come from ``spinlens eval verdict --data ../shared/data``; these floors sit
below the subset's measured values (0.71 and 0.84 ROC-AUC, L2 chosen by cross-validation on
the training subset) to catch regressions, not noise.
"""

from __future__ import annotations

import pytest

from spinlens.eval.verdict import AMT, HORNE, Dataset, cross, load, rates
from tests.conftest import shared_dataset

FLOORS = {(HORNE, AMT): 0.64, (AMT, HORNE): 0.76}


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
        floor = FLOORS[(result.train, result.test)]
        assert result.auc >= floor, result
        # the analyzer's own style score (capped, from absence) ranks nearly as well
        assert result.verdict_auc is not None and result.verdict_auc >= floor - 0.03, result
        assert result.accuracy > 0.55, result
