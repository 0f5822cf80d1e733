"""Headline signals: found only on a real headline line, counted once, and shown as reasons."""

from __future__ import annotations

from spinlens.analyzers.base import Result
from spinlens.analyzers.quotes import QuotesAnalyzer
from spinlens.analyzers.verdict.signals import headline, signals
from spinlens.document import Document
from tests.verdict.test_verdict import WIRE
from tests.verdict.test_verdict_contract import judge

BODY = (
    "The actress said on Monday that she would be open to a reunion of the show, according to "
    "a statement from her spokeswoman. The studio declined to comment.\n"
)


def _quoted(doc: Document) -> dict[str, Result]:
    return {"quotes": QuotesAnalyzer().analyze(doc, {})}


def _signals(text: str) -> dict[str, list[str]]:
    doc = Document.from_text(text, language="en")
    return {s.name: [text[e.start : e.end] for e in s.evidence] for s in signals(doc, _quoted(doc))}


def test_headline_is_a_short_first_line_followed_by_text() -> None:
    text = "Star Hints At Reunion\n\n" + BODY
    assert headline(Document.from_text(text, language="en")) == (0, len("Star Hints At Reunion"))
    # a lede sentence, a lone line and a dateline paragraph are not headlines
    assert headline(Document.from_text(BODY, language="en")) is None
    assert headline(Document.from_text("Star Hints At Reunion", language="en")) is None
    assert headline(Document.from_text(WIRE, language="en")) is None


def test_headline_shouting_and_exclamation_are_counted_once() -> None:
    text = "STAR HINTS AT SHOCK REUNION!\n\n" + BODY
    found = _signals(text)
    assert found["headline_shouting"] == ["STAR", "HINTS", "AT", "SHOCK", "REUNION"]
    assert found["headline_exclamations"] == ["!"]
    # the body signals leave the headline to its own signals
    assert found["all_caps"] == [] and found["exclamations"] == []
    plain = _signals("Star hints at reunion\n\n" + BODY)
    assert plain["headline_shouting"] == [] and plain["headline_exclamations"] == []


def test_shouting_headline_is_a_reason_pointing_into_the_headline() -> None:
    title = "ECB DROPS BOMBSHELL ON SAVERS!"
    doc = Document.from_text(f"{title}\n\n{WIRE}", language="en")
    result = judge(doc, {})
    reasons = [r for r in result["reasons"] if r["weight"] > 0]
    in_title = [
        r for r in reasons if r["spans"] and all(s["end"] <= len(title) for s in r["spans"])
    ]
    assert in_title, reasons
    plain = judge(Document.from_text(WIRE, language="en"), {})
    assert result["score"] > plain["score"]


def test_wire_story_with_a_plain_headline_stays_reliable() -> None:
    doc = Document.from_text(
        f"ECB leaves rates unchanged, keeps bond buying\n\n{WIRE}", language="en"
    )
    result = judge(doc, {})
    assert result["label"] == "reliable", result


def test_digits_of_a_timestamp_or_dateline_are_not_specific_figures() -> None:
    from spinlens.analyzers.verdict.signals import signals

    text = (
        "BAGHDAD, January 3, 2020 - Officials said 42 people died and 3.5 million fled. "
        "Posted 27-07-20 08:14. The vote was 170 to 2 on 2020-01-05 at 8:30."
    )
    found = {s.name: s for s in signals(Document.from_text(text, language="en"), {})}
    figures = [text[e.start : e.end] for e in found["numbers"].evidence]
    assert figures == ["42", "3.5", "170", "2"]
