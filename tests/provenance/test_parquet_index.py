"""An index built on Spark as Parquet and searched through DuckDB equals the SQLite index."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from spinlens.errors import ConfigError, MissingDependencyError
from spinlens.provenance.ingest import ingest
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.manifest import MANIFEST
from spinlens.provenance.reader import inspect_index, open_index
from spinlens.provenance.store import Store
from spinlens.provenance.trace import trace

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
SEED = ROOT / "examples" / "seed-article.txt"
MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def spark(spark: Any) -> Any:
    """The shared local[2] session (tests/conftest.py), for a build that DuckDB then reads."""
    pytest.importorskip("duckdb")
    return spark


def _corpus(folder: Path) -> Path:
    """examples/corpus plus 300 synthetic documents: recombined sentences, siblings that
    quote a paragraph of the wire story (so the seed has several ranked sources), one
    exact duplicate under another id and one malformed line."""
    folder.mkdir()
    for file in CORPUS.iterdir():
        shutil.copy(file, folder / file.name)
    texts = [json.loads(line)["text"] for line in (CORPUS / "wire.jsonl").open()]
    texts += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    sentences = [s.strip() + "." for t in texts for s in t.split(". ") if len(s.split()) > 4]
    wire = texts[0].split("\n\n")
    rng = random.Random(13)
    records = []
    for i in range(300):
        body = rng.sample(sentences, 6)
        body.insert(rng.randrange(7), f"Report number {i} from desk {rng.randrange(40)}.")
        if i % 30 == 0:  # a sibling quoting one paragraph of the wire story
            body.insert(2, wire[1 + i // 30 % (len(wire) - 1)])
        records.append(
            {"id": f"syn-{i:03d}", "url": f"https://syn.example/{i}", "text": " ".join(body)}
        )
    records.append({"id": "syn-copy", "text": records[7]["text"]})  # same content, skipped
    lines = [json.dumps(r) for r in records] + ["{not json"]
    (folder / "synthetic.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _sqlite_keys(path: Path) -> dict[str, tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        docs = {
            pk: row
            for pk, *row in conn.execute(
                "SELECT pk, id, url, title, date, source, content_hash, n_words FROM documents"
            )
        }
        keys: dict[str, tuple[Any, ...]] = {}
        for pk, (doc_id, *meta) in docs.items():
            bands = sorted(k for (k,) in conn.execute("SELECT key FROM bands WHERE doc = ?", (pk,)))
            prints = sorted(
                h for (h,) in conn.execute("SELECT hash FROM fingerprints WHERE doc = ?", (pk,))
            )
            keys[doc_id] = (*meta, bands, prints)
        return keys
    finally:
        conn.close()


def _parquet_keys(path: Path) -> dict[str, tuple[Any, ...]]:
    import duckdb

    conn = duckdb.connect()
    docs = {
        pk: row
        for pk, *row in conn.execute(
            "SELECT pk, id, url, title, date, source, content_hash, n_words"
            f" FROM read_parquet('{path}/documents/*.parquet')"
        ).fetchall()
    }
    postings: dict[str, dict[int, list[int]]] = {}
    for table, column in (("bands", "key"), ("fingerprints", "hash")):
        postings[table] = {}
        rows = conn.execute(
            f"SELECT {column}, doc FROM read_parquet('{path}/{table}/*/*.parquet')"
        ).fetchall()
        for value, doc in rows:
            postings[table].setdefault(doc, []).append(value)
    return {
        doc_id: (
            *meta,
            sorted(postings["bands"].get(pk, [])),
            sorted(postings["fingerprints"].get(pk, [])),
        )
        for pk, (doc_id, *meta) in docs.items()
    }


@pytest.mark.spark
@pytest.mark.slow
def test_spark_built_parquet_index_equals_the_sqlite_index(spark: Any, tmp_path: Path) -> None:
    from spinlens.provenance.parquet_build import build_index

    corpus = _corpus(tmp_path / "corpus")
    sqlite_path = tmp_path / "index.sqlite"
    with Store(sqlite_path) as store:
        local = ingest(store, iter_inputs([str(corpus)], MAX_BYTES))
    out = tmp_path / "parquet"
    built = build_index([str(corpus)], out, spark=spark, buckets=8, max_bytes=MAX_BYTES)
    assert (built.added, built.duplicates, built.bad) == (
        local.added,
        local.skipped,
        len(local.errors),
    )
    assert (built.added, built.duplicates, built.bad) == (305, 1, 1)
    assert "malformed" in built.errors[0] or "E105" in built.errors[0]

    # the same documents, metadata, band keys and fingerprints, document by document
    assert _parquet_keys(out) == _sqlite_keys(sqlite_path)

    seed = SEED.read_text(encoding="utf-8")
    with Store(sqlite_path, create=False) as store:
        expected = trace(store, seed, doc_id="seed", top=10)
        expected_stats = store.stats()
    with open_index(out) as parquet:
        got = trace(parquet, seed, doc_id="seed", top=10)
        got_stats = parquet.stats()
    assert got == expected
    assert got["best_source"] == "wire-isis-soleimani"
    assert len(got["sources"]) >= 5, "the siblings quoting the wire story are ranked too"
    assert got["mutations"], "the seed's changes are found against the Parquet index"
    for key in ("documents", "words", "band_rows", "fingerprint_rows", "format", "params"):
        assert got_stats[key] == expected_stats[key], key

    _assert_every_entry_point_reads(out, sqlite_path, seed)

    (out / MANIFEST).unlink()  # as if the build had died before its last step
    with pytest.raises(ConfigError, match="not a complete Parquet index"), open_index(out):
        pass
    assert inspect_index(out).state == "unreadable"


def _assert_every_entry_point_reads(out: Path, sqlite_path: Path, seed: str) -> None:
    """trace (CLI), index stats, analyze (the pipeline's analyzer) and serve on the folder."""
    from fastapi.testclient import TestClient

    from spinlens.config import Settings
    from spinlens.document import Document
    from spinlens.pipeline import Pipeline
    from spinlens.serve import ServeConfig, create_app
    from tests.core.cli_runner import run_cli
    from tests.serve.conftest import LOCAL

    def cli_trace(index: Path) -> Any:
        run = run_cli("trace", str(SEED), "--index", str(index), "--format", "json")
        assert run.exit_code == 0, run.stderr
        return json.loads(run.stdout)

    assert cli_trace(out) == cli_trace(sqlite_path)
    stats = run_cli("index", "stats", "--index", str(out), "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["documents"] == 305

    def analyzed(index: Path) -> Any:
        settings = Settings.model_validate({"paths": {"index": str(index)}})
        pipeline = Pipeline(["quotes", "provenance"], settings=settings, raise_errors=True)
        return pipeline.run(Document.from_text(seed, language="en")).data["provenance"]

    data = analyzed(out)
    assert data == analyzed(sqlite_path) and data["best_source"] == "wire-isis-soleimani"

    settings = Settings.model_validate({"paths": {"index": str(out)}})
    app = create_app(settings, ServeConfig(), Pipeline(["quotes"], settings=settings))
    with TestClient(app, base_url=LOCAL) as client:
        served = client.post("/api/v1/trace", json={"text": seed})
    assert served.status_code == 200, served.text
    assert served.json()["sources"] == data["sources"]


def _manifest(folder: Path) -> Path:
    (folder / "documents").mkdir(parents=True)
    manifest = {
        "layout": 1,
        "format": 2,
        "params": {"k": 5, "num_perm": 64, "bands": 16, "sample": 8},
        "buckets": 8,
        "documents": 1,
        "words": 9,
        "band_rows": 16,
        "fingerprint_rows": 1,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_folder_without_manifest_is_refused_with_the_command_that_rebuilds_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "half"
    (folder / "bands" / "bucket=1").mkdir(parents=True)
    with pytest.raises(ConfigError, match="build did not finish") as caught, open_index(folder):
        pass
    assert "spinlens index build" in str(caught.value)
    status = inspect_index(folder)
    assert (status.state, "manifest.json" in status.detail) == ("unreadable", True)


def test_a_parquet_index_without_duckdb_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _manifest(tmp_path / "index")
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(MissingDependencyError, match=r"spinlens\[parquet\]"), open_index(folder):
        pass
    assert inspect_index(folder).state == "ok", "the manifest alone says what the index holds"


def test_index_build_refuses_an_existing_output_before_starting_spark(tmp_path: Path) -> None:
    from spinlens.provenance.parquet_build import build_index

    out = tmp_path / "out"
    out.mkdir()
    (out / "old.parquet").write_bytes(b"x")
    with pytest.raises(ConfigError, match="already exists"):
        build_index([str(CORPUS)], out)


def test_status_and_the_cli_read_a_parquet_folder_and_refuse_bad_builds(tmp_path: Path) -> None:
    from spinlens.config import Settings
    from spinlens.status import all_stores
    from tests.core.cli_runner import run_cli

    folder = _manifest(tmp_path / "index")
    settings = Settings.model_validate({"paths": {"index": str(folder)}})
    (status,) = [s for s in all_stores(settings) if s.analyzer == "provenance"]
    assert (status.state, status.records) == ("ok", 1), "spinlens status counts its documents"
    assert run_cli("index", "build", str(CORPUS), "--engine", "local", "--out", "x").exit_code == 3
    (folder / MANIFEST).unlink()
    refused = run_cli("index", "stats", "--index", str(folder))
    assert refused.exit_code == 5 and "build did not finish" in refused.stderr
    existing = run_cli("index", "build", str(CORPUS), "--out", str(folder))
    assert existing.exit_code == 5 and "already exists" in existing.stderr
