"""Word tokens with offsets, word-shingle hashes, MinHash signatures and LSH band keys.

Hashes must be stable across processes (Spark workers, later queries), so tokens are hashed
with blake2b, never Python's salted ``hash``. Shingle hashes are 32-bit: datasketch's default
``affine32`` MinHash scheme expects that range.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

WORD = re.compile(r"\w+(?:['’]\w+)*")
_P = np.uint64(0x100000001B3)  # FNV prime: mixes the k token hashes of a shingle
_MASK32 = np.uint64(0xFFFFFFFF)


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
    """The same words as ``tokenize(text).words``, without offsets: the fast path for hashing."""
    return WORD.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(words: tuple[str, ...] | list[str], k: int) -> np.ndarray:
    """32-bit hash of every run of ``k`` consecutive words (one run for shorter texts)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    base = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    k = min(k, len(base))
    n = len(base) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * _P + base[j : j + n]
    return ((acc >> np.uint64(32)) ^ acc) & _MASK32


def shingle_set(text: str, k: int) -> set[int]:
    return {int(h) for h in shingle_hashes(words(text), k)}


def fingerprints(hashes: np.ndarray, sample: int) -> set[int]:
    """The shingle hashes kept for the inverted index: those divisible by ``sample``.

    Content-defined sampling (as in MOSS and passim) keeps the same shingles in every text that
    contains them, so a passage reused anywhere shares fingerprints with its source.
    """
    return {int(h) for h in hashes[hashes % np.uint64(sample) == 0]}


def _identity(value: int) -> int:
    return value


@lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    return MinHash(num_perm=num_perm, seed=1, hashfunc=_identity)


def minhash(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """A datasketch MinHash signature over the given shingle hashes."""
    sig = MinHash(
        num_perm=num_perm,
        hashfunc=_identity,
        permutations=_template(num_perm).permutations,
        scheme="affine32",
    )
    if len(hashes):
        sig.update_batch(hashes.tolist())
    return np.asarray(sig.hashvalues)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One signed 63-bit key per LSH band (band number included, so bands never collide)."""
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        chunk = signature[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys
