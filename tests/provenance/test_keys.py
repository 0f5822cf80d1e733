"""Index keys (format 2): numpy tokenising finds exactly the regex's words, the MinHash is
datasketch's, worker processes write the same index, and a format-1 index is refused until
``spinlens index upgrade`` recomputes its keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from spinlens.provenance import ingest as ingest_module
from spinlens.provenance.ingest import ingest, prepare, row_of
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.shingles import minhash, word_spans, words
from spinlens.provenance.store import Store
from tests.conftest import ROOT
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS, distractors

TRICKY = [
    "",
    "'",
    "don't won’t 'quoted' rock'n'roll a''b c'' 'd",
    "l'été naïve ²³ x_y 中文字 Ελλάδα İstanbul ǅ 𝔘𝔫𝔦 ١٢٣",
    "tab\tand\nnewline—dash–range…",
]


def spans_words(text: str) -> list[str]:
    lowered = text.lower().replace("’", "'")
    _, starts, ends = word_spans(lowered)
    return [lowered[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def test_vectorised_words_are_the_regex_words_on_real_text() -> None:
    texts = [*TRICKY, *distractors().values(), (ROOT / "examples/seed-article.txt").read_text()]
    for text in texts:
        assert spans_words(text) == words(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_vectorised_words_are_the_regex_words_on_any_text(text: str) -> None:
    assert spans_words(text) == words(text)


def test_minhash_is_datasketchs_affine32_signature() -> None:
    rng = np.random.default_rng(7)
    for n in (1, 2, 40, 700):
        hashes = rng.integers(0, 2**32, n, dtype=np.uint64)
        reference = MinHash(num_perm=64, seed=1, scheme="affine32", hashfunc=lambda v: v)
        reference.update_batch(hashes.tolist())
        assert np.array_equal(minhash(hashes, 64), np.asarray(reference.hashvalues))


def _tables(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(db) as conn:
        docs = conn.execute("SELECT id, content_hash, n_words FROM documents ORDER BY id")
        bands = conn.execute(
            "SELECT b.key, d.id FROM bands b JOIN documents d ON d.pk = b.doc ORDER BY 1, 2"
        )
        prints = conn.execute(
            "SELECT f.hash, d.id FROM fingerprints f JOIN documents d ON d.pk = f.doc ORDER BY 1, 2"
        )
        return docs.fetchall(), bands.fetchall(), prints.fetchall()


def test_worker_processes_write_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "INLINE_CHUNKS", 1)  # workers from the second chunk
    corpus = tmp_path / "c.jsonl"
    texts = list(distractors().values())
    with corpus.open("w", encoding="utf-8") as handle:
        for i in range(600):  # more than two worker chunks
            text = f"Update {i}: " + texts[i % len(texts)][i % 50 :]
            handle.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    built = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.sqlite"
        with Store(db) as store:
            stats = ingest(store, iter_inputs([str(corpus)], 5_000_000), workers=workers)
        assert stats.added == 600
        built.append(_tables(db))
    assert built[0] == built[1]


def test_format_1_index_is_refused_then_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    assert run_cli("index", "add", str(CORPUS), "--index", str(db), "-q").exit_code == 0
    with sqlite3.connect(db) as conn:  # what spinlens wrote before formats were recorded
        conn.execute("DELETE FROM meta WHERE key = 'format'")
        conn.execute("UPDATE bands SET key = key + 1")
    seed = str(ROOT / "examples" / "seed-article.txt")
    refused = run_cli("trace", seed, "--index", str(db))
    assert refused.exit_code == 5
    assert "index format 1" in refused.stderr and "spinlens index upgrade" in refused.stderr
    upgraded = run_cli("index", "upgrade", "--index", str(db))
    assert upgraded.exit_code == 0, upgraded.stderr
    assert "upgraded 5 documents to index format 2" in upgraded.stdout
    traced = run_cli("trace", seed, "--index", str(db), "--format", "json")
    assert json.loads(traced.stdout)["best_source"] == "wire-isis-soleimani"


def test_row_keeps_metadata_for_workers() -> None:
    item = next(iter_inputs([str(CORPUS / "wire.jsonl")], 5_000_000))
    assert item.document is not None
    doc_id, _, url, title, date, source = row_of(item.document)
    assert (doc_id, date, source) == ("wire-isis-soleimani", "2020-01-09", "wire.example")
    assert url is not None and title is not None


def test_deferred_rows_are_merged_into_the_same_index(tmp_path: Path) -> None:
    """Bulk ingest defers lookup rows and merges them sorted; the index equals direct adds."""
    docs = {f"d{i}": f"Update {i}: {text}" for i, text in enumerate(distractors().values())}
    direct = tmp_path / "direct.sqlite"
    with Store(direct) as store:
        store.add([prepare(doc_id, text, store.params) for doc_id, text in docs.items()])
    deferred = tmp_path / "deferred.sqlite"
    with Store(deferred) as store:
        store.add([prepare(d, t, store.params) for d, t in docs.items()], defer=True)
        assert store.pending_rows() > 0
    with Store(deferred) as store:  # a writer's open merges what an interrupted ingest left
        assert store.pending_rows() == 0
    assert _tables(direct) == _tables(deferred)
