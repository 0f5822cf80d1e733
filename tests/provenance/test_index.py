"""The index: ingest is idempotent, transactional, and removable; the CLI reports it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from spinlens.provenance.ingest import ingest, prepare
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.store import Store
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS, distractors, store_with


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("documents", "bands", "fingerprints")
        )


def test_rerun_skips_by_content_and_never_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    first = run_cli("index", "add", str(CORPUS), "--index", str(db), "-q")
    assert first.exit_code == 0, first.stderr
    assert "added 5" in first.stdout
    before = _counts(db)
    again = run_cli("index", "add", str(CORPUS), "--index", str(db), "-q")
    assert again.exit_code == 0
    assert "added 0, already indexed 5" in again.stdout
    assert _counts(db) == before


def test_jsonl_ids_csv_and_bad_records(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    jsonl = tmp_path / "docs.jsonl"
    rows = [{"id": "a1", "text": "One two three four five six seven eight nine ten."}]
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n", encoding="utf-8")
    csv_file = tmp_path / "docs.csv"
    csv_file.write_text('id,title,text\nc1,T,"Alpha beta gamma delta epsilon zeta eta."\n')
    run = run_cli("index", "add", str(jsonl), str(csv_file), "--index", str(db), "-q")
    assert run.exit_code == 8  # done, but a bad record was skipped
    assert "malformed JSON" in run.stderr
    with Store(db) as store:
        assert store.get("a1") is not None
        assert store.get("c1") is not None


def test_failed_batch_leaves_no_partial_document(tmp_path: Path) -> None:
    store = Store(tmp_path / "i.sqlite")
    store.add([prepare("good", "a b c d e f g h i j k l", store.params)])
    before = _counts(store.path)
    bad = replace(prepare("bad", "z y x w v u t s r q", store.params), fingerprints=_Killed())
    with pytest.raises(RuntimeError, match="killed"):
        store.add([prepare("other", "m n o p q r s t u v w", store.params), bad])
    assert _counts(store.path) == before
    assert store.get("other") is None
    store.close()


class _Killed:
    """Fails half-way through writing a batch, like a process killed mid-ingest."""

    def __iter__(self) -> Iterator[int]:
        raise RuntimeError("killed")


def test_remove_deletes_keys_and_changed_id_is_replaced(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    store = store_with(db, distractors())
    n_docs, _, _ = _counts(db)
    assert store.remove("oil-prices")
    assert not store.remove("oil-prices")
    assert _counts(db)[0] == n_docs - 1
    fresh = Store(tmp_path / "fresh.sqlite")
    fresh.add([prepare(k, v, fresh.params) for k, v in distractors().items() if k != "oil-prices"])
    assert _counts(db) == _counts(fresh.path)  # no orphaned band or fingerprint rows
    store.add(
        [prepare("nato-training-pause", "Completely new text about other things.", store.params)]
    )
    doc = store.get("nato-training-pause")
    assert doc is not None and doc.text.startswith("Completely new")
    store.close()
    fresh.close()


def test_stats_and_remove_cli(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    run_cli("index", "add", str(CORPUS), "--index", str(db), "-q")
    stats = run_cli("index", "stats", "--index", str(db), "--json")
    assert json.loads(stats.stdout)["documents"] == 5
    gone = run_cli("index", "remove", "oil-prices", "--index", str(db))
    assert gone.exit_code == 0
    missing = run_cli("index", "remove", "no-such-doc", "--index", str(db))
    assert missing.exit_code == 3
    assert "not in the index: no-such-doc" in missing.stderr
    absent = run_cli("index", "stats", "--index", str(tmp_path / "nope.sqlite"))
    assert absent.exit_code == 3
    assert "no provenance index" in absent.stderr


def test_iter_inputs_reads_directories(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text here for the index.", encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><body><article><p>An HTML article body that is long enough to extract "
        "as main text by trafilatura.</p></article></body></html>",
        encoding="utf-8",
    )
    store = Store(tmp_path / "i.sqlite")
    stats = ingest(store, iter_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.html")], 10**6))
    assert stats.added + len(stats.errors) == 2
    assert store.get("a") is not None
    store.close()
