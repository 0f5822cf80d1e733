"""The shared-trunk experiment (scripts/claims_trunk.py) reads each sentence's own tokens
from the tagger's windows over its context, so its figures describe what a shared encoder
would see in the analyzer."""

from __future__ import annotations

import numpy as np
import pytest


def test_trunk_reads_each_sentence_from_its_own_tokens_in_context() -> None:
    pytest.importorskip("onnx")
    from scripts.claims_trunk import Item, Trunk, _joined

    texts = ["The senator voted no.", "Taxes rose 5% in 2019.", "Thank you."]
    items = [Item(str(i), t, 0.0, "test") for i, t in enumerate(texts)]
    text, spans = _joined(items)
    assert [text[a:b] for a, b in spans] == texts
    trunk = Trunk(3)
    states = trunk.sentence_states(text, spans)
    alone = [len(trunk.tokenizer.encode(t, add_special_tokens=False).ids) for t in texts]
    assert [len(s) for s in states] == alone
    assert all(s.shape[1] == 384 for s in states)
    # read in context, not alone: the same sentence alone gives other states
    solo = trunk.sentence_states(texts[1], [(0, len(texts[1]))])[0]
    assert solo.shape == states[1].shape
    assert not np.allclose(solo.astype(np.float32), states[1].astype(np.float32), atol=1e-3)
