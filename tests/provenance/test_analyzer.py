"""The pipeline analyzer: findings on the article when an index exists, nothing otherwise."""

from __future__ import annotations

from pathlib import Path

from spinlens.config import Settings
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS


def _pipeline(index: Path) -> Pipeline:
    settings = Settings.model_validate({"paths": {"index": str(index)}})
    return Pipeline(["quotes", "provenance"], settings=settings, raise_errors=True)


def test_findings_and_redline_data_when_indexed(tmp_path: Path, seed_text: str) -> None:
    db = tmp_path / "i.sqlite"
    assert run_cli("index", "add", str(CORPUS), "--index", str(db), "-q").exit_code == 0
    report = _pipeline(db).run(Document.from_text(seed_text, language="en"))
    found = [f for f in report.findings if f.analyzer == "provenance"]
    labels = {f.label for f in found}
    assert {"loaded_wording", "quote_added", "new_claim", "quote_not_found"} <= labels
    for finding in found:
        assert finding.text == seed_text[finding.start : finding.end]
    data = report.data["provenance"]
    assert data["best_source"] == "wire-isis-soleimani"
    assert data["aligned"] and data["source_text"].startswith("ISIS terrorists applauded")
    assert all(m["source_id"] == "wire-isis-soleimani" for m in data["mutations"])


def test_no_index_means_no_findings(tmp_path: Path, seed_text: str) -> None:
    report = _pipeline(tmp_path / "missing.sqlite").run(
        Document.from_text(seed_text, language="en")
    )
    run = next(r for r in report.analyzers if r.name == "provenance")
    assert run.status == "ok" and run.findings == 0
    assert "provenance" not in report.data
