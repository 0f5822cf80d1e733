"""``spinlens train claims`` and the same-claim trainer write where the user says, else under
the user data folder: never over the shipped models in the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import spinlens
from tests.core.cli_runner import run_cli

PACKAGE = Path(spinlens.__file__).resolve().parent


def _datasets(root: Path) -> Path:
    from spinlens.eval.claims import CT2019, CT2020_T2, CT2024

    for name in (CT2019, CT2024, CT2020_T2):
        (root / name).mkdir(parents=True)
    return root


def _record(written: list[Path]) -> Any:
    def run(data: Path, out: Path, *args: Any, **kwargs: Any) -> list[str]:
        written.append(out)
        return []

    return run


def test_train_claims_without_out_writes_under_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sklearn")
    from spinlens.train import claims, claims_reranker

    written: list[Path] = []
    monkeypatch.setattr(claims, "run", _record(written))
    monkeypatch.setattr(claims_reranker, "run", _record(written))
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    data = _datasets(tmp_path / "data")
    run = run_cli("train", "claims", "--data", str(data), "--linear")
    assert run.exit_code == 0, run.stderr
    models = tmp_path / "home" / "models"
    assert written == [
        models / "checkworthy-fast",
        models / "checkworthy",
        models / "claim-reranker",
    ]
    assert all(folder.is_dir() for folder in written)
    assert not any(folder.resolve().is_relative_to(PACKAGE) for folder in written)
    assert str(models) in run.stdout
    written.clear()
    run = run_cli("train", "claims", "--data", str(data), "--linear", "--out", str(tmp_path / "o"))
    assert run.exit_code == 0, run.stderr
    assert written[-1] == tmp_path / "o" / "claim-reranker"


def test_the_sameclaim_trainer_defaults_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinlens.train import claims_sameclaim

    written: list[Path] = []
    monkeypatch.setattr(claims_sameclaim, "run", _record(written))
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    claims_sameclaim.main(["--data", str(tmp_path)])
    assert written == [tmp_path / "home" / "models" / "claim-reranker"]
    claims_sameclaim.main(["--data", str(tmp_path), "--out", str(tmp_path / "mine")])
    assert written[-1] == tmp_path / "mine"
