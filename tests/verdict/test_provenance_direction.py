"""A change from the likely source is the article's only if the source came first: a source
dated after the article weighs nothing, an undated source (no order) weighs a quarter, a dated
source against an undated article (text a reader pasted) weighs fully."""

from __future__ import annotations

import pytest

from spinlens.analyzers.results import Mutation, ProvenanceResult, SourceMatch
from spinlens.analyzers.verdict import load_calibration, reasons
from spinlens.document import Document

TEXT = "Officials said the talks failed. The treacherous regime lied again, critics said."


def _weight(doc_date: str | None, source_date: str | None) -> float:
    doc = Document.from_text(TEXT, language="en", date=doc_date)
    start = TEXT.index("treacherous")
    mutation = Mutation(
        op="inserted",
        type="loaded_wording",
        start=start,
        end=start + len("treacherous"),
        source_id="wire-1",
        source_start=0,
        source_end=0,
        text="treacherous",
    )
    source = SourceMatch("wire-1", 0.9, 0.9, title="Wire", date=source_date)
    result = ProvenanceResult(sources=(source,), mutations=(mutation,))
    _, weights = load_calibration()
    drafts = reasons.provenance(doc, {"provenance": result}, weights)
    return sum(d.weight for d in drafts)


def test_a_dated_source_before_the_article_weighs_fully() -> None:
    full = _weight("2020-01-10", "2020-01-05")
    assert full == pytest.approx(0.7)  # loaded_wording, one change
    assert _weight(None, "2020-01-05") == pytest.approx(full)


def test_a_later_source_is_a_copy_of_the_article() -> None:
    assert _weight("2020-01-05", "2020-01-10") == 0.0


def test_an_undated_source_gives_no_order() -> None:
    _, weights = load_calibration()
    assert _weight("2020-01-10", None) == pytest.approx(0.7 * weights["provenance_undated"])
    assert 0 < weights["provenance_undated"] < 1
