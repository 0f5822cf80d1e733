"""Quotes in single marks (‘...’ and '...'), and apostrophes that must not open or close one."""

from __future__ import annotations

import pytest

from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.text.quotes import find_quotes, find_scare_quotes


@pytest.mark.parametrize(
    ("text", "quoted", "speaker", "cue"),
    [
        ("'It works,' the minister said.", "It works", "the minister", "said"),
        ("‘It works,’ the minister said.", "It works", "the minister", "said"),
        ("‘We will rebuild the bridge by May,’ said Helen Ambrose.", None, "Helen Ambrose", "said"),
        ("Helen Ambrose said: 'We will rebuild the bridge by May.'", None, "Helen Ambrose", "said"),
        # apostrophes inside the quote: a contraction, a name, a plural possessive
        (
            "'We don't know what O'Brien meant,' Smith told reporters.",
            "We don't know what O'Brien meant",
            "Smith",
            "told",
        ),
        (
            "‘The students’ books are gone,’ she said.",
            "The students’ books are gone",
            "she",
            "said",
        ),
    ],
)
def test_single_quoted_quote_with_speaker(
    text: str, quoted: str | None, speaker: str, cue: str
) -> None:
    (quote,) = list(find_quotes(text))
    if quoted is not None:
        assert text[quote.start : quote.end] == quoted
    assert (quote.speaker, quote.cue) == (speaker, cue)
    # a quote is not also a scare quote
    assert list(find_scare_quotes(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "He said he doesn't know, and the students' books are back in the '90s style.",
        "It's the students' and teachers' choice, Smith said.",
        "The ministers’ plan didn’t work, the mayor’s office said.",
        "Back in the ’90s the town's mills were busy, O'Neill said.",
    ],
)
def test_apostrophes_are_not_quotes(text: str) -> None:
    assert list(find_quotes(text)) == []


def test_short_unattributed_single_quotes_stay_scare_quotes() -> None:
    text = "ISIS applauded the death at the hands of their American ‘allies,’ a paper said."
    assert list(find_quotes(text)) == []
    (scare,) = list(find_scare_quotes(text))
    assert text[scare.start : scare.end] == "allies"
    text = "They called it 'divine intervention' and left."
    assert list(find_quotes(text)) == []
    assert [text[s.start : s.end] for s in find_scare_quotes(text)] == ["divine intervention"]


def test_long_single_quote_without_speaker_is_an_unattributed_quote() -> None:
    text = "The sign read 'no entry after dark for anyone at all' last week."
    (quote,) = list(find_quotes(text))
    assert text[quote.start : quote.end] == "no entry after dark for anyone at all"
    assert quote.speaker is None


def test_single_quotes_inside_a_double_quote_are_part_of_it() -> None:
    text = "“He told me ‘it works fine now,’ then he left,” she said."
    (quote,) = list(find_quotes(text))
    assert quote.speaker == "she"
    assert text[quote.start : quote.end].startswith("He told me")


def test_quotes_come_in_text_order() -> None:
    text = "'It works,' the minister said. Later “the plan is over budget,” the aide said."
    assert [q.speaker for q in find_quotes(text)] == ["the minister", "the aide"]


def test_analyzer_reports_the_single_quoted_quote() -> None:
    doc = Document.from_text("'It works,' the minister said.", language="en")
    result = Pipeline(["quotes"]).run(doc)
    (finding,) = result.findings
    assert (finding.label, finding.text) == ("quote", "It works")
    assert finding.attrs["speaker"] == "the minister"
