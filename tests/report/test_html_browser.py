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
var others = marks.filter(function (m) {
  return m.dataset.analyzers.indexOf('quotes') < 0 && !off(m);
});
quotes.click();
var onlyQuotes = marks.filter(function (m) { return m.dataset.analyzers === 'quotes'; });
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


LAYOUT = """
function shown(el) {
  var s = getComputedStyle(el), r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
}
function alpha(colour) {
  var m = colour.match(/rgba?\\(([^)]*)\\)/);
  var parts = m ? m[1].split(',') : [];
  return parts.length === 4 ? parseFloat(parts[3]) : (colour === 'transparent' ? 0 : 1);
}
var marks = Array.prototype.slice.call(document.querySelectorAll('mark.hl')).filter(shown);
var tinted = marks.filter(function (m) { return alpha(getComputedStyle(m).backgroundColor) > 0; });
var claimed = tinted.filter(function (m) {
  return (' ' + m.dataset.analyzers + ' ').indexOf(' claims ') >= 0;
}).reduce(function (n, m) { return n + m.textContent.length; }, 0);
var stripes = tinted.map(function (m) {
  var s = getComputedStyle(m);
  return {
    count: (s.boxShadow.match(/inset/g) || []).length,
    pad: parseFloat(s.paddingBottom),
    alpha: alpha(s.backgroundColor)
  };
});
var rows = Array.prototype.slice.call(document.querySelectorAll('.redline-row:not(.redline-head)'));
var level = rows.every(function (r) {
  var cells = r.querySelectorAll('[role=cell]');
  return cells.length === 2 &&
    Math.abs(cells[0].getBoundingClientRect().top - cells[1].getBoundingClientRect().top) < 2;
});
var sourceCells = Array.prototype.slice.call(document.querySelectorAll('#provenance tbody tr')).map(
  function (tr) { return tr.cells[3].textContent.trim(); });
var wraps = Array.prototype.slice.call(document.querySelectorAll('table')).every(function (t) {
  var w = t.parentElement;
  return w.classList.contains('table-wrap') && getComputedStyle(w).overflowX === 'auto' &&
    w.getBoundingClientRect().right <= window.innerWidth + 1;
});
var headline = document.querySelector('#verdict .headline');
return {
  width: window.innerWidth,
  pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
  wraps: wraps,
  headline: headline.textContent,
  headlineBottom: headline.getBoundingClientRect().bottom,
  claimShare: claimed / document.querySelector('.article-text').textContent.length,
  stripes: stripes,
  rows: rows.length,
  level: level,
  sourceCells: sourceCells
};
"""


def _seed_page(tmp_path: Path) -> Path:
    page = tmp_path / "seed-report.html"
    assert run_cli("index", "add", str(SEED.parent / "corpus"), "-q").exit_code == 0
    run = run_cli("analyze", str(SEED), "--format", "html", "--output", str(page))
    assert run.exit_code == 0, run.stderr
    return page


def test_seed_report_reads_well_on_a_desktop_and_a_phone(tmp_path: Path) -> None:
    browser = Browser(require_chromium(), tmp_path)
    page = _seed_page(tmp_path)
    wide = browser.probe(page, LAYOUT, width=1280)
    assert wide["headline"] == "Unreliable: strong signs of manipulation"
    assert 0 < wide["claimShare"] < 0.5, "claim tints are kept to the few that matter"
    assert wide["stripes"] and all(s["count"] <= 3 for s in wide["stripes"])
    assert all(s["pad"] >= 3 * s["count"] for s in wide["stripes"]), "underlines sit below text"
    assert all(s["alpha"] <= 0.15 for s in wide["stripes"]), "tints stay light enough to read"
    assert wide["rows"] >= 10 and wide["level"], "article and source paragraphs side by side"
    assert wide["sourceCells"] and all(wide["sourceCells"]), "every change names its source"
    phone = browser.probe(page, LAYOUT, width=420)
    assert phone["width"] == 420
    assert phone["pageOverflow"] <= 0, "nothing makes the page scroll sideways at 420 px"
    assert phone["wraps"], "wide tables scroll inside their own box"
    assert phone["headlineBottom"] < 900, "the verdict's headline is on the first screen"
