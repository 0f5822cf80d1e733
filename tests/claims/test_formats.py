"""CheckThat! sentence files: both formats detected, labels read, bad lines rejected."""

from __future__ import annotations

import pytest

from spinlens.analyzers.claims.formats import parse_sentences
from spinlens.errors import EmptyInputError, MalformedRecordError


def test_2019_format_without_header() -> None:
    rows = parse_sentences("1\tHOLT\tGood evening.\t0\n2\tTRUMP\tWe lost 70,000 factories.\t1\n")
    assert [(s.id, s.speaker, s.label) for s in rows] == [("1", "HOLT", 0), ("2", "TRUMP", 1)]


def test_2019_format_unlabelled() -> None:
    rows = parse_sentences("1\tHOLT\tGood evening.\n")
    assert rows[0].text == "Good evening." and rows[0].label is None


def test_2024_format_with_quoted_text() -> None:
    raw = (
        "Sentence_id\tText\tclass_label\n"
        '26\t"I saw ""Crocodile Dundee."""\tNo\n80\tWe use 50%.\tYes\n'
    )
    rows = parse_sentences(raw)
    assert [(s.id, s.text, s.label) for s in rows] == [
        ("26", 'I saw "Crocodile Dundee."', 0),
        ("80", "We use 50%.", 1),
    ]


def test_2024_format_without_labels() -> None:
    rows = parse_sentences("Sentence_id\tText\n5\tHello there.\n")
    assert rows[0].id == "5" and rows[0].label is None


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        ("", EmptyInputError, "no sentences"),
        ("just one column\n", MalformedRecordError, "cannot tell the format"),
        ("Sentence_id\tText\tclass_label\n1\tx\tMaybe\n", MalformedRecordError, "unknown label"),
        ("1\tA\tB\t0\n2\tonly two\n", MalformedRecordError, ":2: expected 3 or 4"),
    ],
)
def test_bad_input(raw: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_sentences(raw)
