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


def test_undated_changes_alone_never_make_an_article_unreliable() -> None:
    """However many kinds of change an undated source shows, together they weigh at most
    ``provenance_undated_max``: two versions of one wire story indexed side by side must not
    condemn each other."""
    _, weights = load_calibration()
    doc = Document.from_text(TEXT, language="en")
    mutations = tuple(
        Mutation("inserted", kind, 0, 8, "wire-1", 0, 0, text="Officials")
        for kind in ("loaded_wording", "entity_changed", "number_changed", "quote_added")
        for _ in range(3)
    )
    source = SourceMatch("wire-1", 0.9, 0.9)
    result = ProvenanceResult(sources=(source,), mutations=mutations)
    drafts = reasons.provenance(doc, {"provenance": result}, weights)
    total = sum(d.weight for d in drafts)
    assert total == pytest.approx(weights["provenance_undated_max"])
    dated = ProvenanceResult(
        sources=(SourceMatch("wire-1", 0.9, 0.9, date="2020-01-01"),), mutations=mutations
    )
    assert sum(d.weight for d in reasons.provenance(doc, {"provenance": dated}, weights)) > 2
