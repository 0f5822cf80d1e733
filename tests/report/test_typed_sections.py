"""Schema 1.2: what renderers and API users read from a report comes typed, and a report with
every section filled fits the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from spinlens.config import Settings
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.report import Report, json_schema
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    db = tmp_path_factory.mktemp("typed") / "index.sqlite"
    assert run_cli("index", "add", str(CORPUS), "--index", str(db), "-q").exit_code == 0
    settings = Settings.model_validate({"paths": {"index": str(db)}})
    pipeline = Pipeline(["quotes", "claims", "provenance"], settings=settings, raise_errors=True)
    seed = (Path(__file__).parents[2] / "examples" / "seed-article.txt").read_text("utf-8")
    return pipeline.run(Document.from_text(seed, language="en"))


def test_sections_read_typed(report: Report) -> None:
    quotes = report.quotes()
    assert any(q.speaker == "Netanyahu" and q.cue == "said" for q in quotes)
    provenance = report.provenance()
    assert provenance is not None
    assert provenance.best_source == provenance.sources[0].id == "wire-isis-soleimani"
    assert {"loaded_wording", "quote_added"} <= {m.type for m in provenance.mutations}
    assert any(c.label == "quote_not_found" for c in provenance.quotes)
    claims = report.claims()
    assert claims and all(attrs.type and attrs.matches == [] for _, attrs in claims)
    assert report.sources() is None  # the sources analyzer did not run


def test_report_fits_the_published_schema(report: Report) -> None:
    data = json.loads(report.model_dump_json())
    schema = json_schema()
    jsonschema.validate(data, schema)
    data["data"]["provenance"]["mutations"][0]["start"] = "here"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data = json.loads(report.model_dump_json())
    claim = next(f for f in data["findings"] if f["analyzer"] == "claims")
    claim["attrs"]["matches"] = [{"claim": "no id, rating or score"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_aligned_blocks_are_declared_and_typed(report: Report) -> None:
    """The redline lines article and source up on ``aligned``: a reader gets typed blocks whose
    offsets cut the same words out of both texts, and the schema rejects a broken block."""
    provenance = report.provenance()
    assert provenance is not None and provenance.aligned
    article = report.document.text
    for block in provenance.aligned:
        assert block.end - block.start == block.source_end - block.source_start
        assert (
            article[block.start : block.end]
            == provenance.source_text[block.source_start : block.source_end]
        )
    data = json.loads(report.model_dump_json())
    data["data"]["provenance"]["aligned"][0]["source_end"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())
