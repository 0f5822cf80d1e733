"""What the index stores per document: its parameters, entries and how an entry is computed.

Below both the store (which recomputes an entry's keys to delete it) and ingest (which
computes them to add it), so neither imports the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spinlens.provenance.shingles import band_keys, fingerprints, minhash, shingle_hashes, words


@dataclass(frozen=True, slots=True)
class Params:
    """Index parameters, fixed when the index is created and stored in ``meta``."""

    k: int = 5  # words per shingle
    num_perm: int = 64  # MinHash permutations
    bands: int = 16  # LSH bands (rows per band = num_perm / bands)
    sample: int = 8  # keep shingle hashes divisible by this as fingerprints


@dataclass(frozen=True, slots=True)
class Entry:
    """A document ready to be written: metadata, text and its lookup keys."""

    id: str
    text: str
    content_hash: str
    n_words: int
    band_keys: Sequence[int]
    fingerprints: Iterable[int]
    url: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None


def content_hash(text: str) -> str:
    """Hash of the whitespace-normalised text: the same article re-extracted is the same."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def prepare(
    doc_id: str,
    text: str,
    params: Params,
    *,
    url: str | None = None,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
) -> Entry:
    tokens = words(text)
    hashes = shingle_hashes(tokens, params.k)
    return Entry(
        id=doc_id,
        text=text,
        content_hash=content_hash(text),
        n_words=len(tokens),
        band_keys=band_keys(minhash(hashes, params.num_perm), params.bands),
        fingerprints=sorted(fingerprints(hashes, params.sample)),
        url=url,
        title=title,
        date=date,
        source=source,
    )
