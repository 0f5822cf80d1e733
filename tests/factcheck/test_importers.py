"""Importers read the formats fact-checkers publish, and reject broken files clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.errors import InputError, MalformedRecordError
from spinlens.factcheck.importers import read_checkthat2020, read_claimreview, read_csv
from spinlens.factcheck.queries import parse_queries
from spinlens.factcheck.ratings import normalise_verdict, rating_from_value

DATA = Path(__file__).parent / "data"


def test_claimreview_jsonld_graph() -> None:
    records = list(read_claimreview(DATA / "claimreview.jsonld"))
    assert [r.rating for r in records] == ["false", "false", "true"]
    first = records[0]
    assert first.claim.startswith("The US military has bases in Pakistan")
    assert first.verdict == "False"
    assert first.publisher == "Example Checks"
    assert first.url == "https://factcheck.example.org/2020/01/us-bases-iran"
    assert first.date == "2020-01-10" and first.language == "en"
    # no verdict text: the numeric rating 2 of 1..5 decides
    assert records[1].verdict is None and records[1].rating == "false"


def test_fact_check_api_export() -> None:
    [record] = read_claimreview(DATA / "api-export.json")
    assert record.verdict == "Pants on Fire" and record.rating == "false"
    assert record.publisher == "Example Checks"
    assert record.title == "No US soldiers were killed in Iran's strike"


def test_claimreview_in_html_script(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    body = (DATA / "claimreview.jsonld").read_text(encoding="utf-8")
    page.write_text(
        f'<html><script type="application/ld+json">{body}</script></html>', encoding="utf-8"
    )
    assert len(list(read_claimreview(page))) == 3


def test_checkthat2020_unquotes_cells() -> None:
    records = list(read_checkthat2020(DATA / "verified_claims.docs.tsv"))
    assert [r.id for r in records] == ["0", "1", "2"]
    assert records[1].claim == 'A "secret deal" let ISIS fighters leave Syria unharmed.'
    assert records[1].title == "Was There a ‘Secret Deal’ for ISIS Fighters?"


def test_csv_columns_by_name() -> None:
    records = list(read_csv(DATA / "factchecks.csv"))
    assert [(r.id, r.rating) for r in records] == [
        ("csv-1", "false"),
        ("csv-2", "false"),
        ("csv-3", "true"),
    ]


@pytest.mark.parametrize(
    ("content", "reader", "message"),
    [
        ("{not json", read_claimreview, "not valid JSON"),
        ('{"@type": "Article"}', read_claimreview, "no ClaimReview"),
        ("id,text2\n1,x\n", read_csv, "'claim' column"),
        ("id\tclaim\n1\tx\n", read_checkthat2020, "vclaim"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, content: str, reader, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=message):
        list(reader(path))


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_csv(Path("/nonexistent/file.csv")))


@pytest.mark.parametrize(
    ("verdict", "rating"),
    [
        ("Pants on Fire!", "false"),
        ("Mostly False", "false"),
        ("Half True", "mixed"),
        ("Misleading", "mixed"),
        ("Mostly true", "true"),
        ("Correct attribution", "true"),
        ("Unproven", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_verdict_normalisation(verdict: str | None, rating: str) -> None:
    assert normalise_verdict(verdict) == rating


def test_numeric_rating() -> None:
    assert rating_from_value(1, 5, 1) == "false"
    assert rating_from_value(3, 5, 1) == "mixed"
    assert rating_from_value(5, 5, 1) == "true"


def test_queries_skip_header_and_reject_bad_lines() -> None:
    assert parse_queries("\ttweet_content\n7\thello world\n") == [("7", "hello world")]
    assert parse_queries('a1\tfirst\na2\t"quoted ""x"""\n') == [
        ("a1", "first"),
        ("a2", 'quoted "x"'),
    ]
    with pytest.raises(MalformedRecordError, match="<input>:1: not 'id<TAB>text'"):
        parse_queries("no tab here\n")
    skipped: list[str] = []
    raw = "\ttweet_content\nq1\tfirst\nbad line\nq 3\tspace in id\nq4\tlast\n"
    assert parse_queries(raw, "q.tsv", skipped) == [("q1", "first"), ("q4", "last")]
    assert [m.split(": ")[0] for m in skipped] == ["q.tsv:3", "q.tsv:4"]
