"""Long texts cost linear time: the span classifier's shared parts (the line's words, the
article's opening, how often a span recurs) are computed once per article, not once per span,
and the lexicon and token-head look-ups do not compare every pair."""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.article import ArticleSpans, first_words, last_words
from spinlens.analyzers.propaganda.model import Bundle, LinearModel, TokenProbs

# the package exports the function ``detect``, which hides the module of the same name
D = importlib.import_module("spinlens.analyzers.propaganda.detect")
VOCAB = ["the", "regime", "evil", "puppets", "lied", "again", "so-called", "Ha", "ha", "!", "'"]


def _model(tmp_path: Path) -> LinearModel:
    rng = np.random.default_rng(0)
    path = tmp_path / "span.npz"
    np.savez(
        path,
        coef=rng.normal(0, 1, (4, F.DIMS)).astype(np.float16),
        bias=np.array([0.1, -0.2, 0.0, 0.3], dtype=np.float32),
        labels=np.array(["A", "B", "C", "D"]),
    )
    return LinearModel(path)


def _text(n_words: int, seed: int = 1, newline_every: int = 0) -> str:
    rng = random.Random(seed)
    out = []
    for i in range(n_words):
        out.append(rng.choice(VOCAB))
        if newline_every and i % newline_every == newline_every - 1:
            out.append("\n")
    return " ".join(out)


class _Tagger:
    """Stands in for the token model: every 10th run of 4 whitespace tokens is a span."""

    calls = 0

    def __call__(self, text: str) -> TokenProbs:
        offsets = np.array([m.span() for m in re.finditer(r"\S+", text)], dtype=np.int64)
        probs = np.zeros((len(offsets), 5), dtype=np.float32)  # inside + 4 technique heads
        probs[:, 1:] = np.linspace(0.1, 0.9, 4 * len(offsets)).reshape(-1, 4)
        for k in range(0, len(offsets) - 4, 10):
            probs[k : k + 4, 0] = 0.9
        return TokenProbs(W.Encoded(np.zeros(len(offsets), np.int64), offsets), probs)


def test_reuse_counts_agree_with_str_count() -> None:
    rng = random.Random(3)
    for _ in range(200):
        article = "".join(rng.choice("aAb ΣσHa\n") for _ in range(rng.randint(0, 60)))
        frags = ["".join(rng.choice("aAb ΣσH") for _ in range(rng.randint(0, 4))) for _ in "xyz"]
        counts = F.reuse_counts(article, frags)
        for frag in frags:
            key = frag.lower().strip()
            want = article.lower().count(key) if key else 0
            assert counts.get(key, 0) == want, (article, frag)


def test_neighbour_words_from_windows_equal_whole_line() -> None:
    rng = random.Random(5)
    pieces = ["word", "x", "!", " ", "  ", "don't", "ÉTÉ", "a" * 150, "\t", "42"]
    for _ in range(300):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        cut = rng.randint(0, len(line))
        assert last_words(line, 0, cut) == F.words(line[:cut])[-3:]
        assert first_words(line, cut, len(line)) == F.words(line[cut:])[:3]


def test_article_scores_equal_span_features(tmp_path: Path) -> None:
    model = _model(tmp_path)
    text = _text(3000, newline_every=40)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\w+ \w+ \w+", text)][::7]
    article = ArticleSpans(text, spans)
    for start, end in spans:
        a, b = D.line_bounds(text, start, end)
        row = F.span_features(text[start:end], text[a:b], text, text[a:start], text[end:b])
        assert article.line_bounds(start, end) == (a, b)
        fast = model.scores(article.row(start, end))
        np.testing.assert_allclose(fast, model.scores(row), atol=1e-4)


def test_features_read_each_line_once_not_once_per_span(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One 20k-word line with ~2,000 spans: the words read stay a small multiple of the text
    (span by span they were ~2,000 times the text, and the recurrence count scanned the whole
    article for each span)."""
    text = _text(20_000)  # no line breaks: every span's "sentence" is the whole text
    bundle = Bundle(_Tagger(), _model(tmp_path), None, {"threshold": 0.5})  # type: ignore[arg-type]
    read = 0
    words = F.words

    def counting_words(s: str) -> list[str]:
        nonlocal read
        read += len(s)
        return words(s)

    monkeypatch.setattr(F, "words", counting_words)
    found = D.detect(bundle, text, use_lexicon=False)
    assert len(found) >= 1500
    assert read <= 4 * len(text)


def test_token_heads_from_binary_search_equal_the_mask(tmp_path: Path) -> None:
    text = _text(500)
    bundle = Bundle(_Tagger(), None, None, {})  # type: ignore[arg-type]
    out = _Tagger()(text)
    starts, ends = out.encoded.offsets[:, 0], out.encoded.offsets[:, 1]
    spans = D.model_spans(bundle, text, 0.5)
    assert spans
    for start, end, _, head in spans:
        inside = (starts >= start) & (ends <= end)
        assert head is not None
        np.testing.assert_allclose(head, out.probs[inside, 1:].mean(axis=0))


def test_lexicon_coverage_equals_pairwise_check() -> None:
    rng = random.Random(9)
    found = []
    for _ in range(300):
        a = rng.randint(0, 500)
        found.append(D.Detection(a, a + rng.randint(1, 40), rng.choice("XY"), 0.5, 0.5, "model"))
    covers = D.Coverage(found)
    for _ in range(2000):
        a = rng.randint(0, 520)
        b, t = a + rng.randint(1, 20), rng.choice("XYZ")
        want: Any = any(d.technique == t and d.start <= a and b <= d.end for d in found)
        assert covers(t, a, b) == want
