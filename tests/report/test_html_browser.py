"""The seed's HTML report in a real browser: the verdict and highlights are what a reader sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.report.render.html import render_html
from spinlens.report.schema import DocumentInfo, Finding, Report, Tool
from tests.browser import Browser, require_chromium
from tests.conftest import SEED
from tests.core.cli_runner import run_cli

pytestmark = pytest.mark.browser

VISIBILITY = """
function shown(el) {
  var s = getComputedStyle(el), r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
}
var marks = Array.prototype.slice.call(document.querySelectorAll('mark.hl'));
var badge = document.querySelector('#verdict .badge');
var highlighted = marks.filter(function (m) {
  return shown(m) && getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)';
}).map(function (m) { return m.textContent; });
marks[0].focus();
var focusNote = document.getElementById('focus-note').textContent;
var focused = document.activeElement === marks[0] && focusNote === marks[0].title;
function off(m) { return getComputedStyle(m).boxShadow === 'none'; }
var quotes = document.querySelector('.legend input[data-analyzer="quotes"]');
quotes.click();
var onlyQuotes = marks.filter(function (m) { return m.dataset.analyzers === 'quotes'; });
var others = marks.filter(function (m) { return m.dataset.analyzers.indexOf('quotes') < 0; });
var quotesHidden = onlyQuotes.every(off) && !others.some(off);
document.querySelectorAll('.legend input').forEach(function (t) { if (t.checked) { t.click(); } });
var allHidden = marks.every(off);
var untabbable = marks.every(function (m) { return m.tabIndex === -1; });
document.querySelector('.legend input').click();
var backInOrder = marks.some(function (m) { return m.tabIndex === 0; });
return {
  verdict: badge && shown(badge) ? badge.textContent.trim() : null,
  verdictBox: document.querySelector('#verdict').getBoundingClientRect().top,
  articleBox: document.querySelector('#article').getBoundingClientRect().top,
  highlighted: highlighted,
  focused: focused,
  quotesHidden: quotesHidden,
  allHidden: allHidden,
  untabbable: untabbable,
  backInOrder: backInOrder
};
"""


def test_seed_report_in_chromium(tmp_path: Path) -> None:
    browser = Browser(require_chromium(), tmp_path)
    page = tmp_path / "seed-report.html"
    corpus = SEED.parent / "corpus"
    assert run_cli("index", "add", str(corpus), "-q").exit_code == 0
    run = run_cli("analyze", str(SEED), "--format", "html", "--output", str(page))
    assert run.exit_code == 0, run.stderr

    seen = browser.probe(page, VISIBILITY)
    assert seen["verdict"] == "unreliable", "the verdict badge is not visible"
    assert seen["verdictBox"] < seen["articleBox"], "the verdict comes before the article"
    highlighted = " ".join(seen["highlighted"])
    assert "oppressing the Iranian people" in highlighted
    assert "Israeli-backed" in highlighted
    assert seen["focused"], "a highlight takes keyboard focus and its explanation is announced"
    assert seen["quotesHidden"], "unticking quotes hides its highlights and only them"
    assert seen["allHidden"], "unticking every analyzer hides every highlight"
    assert seen["untabbable"], "hidden highlights leave the Tab order"
    assert seen["backInOrder"], "ticking an analyzer again puts its highlights back"

    shot = browser.screenshot(page, tmp_path / "seed-report.png")
    assert shot.stat().st_size > 10_000


PRINTED = """
function shown(el) {
  var s = getComputedStyle(el), r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
}
var mark = document.querySelector('mark.hl');
var legend = document.querySelector('.legend');
return {
  legend: shown(legend) && legend.textContent.indexOf('quotes') >= 0,
  boxes: Array.prototype.some.call(document.querySelectorAll('.legend input'), shown),
  skip: Array.prototype.some.call(document.querySelectorAll('.skip a'), shown),
  underlined: getComputedStyle(mark).textDecorationLine.indexOf('underline') >= 0,
  exact: getComputedStyle(mark).printColorAdjust === 'exact',
  stacked: document.querySelector('#findings').getBoundingClientRect().top >=
    document.querySelector('#article').getBoundingClientRect().bottom
};
"""


def test_printed_report_keeps_the_colour_key_and_drops_the_controls(tmp_path: Path) -> None:
    """The print stylesheet, applied to the screen (Chromium cannot emulate print headless)."""
    browser = Browser(require_chromium(), tmp_path)
    text = "Officials said “we will win” today. " * 4
    start = text.index("we will win")
    finding = Finding(
        analyzer="quotes", label="quote", start=start, end=start + 11, text="we will win", score=1
    )
    report = Report(
        tool=Tool(version="t"),
        created="now",
        document=DocumentInfo(text=text),
        findings=[finding],
    )
    page = tmp_path / "printed.html"
    page.write_text(render_html(report).replace("@media print", "@media all"), encoding="utf-8")
    seen = browser.probe(page, PRINTED)
    assert seen["legend"], "the colour key is printed"
    assert not seen["boxes"] and not seen["skip"], "controls are not printed"
    assert seen["underlined"] and seen["exact"], "highlights survive black-and-white print"
    assert seen["stacked"], "the findings column goes under the article"
