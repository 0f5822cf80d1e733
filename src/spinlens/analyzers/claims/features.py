"""Sentence features for check-worthiness, shared by training and inference.

Three parts: the shared MiniLM sentence embedding; hashed word uni+bigrams (a stable CRC32
hash, so no vocabulary file is needed and numpy alone scores them at run time); and a few
surface cues fact-checkers look for (numbers, comparisons, named things, first person).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from spinlens.models.encoder import encode

HASH_DIM = 1 << 18
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(?:percent|per cent|million|billion|trillion|thousand|hundred|half|twice|double|"
    r"triple|dozens?)\b",
    re.I,
)
_COMPARE = re.compile(
    r"\b(?:more|less|fewer|than|most|least|highest|lowest|largest|biggest)\b", re.I
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we're|we've)\b")
_FUTURE = re.compile(r"\b(?:will|going to|would)\b", re.I)
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
HAND_FEATURES = (
    "digit",
    "number_word",
    "comparison",
    "first_person",
    "future",
    "question",
    "capitals",
    "log_words",
)


def hashed_ngrams(text: str) -> dict[int, float]:
    """L2-normalised binary word uni+bigrams, hashed into ``HASH_DIM`` buckets.

    Buckets come in the order of their sorted n-grams, not of a set: a set of strings iterates
    in an order that changes with each process's hash seed, and so did the float sums over
    these items (a claim's score moved in its seventh decimal from one run to the next).
    """
    words = _WORD.findall(text.lower())
    grams = set(words) | {f"{a} {b}" for a, b in pairwise(words)}
    if not grams:
        return {}
    value = 1.0 / math.sqrt(len(grams))
    out: dict[int, float] = {}
    for gram in sorted(grams):
        bucket = zlib.crc32(gram.encode("utf-8")) % HASH_DIM
        out[bucket] = out.get(bucket, 0.0) + value
    return out


def hand_features(text: str) -> list[float]:
    words = max(1, len(text.split()))
    return [
        float(bool(_NUMBER.search(text))),
        float(bool(_NUMBER_WORD.search(text))),
        float(bool(_COMPARE.search(text))),
        float(bool(_FIRST_PERSON.search(text))),
        float(bool(_FUTURE.search(text))),
        float(text.rstrip().endswith("?")),
        math.log1p(len(_CAPITAL.findall(text))) / 3.0,
        math.log1p(words) / 4.0,
    ]


def dense_features(
    texts: Sequence[str],
    embeddings: npt.NDArray[np.float32] | None = None,
    use_encoder: bool = True,
) -> npt.NDArray[np.float32]:
    """Embedding (unless ``use_encoder`` is off: the fast model) plus surface cues."""
    hand = np.asarray([hand_features(t) for t in texts], dtype=np.float32).reshape(len(texts), -1)
    if not use_encoder:
        return hand
    vectors = encode(texts) if embeddings is None else embeddings
    return np.hstack([vectors, hand]).astype(np.float32)
