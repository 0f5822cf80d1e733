"""The claims analyzer on the seed article, with and without a fact-check database."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.analyzers.base import Result
from spinlens.analyzers.claims import ClaimsAnalyzer
from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.errors import ConfigError
from spinlens.factcheck.importers import read_claimreview
from spinlens.factcheck.store import FactCheckStore
from spinlens.models.runtime import load_card

FACTCHECKS = Path(__file__).parents[1] / "factcheck" / "data" / "claimreview.jsonld"

SEED_CLAIMS = {
    "us_bases": "the US military has bases all around Iran",
    "drone_strike": "killed by a US drone strike on January 3",
    "invited": "invited by US officials",
    "resolution": "Iraqi lawmakers passed a non-binding resolution",
}
TOP_FRACTION = 2 / 3


def _run(text: str, **options: object) -> tuple[Document, Result]:
    doc = Document.from_text(text)
    analyzer = ClaimsAnalyzer(**options)  # type: ignore[arg-type]
    analyzer.initialize()
    return doc, analyzer.analyze(doc, {})


def test_seed_key_claims_rank_high_and_are_findings(seed_text: str) -> None:
    doc, result = _run(seed_text)
    ranked = sorted(result.data["sentences"], key=lambda s: -s["score"])
    # A news article is mostly factual sentences; the key claims must be in its top two thirds.
    cut = TOP_FRACTION * len(ranked)
    top = [doc.text[s["start"] : s["end"]] for s in ranked[: round(cut)]]
    for name, phrase in SEED_CLAIMS.items():
        assert any(phrase in sentence for sentence in top), f"{name} not in the top: {top}"
    claimed = [doc.text[s.start : s.end] for s in result.spans]
    for phrase in SEED_CLAIMS.values():
        assert any(phrase in sentence for sentence in claimed)


def test_boilerplate_is_not_check_worthy(seed_text: str) -> None:
    doc, result = _run(seed_text)
    scores = {doc.text[s["start"] : s["end"]].strip(): s["score"] for s in result.data["sentences"]}
    assert scores["27-07-20 08:14"] < 0.5


def test_spans_are_typed_with_entities(seed_text: str) -> None:
    doc, result = _run(seed_text)
    assert result.spans
    for span in result.spans:
        assert span.label == "claim" and span.score >= 0.5
        assert span.attrs["type"] in {
            "statistic",
            "event",
            "quote",
            "causal",
            "comparison",
            "prediction",
            "other",
        }
        assert span.attrs["matches"] == []
    bases = next(s for s in result.spans if SEED_CLAIMS["us_bases"] in doc.text[s.start : s.end])
    assert "Turkmenistan" in bases.attrs["entities"]


def test_threshold_controls_findings(seed_text: str) -> None:
    _, strict = _run(seed_text, threshold=0.95)
    _, loose = _run(seed_text, threshold=0.05)
    assert len(strict.spans) < len(loose.spans)
    with pytest.raises(ConfigError):
        ClaimsAnalyzer(threshold=1.5)


def test_matches_from_the_configured_database(seed_text: str, tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    with FactCheckStore(db) as store:
        store.upsert(read_claimreview(FACTCHECKS))
    settings = Settings(paths=Paths(factcheck_db=db))
    doc, result = _run(seed_text, settings=settings)
    bases = next(s for s in result.spans if SEED_CLAIMS["us_bases"] in doc.text[s.start : s.end])
    best = bases.attrs["matches"][0]
    assert best["url"] == "https://factcheck.example.org/2020/01/us-bases-iran"
    assert best["rating"] == "false" and best["verdict"] == "False"
    assert "Already fact-checked" in (bases.explanation or "")
    assert result.data["matched_false"] >= 1
    unrelated = [
        s
        for s in result.spans
        if "ISIS has not been entirely destroyed" in doc.text[s.start : s.end]
    ]
    assert all(not s.attrs["matches"] for s in unrelated)


def test_fast_model_scores_without_the_encoder(seed_text: str) -> None:
    doc, result = _run(seed_text, model="checkworthy-fast")
    assert result.model == f"checkworthy-fast@{load_card('checkworthy-fast')['version']}"
    claimed = [doc.text[s.start : s.end] for s in result.spans]
    assert any(SEED_CLAIMS["resolution"] in sentence for sentence in claimed)
    with pytest.raises(ConfigError, match="unknown model"):
        ClaimsAnalyzer(model="nope")
