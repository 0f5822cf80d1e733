"""The HTML report: hostile article text renders inert; every section a reader needs is there."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from spinlens.report.render.html import render_html
from spinlens.report.schema import (
    DocumentInfo,
    Finding,
    RatingRef,
    Reason,
    Report,
    SpanRef,
    Tool,
    Verdict,
)

HOSTILE = (
    'Breaking: <script>alert(1)</script> officials said "<img src=x onerror=alert(2)>" today.\n\n'
    "Click <a href=\"javascript:alert(3)\" onclick='alert(4)'>here</a> "
    '<svg onload="alert(5)"></svg></script><style>body{display:none}</style> end.'
)


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the raw text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def _finding(
    text: str,
    analyzer: str,
    label: str,
    needle: str,
    *,
    score: float = 0.8,
    explanation: str | None = None,
    **attrs: Any,
) -> Finding:
    """A finding on ``needle``; by default its explanation carries markup that must stay inert."""
    start = text.index(needle)
    return Finding(
        analyzer=analyzer,
        label=label,
        start=start,
        end=start + len(needle),
        text=needle,
        score=score,
        explanation=(
            f"because <b onmouseover=alert(6)>{label}</b>" if explanation is None else explanation
        ),
        attrs=attrs,
    )


def _hostile_report() -> Report:
    text = HOSTILE
    img = '"<img src=x onerror=alert(2)>"'
    findings = [
        _finding(text, "propaganda", "Loaded_Language", "<script>alert(1)</script>"),
        _finding(text, "quotes", "quote", img, speaker="<i onclick=x>officials</i>", cue="said"),
        _finding(text, "provenance", "quote_not_found", img, detail="<script>bad()</script>"),
        _finding(
            text,
            "claims",
            "claim",
            "Click <a href=\"javascript:alert(3)\" onclick='alert(4)'>here</a>",
            type="event",
            matches=[
                {
                    "claim_id": "<b>c1</b>",
                    "claim": "<script>x()</script>",
                    "verdict": "False",
                    "rating": "false",
                    "url": "javascript:alert(7)",
                    "publisher": "<b>pub</b>",
                    "score": 0.9,
                }
            ],
        ),
    ]
    svg = text.index("<svg")
    verdict = Verdict(
        score=0.9,
        label="unreliable",
        reasons=[
            Reason(
                text="<script>alert(8)</script> loaded wording",
                weight=0.4,
                spans=[
                    SpanRef(
                        analyzer="propaganda",
                        label="Loaded_Language",
                        start=findings[0].start,
                        end=findings[0].end,
                        text=findings[0].text,
                    ),
                    SpanRef(
                        analyzer="verdict", label="signal", start=svg, end=svg + 4, text="<svg"
                    ),
                ],
            )
        ],
    )
    return Report(
        tool=Tool(version="test"),
        created="2026-01-01T00:00:00+00:00",
        document=DocumentInfo(
            title="<script>alert('title')</script>",
            url="javascript:alert(9)",
            domain="evil.example<img src=x onerror=alert(10)>",
            text=text,
        ),
        findings=findings,
        data={
            "sources": {
                "domain": "<b onclick=x>evil</b>",
                "score": 0.1,
                "ratings": [
                    {
                        "list": "<i>l</i>",
                        "domain": "<i>evil</i>",
                        "score": 0.1,
                        "label": "<u>x</u>",
                        "detail": "",
                    }
                ],
            },
            "provenance": {
                "source_text": "Officials said <script>alert(11)</script> today.",
                "mutations": [
                    {
                        "type": "deleted_text",
                        "op": "deleted",
                        "start": 0,
                        "end": 0,
                        "source_id": "s1",
                        "source_start": 15,
                        "source_end": 40,
                        "source_text": "<script>alert(11)</script>",
                    }
                ],
                "sources": [
                    {
                        "id": "s1",
                        "url": "javascript:alert(12)",
                        "title": "<b>t</b>",
                        "score": 0.5,
                        "containment": 0.5,
                    }
                ],
            },
        },
        verdict=verdict,
    )


def test_hostile_article_renders_inert() -> None:
    html = render_html(_hostile_report())
    parsed = _parse(html)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert len(scripts) == 1 and scripts[0].get("nonce"), "only our own nonce'd script may run"
    assert not [t for t, _ in parsed.tags if t in {"img", "svg", "iframe", "object", "b", "i"}]
    for tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "a":
            assert (attrs.get("href") or "").startswith(("#", "http")), attrs
    assert sum(1 for t, _ in parsed.tags if t == "style") == 1
    # The hostile text is still shown to the reader, as text.
    visible = "".join(parsed.text)
    assert "<script>alert(1)</script>" in visible
    assert "<img src=x onerror=alert(2)>" in visible
    assert "javascript:alert(7)" in visible  # shown, not linked


def test_csp_allows_only_the_page_nonce() -> None:
    html = render_html(_hostile_report())
    (script,) = [a for t, a in _parse(html).tags if t == "script"]
    assert f"script-src 'nonce-{script['nonce']}'" in html
    assert "default-src 'none'" in html
    assert render_html(_hostile_report()) != html  # a fresh nonce per page


def test_overlapping_spans_are_split_and_all_marked() -> None:
    text = "alpha beta gamma delta"
    findings = [
        Finding(analyzer="a1", label="x", start=0, end=16, text=text[0:16], score=0.5),
        Finding(analyzer="a2", label="y", start=6, end=22, text=text[6:22], score=0.5),
    ]
    report = Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(text=text),
        findings=findings,
    )
    marks = [a for t, a in _parse(render_html(report)).tags if t == "mark"]
    assert [m["data-analyzers"] for m in marks] == ["a1", "a1 a2", "a2"]
    assert all(m["tabindex"] == "0" and m["title"] for m in marks)


def test_sections_link_evidence_to_highlights() -> None:
    html = render_html(_hostile_report())
    parsed = _parse(html)
    ids = {a["id"] for _, a in parsed.tags if a.get("id")}
    links = [
        a["href"] for t, a in parsed.tags if t == "a" and (a.get("href") or "").startswith("#")
    ]
    assert {"verdict", "article", "findings", "claims", "quotes", "provenance", "sources"} <= ids
    assert all(href[1:] in ids for href in links), "every in-page link has a target"
    visible = "".join(parsed.text)
    assert "unreliable" in visible and "quote not found in any source" in visible
    toggles = [a for t, a in parsed.tags if t == "input" and a.get("type") == "checkbox"]
    assert {a["data-analyzer"] for a in toggles} == {
        "propaganda",
        "quotes",
        "provenance",
        "claims",
        "verdict",
    }
    assert "@media print" in html
    assert html.count("<ins") >= 1 or html.count("<del") >= 1


def test_quote_checks_and_mutations_go_to_their_own_sections() -> None:
    text = "Wire copy. He said “we will win” today."
    sentence = "He said “we will win” today."
    quote = "we will win"

    def at(analyzer: str, label: str, needle: str, **attrs: Any) -> Finding:
        return _finding(text, analyzer, label, needle, score=0.9, explanation="", **attrs)

    report = Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(text=text),
        findings=[
            at("quotes", "quote", quote, speaker="He"),
            at("provenance", "quote_added", sentence, op="inserted"),
            at("provenance", "quote_not_found", quote, detail="in no source"),
        ],
        data={"provenance": {"source_text": "Wire copy.", "mutations": []}},
    )
    html = render_html(report)
    quotes_part = html[html.index('id="quotes"') : html.index('id="provenance"')]
    assert "quote not found in any source" in quotes_part and "quote added" not in quotes_part
    assert "s-quote-not-found" in quotes_part  # the class the stylesheet colours
    redline = html[html.index('class="redline"') :]
    assert f'<ins title="quote added">{sentence}</ins>' in redline
    assert "No imported list" not in html


def _rated_report(title: str = "Story") -> Report:
    text = "Officials said the plan is fine. " * 3
    rating = {"list": "desk<b>", "domain": "junk.example", "score": 0.1, "label": "<i>bad</i>"}
    return Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(title=title, url="https://junk.example/a", text=text),
        data={
            "sources": {
                "domain": "junk.example",
                "score": 0.1,
                "ratings": [
                    {**rating, "detail": "javascript:alert(13)"},
                    {
                        "list": "mbfc",
                        "domain": "junk.example/news",
                        "score": 0.15,
                        "label": "low",
                        "detail": "https://mediabiasfactcheck.com/junk/",
                    },
                ],
            }
        },
        verdict=Verdict(
            score=0.8,
            label="unreliable",
            reasons=[
                Reason(
                    text="The site junk.example has reliability 0.10 on: desk",
                    weight=1.2,
                    ratings=[RatingRef(**rating)],
                )
            ],
        ),
    )


def test_site_reason_links_to_the_ratings_it_rests_on() -> None:
    html = render_html(_rated_report())
    parsed = _parse(html)
    verdict = html[html.index('id="verdict"') : html.index('id="article"')]
    assert 'href="#sources"' in verdict and "matched junk.example" in verdict
    assert "desk&lt;b&gt;" in verdict and "&lt;i&gt;bad&lt;/i&gt;" in verdict
    table = html[html.index('id="sources"') :]
    assert '<th scope="col">Matched</th>' in table and "junk.example/news" in table
    links = [a.get("href") for t, a in parsed.tags if t == "a"]
    assert "https://mediabiasfactcheck.com/junk/" in links
    assert not [h for h in links if h and h.startswith("javascript")]
    assert "javascript:alert(13)" in "".join(parsed.text)  # shown as text
    assert "https://junk.example/a" in links  # the article's own http(s) URL is a link


def test_page_loads_nothing_from_outside_and_bounds_metadata() -> None:
    html = render_html(_rated_report(title="<script>x</script>" + "T" * 100_000))
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}, tag
        assert not {"src", "srcset", "action", "formaction", "background"} & set(attrs), tag
        if tag == "a":
            assert (attrs.get("href") or "").startswith(("#", "https://")), attrs
        assert "url(" not in (attrs.get("style") or "")
    style = html[html.index("<style>") : html.index("</style>")]
    assert "url(" not in style and "@import" not in style
    assert len(html) < 60_000, "a 100,000-character title is cut, not printed whole"
    assert "<script>x</script>" not in html
