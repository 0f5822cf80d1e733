"""The verdict reads each analyzer's Result as the cross-analyzer contract describes it."""

from __future__ import annotations

from typing import Any

import pytest

from spinlens.analyzers.base import Result
from spinlens.analyzers.quotes import QuotesAnalyzer
from spinlens.analyzers.results import (
    Claim,
    ClaimsResult,
    FactCheckMatch,
    SourceRating,
    SourcesResult,
)
from spinlens.analyzers.verdict import VerdictAnalyzer, load_calibration
from spinlens.document import Document
from spinlens.report.schema import Verdict

TEXT = (
    "The minister said on Monday that unemployment fell to 3 percent in March. "
    "Critics said the figure was wrong and that 9 percent of workers had no job. "
    "The office will publish revised data in June, a spokeswoman said. The survey covers "
    "households in every region and is run by the statistics office each quarter, with "
    "results checked against tax records before they are released to the public.\n"
)


def judge(doc: Document, context: dict[str, Result]) -> dict[str, Any]:
    """The verdict as the pipeline gives it: with the quotes analyzer's result in context."""
    full = {"quotes": QuotesAnalyzer().analyze(doc, {}), **context}
    verdict = VerdictAnalyzer().analyze(doc, full).verdict
    assert verdict is not None
    return verdict.model_dump()


def _verdict(context: dict[str, Result]) -> dict[str, Any]:
    return judge(Document.from_text(TEXT, language="en"), context)


def _claim(doc_text: str, sentence: str, rating: str) -> Result:
    start = doc_text.index(sentence)
    match = FactCheckMatch(
        claim_id="c1",
        claim="Unemployment fell to 3 percent",
        verdict="Pants on fire",
        rating=rating,
        url="https://factcheck.example/1",
        publisher="FactCheck Example",
        score=0.9,
    )
    claim = Claim(start, start + len(sentence), 0.8, "statistic", matches=(match,))
    return ClaimsResult(claims=(claim,), data={"sentences": [], "matched_false": 1})


def test_baseline_is_reliable() -> None:
    assert _verdict({})["label"] == "reliable"


def test_false_fact_check_match_is_a_reason_on_the_claim() -> None:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    data = _verdict({"claims": _claim(TEXT, sentence, "false")})
    top = data["reasons"][0]
    assert "rated false by FactCheck Example" in top["text"] and top["weight"] > 0.5
    assert top["spans"][0]["text"] == sentence and top["spans"][0]["analyzer"] == "claims"
    assert data["score"] > _verdict({})["score"]


def test_one_false_match_makes_a_news_like_article_mixed() -> None:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    assert _verdict({"claims": _claim(TEXT, sentence, "false")})["label"] == "mixed"


def test_true_match_lowers_the_score() -> None:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    assert _verdict({"claims": _claim(TEXT, sentence, "true")})["score"] < _verdict({})["score"]


def test_low_source_rating_is_a_reason_naming_its_lists() -> None:
    sources = SourcesResult(
        domain="junk.example",
        score=0.05,
        ratings=(SourceRating("opensources", "junk.example", 0.0, "fake", ""),),
    )
    data = _verdict({"sources": sources})
    reason = next(r for r in data["reasons"] if "junk.example" in r["text"])
    assert "opensources (fake)" in reason["text"] and reason["weight"] > 1.0
    assert data["label"] in {"mixed", "unreliable"}


def test_two_kinds_of_evidence_reach_unreliable() -> None:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    data = _verdict({"claims": _claim(TEXT, sentence, "false"), "sources": _rating_sources()})
    assert data["label"] == "unreliable"


def test_non_english_gets_no_style_reasons() -> None:
    doc = Document.from_text("El ministro dijo el lunes que el paro bajó. " * 10, language="es")
    data = judge(doc, {})
    assert data["reasons"] == [] and data["label"] == "insufficient evidence"


def _technique_weight(text: str) -> float:
    """The propaganda reason's weight for two loaded-language passages in the first sentence."""
    doc = Document.from_text(text, language="en")
    spans = tuple(
        doc.span(text.index(w), text.index(w) + len(w), "Loaded_Language", 0.9)
        for w in ("minister", "unemployment")
    )
    data = judge(doc, {"propaganda": Result(spans=spans, data={})})
    weights = [r["weight"] for r in data["reasons"] if "loaded language" in r["text"]]
    assert len(weights) == 1, data["reasons"]
    return float(weights[0])


def test_techniques_weigh_by_density_not_raw_count() -> None:
    # the same two passages weigh less in an article four times as long
    short, long = _technique_weight(TEXT), _technique_weight(TEXT * 4)
    assert 0 < long < short
    # and a very short text is counted as a 200-word one, not blown up
    tiny = _technique_weight(TEXT.split(". ")[0] + ".\n")
    assert tiny == _technique_weight(TEXT.split(". ")[0] + ". It rained.\n")


def _rating_sources(score: float = 0.1) -> SourcesResult:
    return SourcesResult(
        domain="junk.example",
        score=score,
        ratings=(
            SourceRating("desk", "junk.example", score, "blocked", ""),
            SourceRating("notes", "junk.example", None, "seen", ""),
        ),
    )


def test_source_reason_rests_on_the_list_ratings_that_score_it() -> None:
    data = _verdict({"sources": _rating_sources()})
    (reason,) = [r for r in data["reasons"] if "junk.example" in r["text"]]
    assert reason["spans"] == []
    assert reason["ratings"] == [
        {"list": "desk", "domain": "junk.example", "score": 0.1, "label": "blocked"}
    ]
    assert Verdict.model_validate(data).reasons[0].ratings[0].list == "desk"


def test_a_score_without_a_rating_behind_it_is_no_reason() -> None:
    orphan = SourcesResult(domain="junk.example", score=0.05)
    with_orphan, without = _verdict({"sources": orphan}), _verdict({})
    for key in ("score", "label", "reasons"):
        assert with_orphan[key] == without[key]


def test_every_reason_has_evidence_to_show() -> None:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    doc = Document.from_text(TEXT, language="en")
    loaded = TEXT.index("Critics")
    propaganda = Result(
        spans=(
            doc.span(loaded, loaded + 7, "Doubt", 0.9),
            doc.span(loaded, loaded, "Loaded_Language", 0.9),  # empty: shows nothing
        )
    )
    data = judge(
        doc,
        {
            "claims": _claim(TEXT, sentence, "false"),
            "sources": _rating_sources(),
            "propaganda": propaganda,
        },
    )
    assert len(data["reasons"]) >= 3
    for reason in data["reasons"]:
        shown = [s for s in reason["spans"] if s["end"] > s["start"] and s["text"]]
        assert shown or reason.get("ratings"), reason
        assert len(shown) == len(reason["spans"]), "no empty span is cited"
    assert not any("loaded language" in r["text"] for r in data["reasons"])
    assert any("“doubt” in 1 passage" in r["text"] for r in data["reasons"])


def test_reasons_past_the_limit_are_counted_in_the_explanation() -> None:
    doc = Document.from_text(TEXT, language="en")
    words = [w for w in dict.fromkeys(TEXT.split()) if w.isalpha() and len(w) > 3][:16]
    spans = tuple(
        doc.span(TEXT.index(w), TEXT.index(w) + len(w), f"Technique_{i}", 0.9)
        for i, w in enumerate(words)
    )
    data = judge(doc, {"propaganda": Result(spans=spans)})
    limit = load_calibration()[1]["thresholds"]["max_reasons"]
    assert len(spans) > limit and len(data["reasons"]) == limit
    assert "smaller reason(s) not listed" in data["explanation"]
    assert "not listed" not in _verdict({})["explanation"]


def _matched(rating: str, probability: float) -> Result:
    sentence = "The minister said on Monday that unemployment fell to 3 percent in March."
    start = TEXT.index(sentence)
    match = FactCheckMatch(
        claim_id="c1",
        claim="Unemployment fell to 3 percent",
        rating=rating,
        score=0.9,
        url="https://factcheck.example/1",
        publisher="FactCheck Example",
        probability=probability,
    )
    claim = Claim(start, start + len(sentence), 0.8, "statistic", matches=(match,))
    return ClaimsResult(claims=(claim,))


def _claim_weight(rating: str, probability: float) -> float:
    reasons = _verdict({"claims": _matched(rating, probability)})["reasons"]
    return next(r["weight"] for r in reasons if "fact-check" in r["text"])


def test_a_match_weighs_by_rating_and_same_claim_probability() -> None:
    assert _claim_weight("false", 0.9) > _claim_weight("false", 0.45) > 0.4
    assert _claim_weight("false", 0.9) == pytest.approx(2 * _claim_weight("false", 0.45), 0.01)
    assert _claim_weight("true", 0.9) < 0
    assert 0 < _claim_weight("unknown", 0.9) < 0.2 < _claim_weight("mixed", 0.9)


def test_a_match_reason_names_rating_publisher_and_link() -> None:
    reasons = _verdict({"claims": _matched("false", 0.8)})["reasons"]
    text = next(r["text"] for r in reasons if "fact-check" in r["text"])
    assert "rated false by FactCheck Example (https://factcheck.example/1)" in text
    assert "p=0.80" in text
