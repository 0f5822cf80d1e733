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


def test_a_damaged_factcheck_store_is_a_coded_5xx(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """It answered 500 with a traceback in the log on every request."""
    pytest.importorskip("spinlens.factcheck.match")
    import random

    checks = tmp_path / "checks.csv"
    rows = [
        f"Claim number {i} about the budget,False,CheckDesk,https://c.example/{i}"
        for i in range(300)
    ]
    checks.write_text("claim,verdict,publisher,url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run_cli("factcheck", "import", str(checks), "--format", "csv").exit_code == 0
    settings = Settings()
    store = settings.paths.factcheck_db
    with store.open("r+b") as handle:
        handle.seek(max(4096, store.stat().st_size // 2 - 4096))
        handle.write(random.Random(3).randbytes(8192))
    app = create_app(settings, ServeConfig(), Pipeline(["quotes"], settings=settings))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        for _ in range(2):
            response = client.post("/api/v1/factcheck/match", json={"claim": "the budget"})
            assert response.status_code == 500, response.text
            assert response.json()["error"]["code"] == "E504"
            assert "factcheck import" in response.json()["error"]["message"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"


def test_factcheck_match_says_whether_a_candidate_is_the_same_claim(tmp_path: Path) -> None:
    """The endpoint returned the topical ranking only: a fact-check about Soleimani's funeral
    came back as the answer to a claim about his killing, with nothing to say it is another
    claim. Now each candidate carries the same-claim probability and the analyzer's decision,
    and ``only_matches`` keeps what the analyzer (and ``--only-matches``) would report."""
    pytest.importorskip("spinlens.factcheck.sameclaim")
    from spinlens.factcheck.sameclaim import shipped_sameclaim

    checks = tmp_path / "checks.csv"
    checks.write_text(
        "claim,verdict,publisher,url\n"
        "The US has military bases in Iraq's Anbar province,False,CheckDesk,https://c.example/1\n"
        "The moon landing was staged,False,CheckDesk,https://c.example/2\n"
        "\"A video shows a crowd of one million mourners at Qassem Soleimani's funeral in "
        'Tehran",False,CheckDesk,https://c.example/3\n',
        encoding="utf-8",
    )
    assert run_cli("factcheck", "import", str(checks), "--format", "csv").exit_code == 0
    threshold = shipped_sameclaim().threshold
    url = "/api/v1/factcheck/match"
    topical = "Qassem Soleimani was killed by a US drone strike at Baghdad airport"
    same = "America has military bases in Anbar"
    with TestClient(
        create_app(Settings(), ServeConfig(), Pipeline(["quotes"])), base_url=LOCAL
    ) as client:
        body = client.post(url, json={"claim": topical, "top_k": 1}).json()
        assert body["threshold"] == threshold
        (top,) = body["matches"]
        assert "Soleimani's funeral" in top["claim"]  # ranked first: same topic ...
        assert top["probability"] < threshold and top["match"] is False  # ... another claim
        assert client.post(url, json={"claim": topical, "only_matches": True}).json() == {
            "claim": topical,
            "threshold": threshold,
            "matches": [],
        }

        (found,) = client.post(url, json={"claim": same, "only_matches": True}).json()["matches"]
        assert found["claim"].startswith("The US has military bases")
        assert found["probability"] >= threshold and found["match"] is True
        assert found["rank"] == 1
