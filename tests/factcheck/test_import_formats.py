"""Every shape of ClaimReview publishers use, CheckThat! 2020's wrapped claims, CSV dialects;
bad records are reported and skipped (or raise when strict), never crash the import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spinlens.errors import MalformedRecordError
from spinlens.factcheck.importers import read_checkthat2020, read_claimreview, read_csv
from spinlens.factcheck.store import MAX_FIELD_CHARS, FactCheck, clean_row


def _review(claim: str, rating: Any = None, **extra: Any) -> dict[str, Any]:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/{len(claim)}",
        "claimReviewed": claim,
        **extra,
    }
    if rating is not None:
        review["reviewRating"] = rating
    return review


SHAPES: dict[str, Any] = {
    "one object": _review("Tariffs are paid by China.", {"alternateName": "False"}),
    "a list, @type list, rating list": [
        {
            **_review("Tariffs are paid by China.", [{"alternateName": "False"}]),
            "@type": ["ClaimReview"],
        }
    ],
    "@graph": {
        "@context": "https://schema.org",
        "@graph": [_review("Tariffs are paid by China.", {"alternateName": "False"})],
    },
    "a page's mainEntity": {
        "@type": "WebPage",
        "mainEntity": _review("Tariffs are paid by China.", {"alternateName": "False"}),
    },
    "a DataFeed": {
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [_review("Tariffs are paid by China.", {"alternateName": "False"})],
            }
        ],
    },
    "a rating given as text": _review("Tariffs are paid by China.", "False"),
    "a full schema.org type URL": {
        **_review("Tariffs are paid by China.", {"alternateName": "False"}),
        "@type": "http://schema.org/ClaimReview",
    },
}


@pytest.mark.parametrize("shape", SHAPES)
def test_claimreview_shapes(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(SHAPES[shape]), encoding="utf-8")
    [record] = read_claimreview(path)
    assert record.claim == "Tariffs are paid by China."
    assert record.verdict == "False" and record.rating == "false"
    assert record.url is not None and record.url.startswith("https://checks.example/")


def test_claimreview_json_lines_skip_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    lines = [json.dumps(_review("First claim.")), "{broken", json.dumps(_review("Second claim."))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    skipped: list[str] = []
    assert [r.claim for r in read_claimreview(path, skipped)] == ["First claim.", "Second claim."]
    assert len(skipped) == 1 and "reviews.jsonl:2" in skipped[0]
    with pytest.raises(MalformedRecordError, match="not valid JSON"):
        list(read_claimreview(path))


def test_html_page_with_several_scripts(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    scripts = [
        json.dumps({"@type": "Organization", "name": "Checks"}),
        "{not json",
        json.dumps(_review("Page claim.", {"alternateName": "Misleading"})),
    ]
    page.write_text(
        "<!doctype html><html><head>"
        + "".join(f"<script type='application/ld+json'>{s}</script>" for s in scripts)
        + "</head><body>text</body></html>",
        encoding="utf-8",
    )
    skipped: list[str] = []
    [record] = read_claimreview(page, skipped)
    assert record.claim == "Page claim." and record.rating == "mixed"
    assert len(skipped) == 1 and "script 2" in skipped[0]


def test_html_without_json_ld_is_a_bad_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body>nothing here</body></html>", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="ld\\+json"):
        list(read_claimreview(page, []))


def test_api_export_with_broken_entries(tmp_path: Path) -> None:
    export = {
        "claims": [
            {
                "text": "Good claim.",
                "claimDate": "2020-01-02",
                "claimReview": [
                    {
                        "publisher": {"name": "P"},
                        "url": "https://p.example/1",
                        "textualRating": "False",
                    }
                ],
            },
            "junk",
            {"text": "No review list"},
            {"text": "Review not an object", "claimReview": ["x"]},
        ],
        "nextPageToken": "abc",
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    skipped: list[str] = []
    [record] = read_claimreview(path, skipped)
    assert (record.claim, record.publisher, record.date) == ("Good claim.", "P", "2020-01-02")
    assert len(skipped) == 3
    with pytest.raises(MalformedRecordError, match="claimReview"):
        list(read_claimreview(path))


def test_api_export_pages_in_a_list(tmp_path: Path) -> None:
    page = {"claims": [{"text": "C.", "claimReview": [{"url": "https://p.example/1"}]}]}
    other = {"claims": [{"text": "D.", "claimReview": [{"url": "https://p.example/2"}]}]}
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([page, other]), encoding="utf-8")
    assert [r.claim for r in read_claimreview(path)] == ["C.", "D."]


def test_checkthat2020_claims_wrapped_over_two_lines_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "verified_claims.docs.tsv"
    path.write_text(
        "\tvclaim\ttitle\n"
        "3056\tAccount describes a tribute.\tTribute\n"
        '3057\t"Account describes efforts at a Veterans\n'
        'Administration hospital."\tA Great Lady Has Passed\n'
        '3058\tA stray " quote stays on its line.\tStray\n'
        "3059\tLast claim.\tLast\n",
        encoding="utf-8",
    )
    records = list(read_checkthat2020(path))
    assert [r.id for r in records] == ["3056", "3057", "3058", "3059"]
    assert records[1].claim == "Account describes efforts at a Veterans Administration hospital."
    assert records[1].title == "A Great Lady Has Passed"
    assert records[2].claim == 'A stray " quote stays on its line.'


def test_checkthat2020_bad_line_skipped(tmp_path: Path) -> None:
    path = tmp_path / "v.tsv"
    path.write_text("\tvclaim\ttitle\n0\tfirst\tT\n1\n2\tthird\tT\n", encoding="utf-8")
    skipped: list[str] = []
    assert [r.id for r in read_checkthat2020(path, skipped)] == ["0", "2"]
    assert skipped == [f"{path}:3: expected 'id<TAB>vclaim<TAB>title'"]


def test_csv_dialects_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Claim;Verdict;URL\nSemicolon claim;False;https://x.example/1\n", encoding="utf-8"
    )
    [record] = read_csv(path)
    assert (record.claim, record.rating, record.url) == (
        "Semicolon claim",
        "false",
        "https://x.example/1",
    )
    path.write_text(
        "id,claim,verdict\n1,Good.,True\n2,,False\nx y,Spaced id.,False\n3,"
        + "x" * 200_000
        + "\n4,Last.,True\n",
        encoding="utf-8",
    )
    skipped: list[str] = []
    assert [r.id for r in read_csv(path, skipped)] == ["1", "4"]
    assert [m.split(": ")[0].rsplit(":", 1)[1] for m in skipped] == ["3", "4", "5"]
    with pytest.raises(MalformedRecordError, match="empty claim"):
        list(read_csv(path))


def test_stored_fields_are_cleaned_and_bounded() -> None:
    hostile = FactCheck(
        id="a",
        claim="Claim\x1b[31m red\x07 text\nsecond line",
        verdict="False " * 1000,
        publisher="Evil\u0085Corp\n\n",
        url="https://x.example/" + "a" * 5000,
    )
    row = clean_row(hostile)
    assert row["claim"] == "Claim[31m red text\nsecond line"
    assert row["verdict"] is not None and len(row["verdict"]) <= MAX_FIELD_CHARS
    assert row["publisher"] == "EvilCorp"
    assert row["url"] is not None and len(row["url"]) <= 2000
