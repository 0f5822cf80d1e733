"""The second candidate path: sentence embeddings, so a rewritten copy still finds its source.

Shingles find copies that keep five words in a row; an article rewritten sentence by sentence
keeps almost none. Here every indexed document's sentences are embedded with the shipped
MiniLM encoder (ONNX, no torch) and stored as int8 rows with one float scale each (388 bytes
a sentence) in the index's own SQLite file, table ``sentence_vectors``; ``paraphrase_docs``
records which document (pk and content hash) has vectors, so a rerun embeds only what is
missing and a replaced document is re-embedded, never duplicated. Each batch of documents is
written in one transaction.

Embedding is opt-in (``spinlens index add --paraphrase``): it costs about 3 ms of one core
per sentence (about 60 ms for a 20-sentence news article), some 50x the shingle keys.

Search is brute force with numpy: the query's sentences against every stored sentence, in
blocks. That is fine to about a million stored sentences (some 50,000 news articles; a
query of 20 sentences then reads 390 MB of int8 and does 8 GFLOP); beyond, an ANN index
(e.g. FAISS IVF-PQ or hnswlib over the same rows) would be needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spinlens.document.segment import split_paragraphs, split_sentences
from spinlens.provenance.entries import content_hash
from spinlens.provenance.store import Store, StoredDoc

SCHEMA = """
CREATE TABLE IF NOT EXISTS paraphrase_docs (
    doc INTEGER PRIMARY KEY, content_hash TEXT NOT NULL, sentences INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    doc INTEGER NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    scale REAL NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (doc, idx)
) WITHOUT ROWID;
"""
DIM = 384
MIN_WORDS = 4  # shorter sentences ("Read more.") match everything and say nothing
MAX_SENTENCES = 200  # per document: a book-length page embeds its first 200 sentences
BATCH_DOCS = 64  # documents embedded and written per transaction
BLOCK = 65_536  # stored rows scored at a time (bounds the float32 working set)
# Chosen on half A of FakeNewsAMT (bench/provenance_paraphrase.py --choose), not on the test:
SENTENCE_FLOOR = 0.40  # a query sentence counts for a document only above this cosine
Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ParaphraseMatch:
    """An indexed document whose sentences say what the query's sentences say."""

    doc: StoredDoc
    score: float  # mean over the query's sentences of the best cosine in this document
    matched: int  # query sentences whose best cosine here is above the floor


def ensure_schema(store: Store) -> None:
    store.conn.executescript(SCHEMA)


def has_vectors(store: Store) -> bool:
    """Whether this index was built with ``--paraphrase`` (any vectors stored)."""
    row = store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='paraphrase_docs'"
    ).fetchone()
    if row is None:
        return False
    return store.conn.execute("SELECT 1 FROM paraphrase_docs LIMIT 1").fetchone() is not None


def sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences worth embedding, in text order."""
    out = []
    for span in split_sentences(text, list(split_paragraphs(text))):
        if len(text[span.start : span.end].split()) >= MIN_WORDS:
            out.append((span.start, span.end))
        if len(out) >= MAX_SENTENCES:
            break
    return out


def embed(texts: Sequence[str]) -> Matrix:
    """L2-normalised MiniLM rows (the shared encoder)."""
    from spinlens.models.encoder import encode

    return encode(list(texts)) if texts else np.zeros((0, DIM), dtype=np.float32)


def quantize(rows: Matrix) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """int8 rows with one scale each: row ~= int8 * scale (cosine error under 0.01)."""
    scale = np.maximum(np.abs(rows).max(axis=1), 1e-12) / 127.0
    q = np.clip(np.rint(rows / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def embed_missing(store: Store, on_doc: Callable[[], None] | None = None) -> int:
    """Embed every document without current vectors; returns the documents embedded.

    Documents whose content changed since (same pk reused, other hash) are re-embedded; each
    batch is one transaction, so an interrupted run loses at most one batch and a rerun
    continues where it stopped.
    """
    ensure_schema(store)
    store.conn.execute("BEGIN IMMEDIATE")  # vectors of removed or replaced documents go
    store.conn.execute("DELETE FROM sentence_vectors WHERE doc NOT IN (SELECT pk FROM documents)")
    store.conn.execute("DELETE FROM paraphrase_docs WHERE doc NOT IN (SELECT pk FROM documents)")
    store.conn.execute("COMMIT")
    todo = [
        int(r[0])
        for r in store.conn.execute(
            "SELECT d.pk FROM documents d LEFT JOIN paraphrase_docs p ON p.doc = d.pk"
            " WHERE p.doc IS NULL OR p.content_hash != d.content_hash ORDER BY d.pk"
        )
    ]
    done = 0
    for at in range(0, len(todo), BATCH_DOCS):
        docs = store.fetch(todo[at : at + BATCH_DOCS])
        spans = [sentences(d.text) for d in docs]
        flat = [d.text[a:b] for d, s in zip(docs, spans, strict=True) for a, b in s]
        q, scale = quantize(embed(flat))
        rows: list[tuple[int, int, int, int, float, bytes]] = []
        k = 0
        for d, s in zip(docs, spans, strict=True):
            for i, (a, b) in enumerate(s):
                rows.append((d.pk, i, a, b, float(scale[k]), q[k].tobytes()))
                k += 1
        store.conn.execute("BEGIN IMMEDIATE")
        try:
            pks = [(d.pk,) for d in docs]
            store.conn.executemany("DELETE FROM sentence_vectors WHERE doc = ?", pks)
            store.conn.executemany(
                "INSERT OR REPLACE INTO paraphrase_docs VALUES (?, ?, ?)",
                [(d.pk, content_hash(d.text), len(s)) for d, s in zip(docs, spans, strict=True)],
            )
            store.conn.executemany("INSERT INTO sentence_vectors VALUES (?, ?, ?, ?, ?, ?)", rows)
            store.conn.execute("COMMIT")
        except BaseException:
            store.conn.execute("ROLLBACK")
            raise
        done += len(docs)
        if on_doc is not None:
            for _ in docs:
                on_doc()
    _CACHE.pop(str(store.path.resolve()), None)
    return done


@dataclass(frozen=True, slots=True)
class Vectors:
    """Every stored sentence vector of an index, in memory for brute-force search."""

    docs: npt.NDArray[np.int64]
    q: npt.NDArray[np.int8]
    scale: npt.NDArray[np.float32]


_CACHE: dict[str, tuple[tuple[int, int, int], Vectors]] = {}  # index path -> (state, vectors)


def load_vectors(store: Store) -> Vectors:
    """The index's current vectors, read once per process and index state (a server opening
    the index per request does not re-read them); rows of replaced documents are skipped."""
    row = store.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(sentences), 0), COALESCE(MAX(doc), 0) FROM paraphrase_docs"
    ).fetchone()
    state = (int(row[0]), int(row[1]), int(row[2]))
    path = str(store.path.resolve())
    hit = _CACHE.get(path)
    if hit is not None and hit[0] == state:
        return hit[1]
    vectors = _read(store)
    if len(_CACHE) >= 2:
        _CACHE.clear()
    _CACHE[path] = (state, vectors)
    return vectors


def _read(store: Store) -> Vectors:
    rows = store.conn.execute(
        "SELECT v.doc, v.scale, v.vec FROM sentence_vectors v"
        " JOIN paraphrase_docs p ON p.doc = v.doc"
        " JOIN documents d ON d.pk = v.doc AND d.content_hash = p.content_hash"
        " ORDER BY v.doc, v.idx"
    ).fetchall()
    docs = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    scale = np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows))
    q = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.int8).reshape(len(rows), DIM)
    return Vectors(docs, q, scale)


def best_per_doc(query: Matrix, vectors: Vectors) -> dict[int, npt.NDArray[np.float32]]:
    """For each stored document, the best cosine of each query sentence among its sentences."""
    best: dict[int, npt.NDArray[np.float32]] = {}
    for at in range(0, len(vectors.docs), BLOCK):
        block = vectors.q[at : at + BLOCK].astype(np.float32) * vectors.scale[at : at + BLOCK, None]
        sims = query @ block.T  # (query sentences, block rows)
        docs = vectors.docs[at : at + BLOCK]
        cut = np.flatnonzero(np.diff(docs)) + 1
        starts = np.concatenate(([0], cut))
        maxima = np.maximum.reduceat(sims, starts, axis=1)  # (query sentences, block docs)
        for col, pk in enumerate(docs[starts].tolist()):
            seen = best.get(pk)
            best[pk] = maxima[:, col] if seen is None else np.maximum(seen, maxima[:, col])
    return best


def find_paraphrased(
    store: Store,
    text: str,
    *,
    top: int = 5,
    floor: float | None = None,
    exclude_pk: int | None = None,
) -> list[ParaphraseMatch]:
    """Indexed documents ranked by how many of the query's sentences they say again."""
    floor = SENTENCE_FLOOR if floor is None else floor
    if not has_vectors(store):
        return []
    vectors = load_vectors(store)
    spans = sentences(text)
    if not spans or not len(vectors.docs):
        return []
    query = embed([text[a:b] for a, b in spans])
    scored = []
    for pk, best in best_per_doc(query, vectors).items():
        if pk == exclude_pk:
            continue
        kept = np.where(best >= floor, best, 0.0)
        matched = int((best >= floor).sum())
        if matched:
            scored.append((float(kept.mean()), matched, pk))
    scored.sort(key=lambda t: (-t[0], t[2]))
    scored = scored[:top]
    by_pk = {d.pk: d for d in store.fetch(pk for _, _, pk in scored)}
    return [ParaphraseMatch(by_pk[pk], s, m) for s, m, pk in scored if pk in by_pk]
