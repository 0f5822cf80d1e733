"""POST /api/v1/factcheck/match against a small imported store."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinlens.config import Settings
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app
from tests.core.cli_runner import run_cli
from tests.serve.conftest import LOCAL


def test_factcheck_match_finds_the_published_check(tmp_path: Path) -> None:
    pytest.importorskip("spinlens.factcheck.match")
    checks = tmp_path / "checks.csv"
    checks.write_text(
        "claim,verdict,publisher,url\n"
        "The US has military bases in Iraq's Anbar province,False,CheckDesk,https://c.example/1\n"
        "The moon landing was staged,False,CheckDesk,https://c.example/2\n",
        encoding="utf-8",
    )
    imported = run_cli("factcheck", "import", str(checks), "--format", "csv")
    assert imported.exit_code == 0, imported.stderr
    with TestClient(
        create_app(Settings(), ServeConfig(), Pipeline(["quotes"])), base_url=LOCAL
    ) as client:
        claim = {"claim": "America has military bases in Anbar", "top_k": 1}
        matched = client.post("/api/v1/factcheck/match", json=claim).json()["matches"]
        assert matched[0]["claim"].startswith("The US has military bases")
        assert matched[0]["rating"] == "false"
