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
    span: str, sentence: str, article: str, left: str = "", right: str = ""
) -> SparseRow:
    """Features of one fragment: its words and characters, its sentence, its shape and reuse,
    the three words either side of it on its line (``left``/``right``: the line's text before
    and after it) and the words of the article's opening.

    ``Repetition`` depends on how often the fragment recurs in the article, which no n-gram of
    the fragment shows, so the count is a feature of its own. The neighbouring words and the
    article's opening raised 5-fold TC micro-F1 from 0.600 to 0.607-0.609 (docs/propaganda.md).
    """
    toks = words(span)
    feats = _group("w:", word_grams(toks))
    _add(feats, _group("c:", char_grams(span[:300]), 1.0))
    _add(feats, _group("s:", word_grams(words(sentence), 1), 0.5))
    _add(feats, _group("l:", word_grams(words(left)[-3:]), 0.5))
    _add(feats, _group("r:", word_grams(words(right)[:3]), 0.5))
    _add(feats, _group("a:", words(article[:2000]), 0.3))
    reuse = article.lower().count(span.lower().strip()) if span.strip() else 0
    shape = [
        f"len{_bin(len(toks), (2, 3, 5, 8, 13, 21, 34))}",
        f"rep{_bin(reuse, (2, 3, 5))}",
        f"wholesent{int(len(span.strip()) >= 0.8 * len(sentence.strip()))}",
    ]
    shape += [f"has{ch}" for ch in "!?\"“”'" if ch in span]
    if span[:1].isupper():
        shape.append("cap")
    _add(feats, _group("f:", shape, 1.0))
    return _row(feats)


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
    row: SparseRow, coef: npt.NDArray[np.floating[Any]], bias: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Linear scores (classes,) for one sparse row with weights ``coef`` (classes, DIMS)."""
    idx, val = row
    return (coef[:, idx].astype(np.float32) @ val + bias).astype(np.float32)
