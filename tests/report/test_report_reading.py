"""The report as a fact-checker reads it: words, not codes; the few claims that matter; the
verdict first; the redline level paragraph by paragraph; what was not checked said once."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from spinlens.labels import human_label
from spinlens.report.render.html import render_html
from spinlens.report.render.redline import insertion_point, rows
from spinlens.report.render.text import render_text
from spinlens.report.schema import (
    AlignedBlock,
    DocumentInfo,
    Finding,
    NotChecked,
    Reason,
    Report,
    Segment,
    SpanRef,
    Tool,
    Verdict,
)

SENTENCES = [f"Claim number {i} says the budget grew by {i}0 percent." for i in range(8)]
TEXT = "\n\n".join(SENTENCES)


def _at(needle: str, analyzer: str, label: str, score: float = 0.8, **attrs: Any) -> Finding:
    start = TEXT.index(needle)
    return Finding(
        analyzer=analyzer,
        label=label,
        start=start,
        end=start + len(needle),
        text=needle,
        score=score,
        explanation="why",
        attrs=attrs,
    )


def _report(**data: Any) -> Report:
    claims = [
        _at(s, "claims", "claim", score=0.5 + i / 20, type="event") for i, s in enumerate(SENTENCES)
    ]
    inserted = _at(SENTENCES[0], "provenance", "new_claim", op="inserted")
    technique = _at("budget grew", "propaganda", "Name_Calling,Labeling")
    reasons = [Reason(text=f"Reason {i}: " + "words " * 30, weight=1.5 - i / 5) for i in range(12)]
    reasons[0].spans.append(
        SpanRef(
            analyzer="propaganda",
            label="Name_Calling,Labeling",
            start=technique.start,
            end=technique.end,
            text=technique.text,
        )
    )
    offsets = [TEXT.index(s) for s in SENTENCES]
    return Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(
            text=TEXT, paragraphs=[Segment(start=o, end=o + len(SENTENCES[0])) for o in offsets]
        ),
        findings=[*claims, inserted, technique],
        verdict=Verdict(
            score=0.93, label="unreliable", reasons=reasons, explanation="score = sigmoid(+2.6)"
        ),
        data=data,
    )


def _visible(html: str) -> str:
    """The page's text outside tags, attributes and closed folds."""
    body = re.sub(r"<details class=\"formula\">.*?</details>", "", html, flags=re.S)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("Name_Calling,Labeling", "name calling"),
        ("Appeal_to_fear-prejudice", "appeal to fear or prejudice"),
        ("Whataboutism,Straw_Men,Red_Herring", "whataboutism, straw man or red herring"),
        ("quote_not_found", "quote not found in any source"),
        ("Some_Plugin,Other_Thing", "some plugin or other thing"),
        ("NATO_claim", "NATO claim"),
    ],
)
def test_labels_in_words(label: str, words: str) -> None:
    assert human_label(label) == words


def test_html_and_text_name_labels_in_words() -> None:
    report = _report()
    html = render_html(report)
    assert "name calling" in _visible(html) and "Name_Calling" not in _visible(html)
    text = render_text(report, color=False, width=120)
    assert "name calling" in text and "Name_Calling" not in text


def test_only_the_claims_that_matter_are_highlighted_the_rest_on_demand() -> None:
    html = render_html(_report())
    marks = re.findall(r"(<mark [^>]*>)(.*?)</mark>", html, re.S)

    def numbers(wanted: str) -> set[str]:
        return {
            n
            for tag, text in marks
            if re.search(wanted, tag)
            for n in re.findall(r"Claim number (\d)", text)
        }

    # three top-ranked (sentences 5-7) and the one the copy inserted (sentence 0); the rest
    # are in the page, unhighlighted and out of the Tab order until their toggle is ticked
    assert numbers(r'data-analyzers="(claims|claims [^"]*)"') == {"0", "5", "6", "7"}
    hidden = [tag for tag, _ in marks if 'data-analyzers="claims-more"' in tag]
    assert numbers(r'data-analyzers="claims-more"') == {"1", "2", "3", "4"}
    assert all('class="hl off"' in t and 'tabindex="-1"' in t and 'style=""' in t for t in hidden)
    more = re.search(r'<input type="checkbox"[^>]*data-analyzer="claims-more"', html)
    assert more is not None and "checked" not in more.group(0)
    claims = html[html.index('id="claims"') :]
    assert "4 more check-worthy sentences" in claims and "<details" in claims


def test_verdict_headline_in_words_formula_in_a_fold() -> None:
    html = render_html(_report())
    verdict = html[html.index('id="verdict"') : html.index('id="article"')]
    assert "Unreliable: strong signs of manipulation" in _visible(verdict)
    assert "sigmoid" not in _visible(verdict) and "+1.50" not in _visible(verdict)
    fold = verdict[verdict.index('<details class="formula">') :]
    assert "sigmoid(+2.6)" in fold and "+1.50" in fold and "0.93" in fold
    assert "7 more reasons" in verdict


def test_text_verdict_fits_the_first_screen() -> None:
    """80x24 terminal: the headline and the strongest reasons come before line 24."""
    lines = render_text(_report(), color=False, width=80).splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    assert end < 24, "\n".join(lines[:30])
    top = "\n".join(lines[: end + 1])
    assert "Unreliable: strong signs of manipulation" in top and "Reason 4" in top
    assert "7 more reasons" in top and "sigmoid" not in top
    assert all(len(line) <= 80 for line in lines)


def test_fact_checks_not_made_are_said_once_not_per_claim() -> None:
    report = _report()
    report.not_checked.append(
        NotChecked(
            analyzer="claims",
            store="fact-check database",
            path="/data/factchecks.sqlite",
            problem="missing",
            command="spinlens factcheck import FILE --format csv",
        )
    )
    report.warnings.append("not checked: no fact-check database; fill it with: spinlens x")
    html = render_html(report)
    assert "spinlens x" not in html, "the warning repeating it is not shown again"
    claims = _visible(html[html.index('id="claims"') : html.index('id="runs"')])
    assert claims.count("not checked") == 1 and "No matching fact-check found" not in html
    assert "no fact-check database at /data/factchecks.sqlite" in claims
    assert "spinlens factcheck import FILE --format csv" in claims
    verdict = _visible(html[html.index('id="verdict"') : html.index('id="article"')])
    assert "Not checked" in verdict and "spinlens factcheck import" in verdict
    text = render_text(report, color=False, width=120)
    assert "no match" not in text and "fact-checks: not checked" in text
    assert "spinlens factcheck import FILE --format csv" in text and "spinlens x" not in text
    first_screen = "\n".join(render_text(report, color=False, width=80).splitlines()[:24])
    assert "Not checked (absent evidence): fact-check database" in first_screen
    checked = render_html(_report())
    assert "not checked" not in _visible(checked).lower()
    assert "No matching fact-check found" in checked


def test_match_shows_rating_publisher_link_and_same_claim_probability() -> None:
    report = _report()
    claim = report.findings[0]
    claim.attrs["matches"] = [
        {
            "claim_id": "c1",
            "claim": "Budget grew by 00 percent",
            "rating": "false",
            "score": 0.7,
            "probability": 0.97,
            "publisher": "Desk <b>",
            "url": "https://checks.example/c1",
        }
    ]
    html = render_html(report)
    at = html.index("Budget grew by 00 percent")
    row = html[html.rindex("<tr>", 0, at) : html.index("</tr>", at)]
    assert 'href="https://checks.example/c1"' in row and "r-false" in row
    assert "Desk &lt;b&gt;" in row and "0.97" in row
    text = render_text(report, color=False, width=260)
    assert "false: Budget grew by 00 percent (Desk <b>, same claim 0.97, https://checks" in text


ARTICLE = "Para one stays.\n\nAn inserted paragraph.\n\nPara two stays here."
SOURCE = "Para one stays.\n\nA removed paragraph.\n\nPara two stays here."


def test_redline_rows_pair_each_paragraph_with_its_source() -> None:
    blocks = [
        AlignedBlock(start=0, end=17, source_start=0, source_end=17),
        AlignedBlock(start=41, end=60, source_start=39, source_end=58),
    ]
    found = rows(ARTICLE, SOURCE, [0, 17, 41], blocks)
    pairs = [(ARTICLE[r.start : r.end], SOURCE[r.source_start : r.source_end]) for r in found]
    assert pairs == [
        ("Para one stays.", "Para one stays."),
        ("An inserted paragraph.", "A removed paragraph."),
        ("Para two stays here.", "Para two stays here."),
    ]


def test_redline_in_html_is_row_by_row_and_the_changes_table_names_the_source_place() -> None:
    start = ARTICLE.index("An inserted")
    report = Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(
            text=ARTICLE,
            paragraphs=[
                Segment(start=0, end=15),
                Segment(start=17, end=39),
                Segment(start=41, end=60),
            ],
        ),
        findings=[
            Finding(
                analyzer="provenance",
                label="inserted_text",
                start=start,
                end=start + 22,
                text=ARTICLE[start : start + 22],
                score=0.7,
                attrs={"op": "inserted"},
            )
        ],
        data={
            "provenance": {
                "source_text": SOURCE,
                "aligned": [
                    {"start": 0, "end": 17, "source_start": 0, "source_end": 17},
                    {"start": 41, "end": 60, "source_start": 39, "source_end": 58},
                ],
                "mutations": [
                    {
                        "op": "inserted",
                        "type": "inserted_text",
                        "start": start,
                        "end": start + 22,
                        "source_id": "wire",
                        "source_start": 17,
                        "source_end": 17,
                        "text": "An inserted paragraph.",
                        "source_text": "",
                    }
                ],
            }
        },
    )
    html = render_html(report)
    redline = html[html.index('class="redline"') : html.index('<thead><tr><th scope="col">Change')]
    cells = re.findall(r'role="cell" data-side="(\w+)">(.*?)</div>', redline, re.S)
    texts = [(side, _visible(cell).strip()) for side, cell in cells]
    assert texts == [
        ("Article", "Para one stays."),
        ("Source", "Para one stays."),
        ("Article", "An inserted paragraph."),
        ("Source", "A removed paragraph."),
        ("Article", "Para two stays here."),
        ("Source", "Para two stays here."),
    ]
    table = _visible(html[html.index('<th scope="col">Change') :])
    assert "text added" in table and "not in the source; added at" in table
    assert "Para one stays. ‸ A removed paragraph." in " ".join(table.split())


def test_insertion_point_keeps_whole_words() -> None:
    source = "General Soleimani was killed by a US drone strike on January 3 near Baghdad."
    before, after = insertion_point(source, source.index("on January"), width=20)
    assert before == "…a US drone strike" and after == "on January 3 near…"  # "by" was cut


def test_every_table_scrolls_inside_its_own_box() -> None:
    html = render_html(_report())
    tables = html.count("<table")
    assert tables >= 2 and html.count('<div class="table-wrap"><table') == tables
    assert ".table-wrap { overflow-x: auto" in html


def test_verdict_reasons_name_techniques_as_the_renderers_do() -> None:
    """One naming function: the seed's reason reads "name calling", like the findings list."""
    import json

    from tests.conftest import SEED
    from tests.core.cli_runner import run_cli

    run = run_cli("analyze", str(SEED), "--format", "json")
    assert run.exit_code == 0, run.stderr
    texts = [r["text"] for r in json.loads(run.stdout)["verdict"]["reasons"]]
    assert any(t.startswith("Propaganda technique “name calling” in") for t in texts), texts
    assert not any("_" in t.split("“")[1] for t in texts if t.startswith("Propaganda technique"))


def test_missing_index_and_lists_are_not_checked_not_unverified() -> None:
    text = 'The minister said "we will cut costs" today.'
    start = text.index("we will")
    quote = Finding(
        analyzer="quotes",
        label="quote",
        start=start,
        end=start + 17,
        text=text[start : start + 17],
        score=0.9,
        attrs={"speaker": "The minister", "cue": "said"},
    )
    notes = [
        NotChecked(
            analyzer="provenance",
            store="provenance index",
            path="/data/index.sqlite",
            problem="empty",
            command="spinlens index add DIR",
        ),
        NotChecked(
            analyzer="sources",
            store="source lists",
            path="/data/sources.sqlite",
            problem="unreadable",
            detail="file is not a database",
            command="spinlens sources import FILE --format FORMAT",
        ),
    ]
    report = Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(text=text, url="https://news.example/a", domain="news.example"),
        findings=[quote],
        data={"sources": {"domain": "news.example", "ratings": []}},
        not_checked=notes,
    )
    html = render_html(report)
    quotes = _visible(html[html.index('id="quotes"') : html.index('id="provenance"')])
    assert "Verification: not checked" in quotes and "not verified" not in quotes
    provenance = _visible(html[html.index('id="provenance"') : html.index('id="sources"')])
    assert "Provenance: not checked" in provenance and "spinlens index add DIR" in provenance
    assert "the provenance index at /data/index.sqlite is empty" in provenance
    sources = _visible(html[html.index('id="sources"') : html.index('id="runs"')])
    assert "Source reliability: not checked" in sources and "file is not a database" in sources
    assert "No imported list rates this domain" not in sources
