"""Hashed n-gram features for the small span (TC) and paragraph classifiers.

Hand-written rather than sklearn's vectorizers so that inference needs only numpy: the same
function builds the training matrix (then fed to scikit-learn) and the runtime features, and
the shipped weights are plain arrays. Hashing uses crc32, which is stable across processes.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

DIMS = 1 << 18
WORD_RE = re.compile(r"\w+|[^\w\s]")

SparseRow = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]
Feats = defaultdict[int, float]


def _add(into: Feats, other: Feats) -> None:
    for k, v in other.items():
        into[k] += v


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) & (DIMS - 1)


def _group(prefix: str, grams: Iterable[str], weight: float = 1.0) -> Feats:
    """Sublinear tf, L2-normalised within the group, scaled by ``weight``."""
    counts = Counter(grams)
    out: Feats = defaultdict(float)
    if not counts:
        return out
    vals = {g: 1.0 + math.log(c) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vals.values()))
    for g, v in vals.items():
        out[_bucket(prefix + g)] += weight * v / norm
    return out


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def word_grams(tokens: list[str], n_max: int = 2) -> list[str]:
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_grams(text: str, lo: int = 3, hi: int = 5) -> list[str]:
    padded = f" {' '.join(text.lower().split())} "
    return [padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]


def _bin(value: float, edges: tuple[float, ...]) -> int:
    return sum(value >= e for e in edges)


def span_features(
    span: str,
    sentence: str,
    article: str,
    left: str = "",
    right: str = "",
    reuse: int | None = None,
) -> SparseRow:
    """Features of one fragment: its words and characters, its sentence, its shape and reuse,
    the three words either side of it on its line (``left``/``right``: the line's text before
    and after it) and the words of the article's opening.

    ``Repetition`` depends on how often the fragment recurs in the article, which no n-gram of
    the fragment shows, so the count is a feature of its own. The neighbouring words and the
    article's opening raised 5-fold TC micro-F1 from 0.600 to 0.607-0.609 (docs/propaganda.md).
    ``reuse`` is that count when the caller has it (``reuse_counts``): counting here scans the
    whole article, which is what made many spans of a long article cost quadratic time.
    """
    if reuse is None:
        reuse = article.lower().count(span.lower().strip()) if span.strip() else 0
    toks = words(span)
    feats = _group("w:", word_grams(toks))
    _add(feats, _group("c:", char_grams(span[:300]), 1.0))
    _add(feats, sentence_group(sentence))
    _add(feats, _group("l:", word_grams(words(left)[-3:]), 0.5))
    _add(feats, _group("r:", word_grams(words(right)[:3]), 0.5))
    _add(feats, opening_group(article))
    _add(feats, _group("f:", _shape(span, toks, reuse, len(sentence.strip())), 1.0))
    return _row(feats)


def local_features(
    span: str, left_words: list[str], right_words: list[str], reuse: int, sentence_len: int
) -> SparseRow:
    """The part of ``span_features`` that depends on the span alone (not on its whole line or
    the article's opening): its cost is the span's length, not the article's.

    ``left_words``/``right_words``: the three words before and after it on its line;
    ``sentence_len``: the length of its line without surrounding spaces.
    """
    toks = words(span)
    feats = _group("w:", word_grams(toks))
    _add(feats, _group("c:", char_grams(span[:300]), 1.0))
    _add(feats, _group("l:", word_grams(left_words[-3:]), 0.5))
    _add(feats, _group("r:", word_grams(right_words[:3]), 0.5))
    _add(feats, _group("f:", _shape(span, toks, reuse, sentence_len), 1.0))
    return _row(feats)


def sentence_group(sentence: str) -> Feats:
    """The words of the fragment's line: the same for every fragment on it."""
    return _group("s:", word_grams(words(sentence), 1), 0.5)


def opening_group(article: str) -> Feats:
    """The words of the article's opening: the same for every fragment of the article."""
    return _group("a:", words(article[:2000]), 0.3)


def _shape(span: str, toks: list[str], reuse: int, sentence_len: int) -> list[str]:
    shape = [
        f"len{_bin(len(toks), (2, 3, 5, 8, 13, 21, 34))}",
        f"rep{_bin(reuse, (2, 3, 5))}",
        f"wholesent{int(len(span.strip()) >= 0.8 * sentence_len)}",
    ]
    shape += [f"has{ch}" for ch in "!?\"“”'" if ch in span]
    if span[:1].isupper():
        shape.append("cap")
    return shape


def reuse_counts(article: str, fragments: Iterable[str]) -> dict[str, int]:
    """How often each fragment occurs in ``article``, as ``article.lower().count(
    fragment.lower().strip())`` does (case-folded, non-overlapping), keyed by
    ``fragment.lower().strip()``.

    All fragments are counted in one pass over the article with an Aho-Corasick automaton:
    time linear in the article plus the fragments plus the matches, where one ``count`` per
    fragment costs the article's length each.
    """
    import ahocorasick

    keys = {f.lower().strip() for f in fragments}
    keys.discard("")
    counts = dict.fromkeys(keys, 0)
    if not keys:
        return counts
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    next_free = dict.fromkeys(keys, 0)  # str.count does not count overlapping matches
    for last, key in automaton.iter(article.lower()):
        begin = last + 1 - len(key)
        if begin >= next_free[key]:
            counts[key] += 1
            next_free[key] = last + 1
    return counts


class SharedPart:
    """Features shared by many spans (a line's words, the article's opening), scored once per
    set of weights: a linear model's score of a row is the sum of its parts' scores."""

    __slots__ = ("_coef", "_scores", "row")

    def __init__(self, feats: Feats) -> None:
        self.row = _row(feats)
        self._coef: npt.NDArray[Any] | None = None
        self._scores: npt.NDArray[np.float32] | None = None

    def scores(self, coef: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float32]:
        if self._scores is None or self._coef is not coef:
            self._scores = scores(self.row, coef, np.zeros(coef.shape[0], dtype=np.float32))
            self._coef = coef
        return self._scores


@dataclass(frozen=True, slots=True)
class SpanRow:
    """One span's features as its own part plus parts it shares with other spans: the same
    scores as the row ``span_features`` builds (up to float32 rounding), at the cost of the
    span's own part only."""

    own: SparseRow
    shared: tuple[SharedPart, ...]


def paragraph_features(text: str) -> SparseRow:
    feats = _group("w:", word_grams(words(text)))
    _add(feats, _group("c:", char_grams(text[:2000]), 1.0))
    return _row(feats)


def _row(feats: Feats) -> SparseRow:
    idx = np.fromiter(feats.keys(), dtype=np.int64, count=len(feats))
    val = np.fromiter(feats.values(), dtype=np.float32, count=len(feats))
    return idx, val


def to_csr(rows: list[SparseRow]) -> Any:
    """Rows as a scipy CSR matrix (training only; scipy comes with scikit-learn)."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(r[0]) for r in rows])
    idx = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
    val = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.float32)
    return csr_matrix((val, idx, indptr), shape=(len(rows), DIMS))


def scores(
    row: SparseRow | SpanRow,
    coef: npt.NDArray[np.floating[Any]],
    bias: npt.NDArray[np.float32],
) -> npt.NDArray[np.float32]:
    """Linear scores (classes,) for one sparse row with weights ``coef`` (classes, DIMS)."""
    if isinstance(row, SpanRow):
        out = scores(row.own, coef, bias)
        for part in row.shared:
            out = out + part.scores(coef)
        return out.astype(np.float32)
    idx, val = row
    return (coef[:, idx].astype(np.float32) @ val + bias).astype(np.float32)
