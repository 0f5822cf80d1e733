"""Store paths in a config file: ``~`` is the home folder, as the README's example promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.config import Paths


def test_tilde_in_store_paths_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = Paths.model_validate(
        {"index": "~/idx.sqlite", "factcheck_db": "~/fc.sqlite", "sources_db": "~/src.sqlite"}
    )
    assert paths.index == tmp_path / "idx.sqlite"
    assert paths.factcheck_db == tmp_path / "fc.sqlite"
    assert paths.sources_db == tmp_path / "src.sqlite"
