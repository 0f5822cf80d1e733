"""Cheap quality floors on real data: a model that regressed badly fails here, in seconds."""

from __future__ import annotations

import pytest

from spinlens.analyzers.propaganda.model import load_bundle
from spinlens.eval.propaganda import eval_si
from spinlens.eval.propaganda_data import load_ptc
from tests.conftest import shared_dataset

pytestmark = pytest.mark.quality


def test_si_f1_floor_on_ten_dev_articles() -> None:
    bundle = load_bundle()
    if bundle.tagger is None:
        pytest.skip("propaganda model not installed")
    ptc = load_ptc(shared_dataset("ptc-semeval2020-task11"))
    result = eval_si(bundle, ptc, limit=10)
    # the full 75-article figure is in docs/propaganda.md; 10 articles vary by about +-0.05
    assert result.prf.f1 >= 0.30, result.prf
