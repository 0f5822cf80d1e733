"""The store: upserts are idempotent and transactional; the index follows imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spinlens.errors import InputError
from spinlens.factcheck.importers import read_csv
from spinlens.factcheck.index import FactCheckIndex, index_folder, open_index
from spinlens.factcheck.store import FactCheck, FactCheckStore

DATA = Path(__file__).parent / "data"


def test_reimport_updates_without_duplicates(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(read_csv(DATA / "factchecks.csv"))
        store.upsert(read_csv(DATA / "factchecks.csv"))
        assert store.count() == 3
        store.upsert([FactCheck(id="csv-1", claim="changed", rating="true")])
        assert store.count() == 3
        assert store.get(["csv-1"])["csv-1"].claim == "changed"


def test_failed_import_leaves_the_store_untouched(tmp_path: Path) -> None:
    def broken() -> list[FactCheck]:
        raise RuntimeError("bad record")

    def records() -> Iterator[FactCheck]:
        yield FactCheck(id="a", claim="first")
        broken()

    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        generation = store.generation()
        with pytest.raises(RuntimeError):
            store.upsert(records())
        assert store.count() == 0
        assert store.generation() == generation


def test_missing_database_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        FactCheckStore(tmp_path / "none.sqlite", create=False)


def test_index_is_saved_and_rebuilt_when_stale(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(read_csv(DATA / "factchecks.csv"))
        first = open_index(store)
        assert index_folder(store.path).is_dir()
        loaded = FactCheckIndex.load(index_folder(store.path))
        assert loaded is not None and loaded.ids == first.ids
        store.upsert([FactCheck(id="new", claim="A brand new claim about tariffs.")])
        assert "new" in open_index(store).ids


def test_a_locked_database_is_a_one_line_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from spinlens.errors import OutputError

    monkeypatch.setattr(FactCheckStore, "lock_wait", 0.05)
    db = tmp_path / "fc.sqlite"
    with FactCheckStore(db) as store:
        store.upsert(read_csv(DATA / "factchecks.csv"))
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")  # another import holds the write lock
    try:
        with FactCheckStore(db, create=False) as reader:  # matching goes on meanwhile
            assert reader.count() == 3
        with FactCheckStore(db) as store, pytest.raises(OutputError, match="locked"):
            store.upsert([FactCheck(id="new", claim="A new claim.")])
    finally:
        other.rollback()
        other.close()
    with FactCheckStore(db) as store:
        assert store.count() == 3 and "new" not in store.get(["new"])
