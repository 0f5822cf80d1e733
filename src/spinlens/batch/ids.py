"""A compact set of record ids, so resuming and de-duplicating stay small on huge inputs.

Each id is kept as a 64-bit BLAKE2b digest: 8 bytes in a sorted numpy array, instead of a
Python string in a set (about 100 bytes). New ids go to a small set that is merged into the
array every ``MERGE_EVERY`` additions. Two different ids share a digest with probability
about n^2 / 2^65 (for 10 million ids, 3 in a million); such a record would be skipped as a
duplicate. Hand-written: no maintained library offers a growable compact membership set
without false positives growing with size (Bloom filters do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

MERGE_EVERY = 1 << 18


def digest(key: str) -> int:
    raw = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(raw, "little", signed=True)


class IdSet:
    """``add`` and ``in`` over string ids; memory about 8 bytes per id once merged."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._sorted: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._recent: set[int] = set()
        for key in keys:
            self.add(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        value = digest(key)
        if value in self._recent:
            return True
        at = int(np.searchsorted(self._sorted, value))
        return at < len(self._sorted) and int(self._sorted[at]) == value

    def add(self, key: str) -> None:
        self._recent.add(digest(key))
        if len(self._recent) >= MERGE_EVERY:
            self._merge()

    def __len__(self) -> int:
        self._merge()
        return len(self._sorted)

    def _merge(self) -> None:
        if self._recent:
            fresh = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, fresh)
            self._recent.clear()
