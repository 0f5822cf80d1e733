"""The optional cascade: the n-gram model rules sentences out before the encoder runs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from spinlens.analyzers.claims import ClaimsAnalyzer
from spinlens.analyzers.claims.model import FinetunedCheckworthy, shipped_model
from spinlens.errors import ConfigError

SENTENCES = [
    "Thank you very much, everyone, it is great to be here tonight.",
    "Good evening.",
    "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years.",
    "The US military has bases in Pakistan, Afghanistan and Turkmenistan.",
    "I love this country.",
    "Iraqi lawmakers passed a resolution demanding US withdrawal.",
]


def test_only_sentences_the_fast_model_rules_out_skip_the_encoder() -> None:
    model = shipped_model()
    assert isinstance(model, FinetunedCheckworthy) and model.fast is not None
    assert model.cascade_below == 0.0, "off by default: rankings lose a little with it"
    full = model.predict(SENTENCES)
    quick = model.fast.predict(SENTENCES)
    cascaded = replace(model, cascade_below=0.05).predict(SENTENCES)
    skipped = quick < 0.05
    assert skipped.any() and not skipped.all(), "the examples straddle the cut"
    np.testing.assert_allclose(cascaded[skipped], quick[skipped], rtol=1e-5)
    # int8 activations are quantized per batch, so kept scores move only slightly
    assert np.abs(cascaded[~skipped] - full[~skipped]).max() < 0.05
    assert ((cascaded >= 0.5) == (full >= 0.5)).all()


def test_the_analyzer_option_is_checked() -> None:
    with pytest.raises(ConfigError, match="cascade_below"):
        ClaimsAnalyzer(cascade_below=0.6)
    analyzer = ClaimsAnalyzer(cascade_below=0.05)
    analyzer.initialize()
    assert isinstance(analyzer.model, FinetunedCheckworthy)
    assert analyzer.model.cascade_below == 0.05
