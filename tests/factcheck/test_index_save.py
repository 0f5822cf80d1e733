"""The persisted index: workers rebuilding it at once, or a read-only folder, never fail a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.factcheck.importers import read_csv
from spinlens.factcheck.index import FactCheckIndex, index_folder, open_index
from spinlens.factcheck.store import FactCheckStore

DATA = Path(__file__).parent / "data"


def test_an_unwritable_index_folder_still_gives_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: FactCheckIndex, folder: Path) -> None:
        raise PermissionError(13, "read-only file system")

    monkeypatch.setattr(FactCheckIndex, "save", refuse)
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(read_csv(DATA / "factchecks.csv"))
        index = open_index(store)
    assert sorted(index.ids) == ["csv-1", "csv-2", "csv-3"]
    assert not index_folder(tmp_path / "fc.sqlite").exists()


def test_losing_the_swap_to_another_process_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(read_csv(DATA / "factchecks.csv"))
        index = open_index(store)
    folder = index_folder(tmp_path / "fc.sqlite")
    original = Path.rename

    def other_process_first(self: Path, target: Path) -> Path:
        if Path(target) == folder:
            folder.mkdir(exist_ok=True)
            (folder / "meta.json").write_text("{}", encoding="utf-8")
            raise OSError(39, "Directory not empty")
        return original(self, target)

    monkeypatch.setattr(Path, "rename", other_process_first)
    index.save(folder)  # must not raise
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]  # own files cleaned up
