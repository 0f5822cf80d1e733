"""Word tokens with offsets, word-shingle hashes, MinHash signatures and LSH band keys.

Everything a document's lookup keys need is computed with numpy over the whole text at once
(index format 2): the words are the same as ``WORD.findall`` on the lower-cased text, found
from a word-character mask; each word is hashed by a polynomial over its code points, taken
from prefix sums (no Python work per word), then mixed with the MurmurHash3 64-bit finalizer.
Hashes are stable across processes and machines (Spark workers, later queries), never
Python's salted ``hash``. Shingle hashes are 32-bit, as datasketch's ``affine32`` MinHash
scheme expects; :func:`minhash` computes that scheme's signature directly (the same values as
``datasketch.MinHash(num_perm, seed=1, scheme="affine32")``, tested) without a Python call per
shingle.

Format 1 (before) hashed each word and each band with blake2b in Python: the same words and
shingles, different numbers, 4-6 times slower. An index keeps its format in ``meta``; an older
one is refused until ``spinlens index upgrade`` recomputes its keys from the stored texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

FORMAT = 2  # index format these functions produce (stored in the index's meta table)
WORD = re.compile(r"\w+(?:['’]\w+)*")
_P = np.uint64(0x100000001B3)  # FNV prime: mixes the k word hashes of a shingle
_MASK32 = np.uint64(0xFFFFFFFF)
_CHAR_P = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_CHAR_P_INV = pow(_CHAR_P, -1, 1 << 64)
_APOSTROPHE = ord("'")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a text, lower-cased, with their character offsets."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str) -> Tokens:
    words, starts, ends = [], [], []
    for match in WORD.finditer(text):
        words.append(match.group().lower().replace("’", "'"))
        starts.append(match.start())
        ends.append(match.end())
    return Tokens(tuple(words), tuple(starts), tuple(ends))


def words(text: str) -> list[str]:
    """The same words as ``tokenize(text).words``, without offsets."""
    return WORD.findall(text.lower().replace("’", "'"))


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _word_chars(points: np.ndarray) -> np.ndarray:
    """``\\w`` for every code point: alphanumeric (``str.isalnum``) or underscore, exactly as
    the ``re`` module decides it. A table of the Basic Multilingual Plane is filled as code
    points are first met (filling it whole cost 0.25 s in every worker process)."""
    bmp = np.minimum(points, 0xFFFF)
    unknown = ~_BMP_KNOWN[bmp]
    if unknown.any():
        for code in np.unique(bmp[unknown]).tolist():
            _BMP_WORD[code] = chr(code).isalnum() or code == 95
            _BMP_KNOWN[code] = True
    mask: np.ndarray = _BMP_WORD[bmp]
    astral = points > 0xFFFF
    if astral.any():
        unique, where = np.unique(points[astral], return_inverse=True)
        found = np.fromiter((chr(c).isalnum() for c in unique.tolist()), bool, len(unique))
        mask[astral] = found[where]
    return mask


_BMP_WORD = np.zeros(0x10000, dtype=bool)
_BMP_KNOWN = np.zeros(0x10000, dtype=bool)


def word_spans(lowered: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of ``lowered`` and the [start, end) of each ``WORD`` in it.

    A word is a maximal run of word characters and of apostrophes that have a word character
    on both sides: what ``\\w+(?:'\\w+)*`` matches once curly apostrophes are made straight.
    """
    points = _codepoints(lowered)
    padded = np.zeros(len(points) + 2, dtype=bool)  # a non-word character at both ends
    word = padded[1:-1]
    word[:] = _word_chars(points)
    if len(points) > 2:
        word[1:-1] |= (points[1:-1] == _APOSTROPHE) & word[:-2] & word[2:]
    starts = np.flatnonzero(word & ~padded[:-2])
    ends = np.flatnonzero(word & ~padded[2:]) + 1
    return points, starts, ends


_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` modulo 2**64 for i < n (grown by doubling, kept)."""
    global _powers, _inverse_powers
    if len(_powers) < n:
        size = max(n, 2 * len(_powers), 4096)
        steps = np.full(size, _CHAR_P, dtype=np.uint64)
        steps[0] = 1
        inverse = np.full(size, _CHAR_P_INV, dtype=np.uint64)
        inverse[0] = 1
        with np.errstate(over="ignore"):
            _powers = np.cumprod(steps, dtype=np.uint64)
            _inverse_powers = np.cumprod(inverse, dtype=np.uint64)
    return _powers[:n], _inverse_powers[:n]


def fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        h = values ^ (values >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        mixed: np.ndarray = h ^ (h >> np.uint64(33))
    return mixed


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash of every word of ``text`` (see :func:`words`), in order."""
    lowered = text.lower().replace("’", "'")
    points, starts, ends = word_spans(lowered)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    powers, inverse = _power_tables(len(points))
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(points) + 1, dtype=np.uint64)
        np.cumsum(points.astype(np.uint64) * powers, out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * inverse[starts]
        raw += (ends - starts).astype(np.uint64)  # the length too: no zero code points needed
    return fmix64(raw)


def shingles_of(base: np.ndarray, k: int) -> np.ndarray:
    """32-bit hash of every run of ``k`` consecutive word hashes (one run for shorter texts)."""
    if not len(base):
        return np.zeros(0, dtype=np.uint64)
    k = min(k, len(base))
    n = len(base) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * _P + base[j : j + n]
    return ((acc >> np.uint64(32)) ^ acc) & _MASK32


def text_hashes(text: str, k: int) -> np.ndarray:
    """The 32-bit ``k``-word shingle hashes of ``text``: what the index stores and queries."""
    return shingles_of(word_hashes(text), k)


def shingle_hashes(tokens: list[str] | tuple[str, ...], k: int) -> np.ndarray:
    """The shingle hashes of already split words: the same as ``text_hashes`` of their text."""
    return text_hashes(" ".join(tokens), k)


def shingle_set(text: str, k: int) -> set[int]:
    return set(text_hashes(text, k).tolist())


def fingerprints(hashes: np.ndarray, sample: int) -> np.ndarray:
    """The shingle hashes kept for the inverted index: those divisible by ``sample``, sorted
    and unique.

    Content-defined sampling (as in MOSS and passim) keeps the same shingles in every text that
    contains them, so a passage reused anywhere shares fingerprints with its source.
    """
    return np.unique(hashes[hashes % np.uint64(sample) == 0])


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``datasketch.MinHash(num_perm, seed=1, scheme="affine32")``
    draws (same generator, same order: tested), without importing datasketch, whose import
    pulls in scipy and costs over a second in every worker process."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """The ``affine32`` MinHash signature (uint32) of a set of 32-bit shingle hashes."""
    a, b = _permutations(num_perm)
    if not len(hashes):
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = hashes.astype(np.uint32)
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        h = h ^ (h >> np.uint32(16))
        permuted = np.multiply.outer(h, a)
        permuted += b
        signature: np.ndarray = permuted.min(axis=0)
    return signature


def band_keys(signature: np.ndarray, bands: int) -> np.ndarray:
    """One 63-bit key per LSH band (band number mixed in, so bands never collide)."""
    rows = signature.astype(np.uint64).reshape(bands, -1)
    acc = np.arange(1, bands + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows.shape[1]):
            acc = acc * _P + rows[:, j]
    return (fmix64(acc) >> np.uint64(1)).astype(np.int64)
