"""``detect``: from token probabilities to technique spans, with stand-in models so that each
rule (threshold, word edges, runner-up technique, lexicon) is checked on its own."""

from __future__ import annotations

from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.detect import SECOND_LABEL, detect
from spinlens.analyzers.propaganda.model import Bundle, TokenProbs
from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS

TEXT = "They call them traitors and liars, said the report."


class Tagger:
    """Marks the word pieces of 'traitors and liars' (split as 'trait', '##ors')."""

    def __call__(self, text: str) -> TokenProbs:
        spans = [(0, 4), (5, 9), (10, 14), (15, 20), (20, 23), (24, 27), (28, 33), (33, 34)]
        offsets = np.array(spans, dtype=np.int64)
        probs = np.zeros((len(spans), 1 + len(PTC_LABELS)), dtype=np.float32)
        probs[4:7, 0] = 0.8  # '##ors and liars': the run starts inside 'traitors'
        return TokenProbs(W.Encoded(np.arange(len(spans)), offsets), probs)


class SpanClassifier:
    def __init__(self, dist: dict[str, float]) -> None:
        self.dist = np.array([dist.get(label, 0.0) for label in PTC_LABELS], dtype=np.float32)

    def softmax(self, row: Any, temperature: float = 1.0) -> np.ndarray:
        return self.dist


def _bundle(dist: dict[str, float]) -> Bundle:
    card = {"threshold": 0.5, "decode": {"max_gap": 0, "min_chars": 6}}
    return Bundle(Tagger(), SpanClassifier(dist), None, card)  # type: ignore[arg-type]


def test_span_gets_its_technique_and_a_likely_runner_up() -> None:
    found = detect(_bundle({"Name_Calling,Labeling": 0.55, "Loaded_Language": 0.40}), TEXT)
    assert [(TEXT[d.start : d.end], d.technique) for d in found] == [
        ("traitors and liars", "Loaded_Language"),
        ("traitors and liars", "Name_Calling,Labeling"),
    ]
    assert all(d.source == "model" and abs(d.score - 0.8) < 1e-6 for d in found)


def test_unlikely_runner_up_is_not_reported() -> None:
    dist = {"Name_Calling,Labeling": 0.7, "Loaded_Language": SECOND_LABEL - 0.05}
    found = detect(_bundle(dist), TEXT)
    assert [d.technique for d in found] == ["Name_Calling,Labeling"]
    assert detect(_bundle(dist), TEXT, multi_label=False)[0].technique_score == np.float32(0.7)


def test_threshold_above_the_run_finds_nothing_but_the_lexicon() -> None:
    bundle = _bundle({"Doubt": 1.0})
    assert detect(bundle, TEXT, threshold=0.9, use_lexicon=False) == []
    hits = detect(bundle, "The US regime said so.", threshold=0.9)
    assert [(d.source, d.technique) for d in hits] == [("lexicon", "Name_Calling,Labeling")]
