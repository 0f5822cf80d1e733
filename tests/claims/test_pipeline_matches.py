"""Through the pipeline: each check-worthy claim's fact-check matches reach the JSON and HTML
reports with verdict and link; hostile fact-check records stay inert; a broken database costs
the matches, not the analysis."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.factcheck.importers import read_claimreview
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.pipeline import Pipeline
from spinlens.report.render import renderer

FACTCHECKS = Path(__file__).parents[1] / "factcheck" / "data" / "claimreview.jsonld"
US_BASES = "the US military has bases all around Iran"
HOSTILE = FactCheck(
    id="evil",
    claim="The US military has bases all around Iran, in Pakistan and Oman "
    "<script>alert(1)</script>",
    verdict='<img src=x onerror="alert(2)">False',
    rating="false",
    publisher="<b>Evil</b> Checks",
    url="javascript:alert(3)",
)


def _report(seed_text: str, db: Path, fmt: str) -> str:
    pipeline = Pipeline(["claims"], settings=Settings(paths=Paths(factcheck_db=db)))
    return renderer(fmt)(pipeline.run(Document.from_text(seed_text, language="en")))


def test_matches_in_json_and_html_reports(seed_text: str, tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    with FactCheckStore(db) as store:
        store.upsert(read_claimreview(FACTCHECKS))
    report = json.loads(_report(seed_text, db, "json"))
    claims = [f for f in report["findings"] if f["analyzer"] == "claims"]
    bases = next(f for f in claims if US_BASES in f["text"])
    best = bases["attrs"]["matches"][0]
    assert best["url"] == "https://factcheck.example.org/2020/01/us-bases-iran"
    assert best["verdict"] == "False" and best["rating"] == "false"
    assert best["score"] >= 0.5
    html = _report(seed_text, db, "html")
    assert 'href="https://factcheck.example.org/2020/01/us-bases-iran"' in html
    assert "No matching fact-check found." in html or all(f["attrs"]["matches"] for f in claims)


def test_hostile_fact_check_records_render_inert(seed_text: str, tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    with FactCheckStore(db) as store:
        store.upsert([HOSTILE])
    report = json.loads(_report(seed_text, db, "json"))
    matched = [
        m for f in report["findings"] if f["analyzer"] == "claims" for m in f["attrs"]["matches"]
    ]
    assert any(m["claim_id"] == "evil" for m in matched)  # the record did reach the report
    html = _report(seed_text, db, "html")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html and "<b>Evil</b>" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_a_broken_database_is_a_warning(seed_text: str, tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    db.write_bytes(b"not a database at all" * 50)
    report = json.loads(_report(seed_text, db, "json"))
    assert any("claims" in w and "fact-check database" in w for w in report["warnings"])
    claims = [f for f in report["findings"] if f["analyzer"] == "claims"]
    assert claims and all(f["attrs"]["matches"] == [] for f in claims)
