"""What the index stores per document: its parameters, entries and how an entry is computed.

Below both the store (which recomputes an entry's keys to delete it) and ingest (which
computes them to add it), so neither imports the other.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from spinlens.provenance.shingles import band_keys, fingerprints, minhash, shingles_of, word_hashes


@dataclass(frozen=True, slots=True)
class Params:
    """Index parameters, fixed when the index is created and stored in ``meta``."""

    k: int = 5  # words per shingle
    num_perm: int = 64  # MinHash permutations
    bands: int = 16  # LSH bands (rows per band = num_perm / bands)
    sample: int = 8  # keep shingle hashes divisible by this as fingerprints


KeyValues = np.ndarray | Iterable[int]  # int64 arrays as computed; any ints (tests) accepted


@dataclass(frozen=True, slots=True)
class Entry:
    """A document ready to be written: metadata, text and its lookup keys."""

    id: str
    text: str
    content_hash: str
    n_words: int
    band_keys: KeyValues
    fingerprints: KeyValues
    url: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None
    packed: bytes | None = None  # the text compressed as stored (made where the keys are)


Row = tuple[str, str, str | None, str | None, str | None, str | None]  # id, text, url, ...
PACK_LEVEL = 3  # zlib level: as fast as 1, 6% smaller; 6 was 1.8x slower for 4% less


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), PACK_LEVEL)


Keys = tuple[str, int, np.ndarray, np.ndarray]  # content hash, words, band keys, fingerprints


def keys_of(text: str, params: Params) -> Keys:
    """What the index looks a text up by; numpy arrays, cheap to send between processes."""
    base = word_hashes(text)
    hashes = shingles_of(base, params.k)
    bands = band_keys(minhash(hashes, params.num_perm), params.bands)
    return content_hash(text), len(base), bands, fingerprints(hashes, params.sample)


def keys_and_packs(texts: Sequence[str], params: Params) -> list[tuple[Keys, bytes]]:
    """A worker process's task: the keys and the stored (packed) form of a chunk of texts."""
    return [(keys_of(text, params), pack(text)) for text in texts]


def entry_from(row: Row, keys: Keys, packed: bytes | None = None) -> Entry:
    doc_id, text, url, title, date, source = row
    digest, n_words, bands, prints = keys
    return Entry(
        id=doc_id,
        text=text,
        content_hash=digest,
        n_words=n_words,
        band_keys=bands,
        fingerprints=prints,
        url=url,
        title=title,
        date=date,
        source=source,
        packed=packed,
    )


def prepare_row(row: Row, params: Params) -> Entry:
    """``prepare`` for a row (id, text, url, title, date, source), text packed too."""
    return entry_from(row, keys_of(row[1], params), pack(row[1]))


def watch_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the parent is gone (killed). The pool's queue pipes
    stay open in every worker, so without this a killed ingest leaves its workers waiting
    forever."""

    def run() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=run, daemon=True, name="watch-parent").start()


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
    return entry_from((doc_id, text, url, title, date, source), keys_of(text, params))
