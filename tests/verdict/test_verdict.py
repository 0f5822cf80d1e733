"""The verdict: the seed is unreliable for the right reasons; an honest wire story is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.analyzers.base import registry
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.report.schema import Report
from tests.conftest import ROOT
from tests.core.cli_runner import run_cli

# Analyzers whose findings the verdict reads; claims needs its shipped model and a fact-check
# store, neither of which changes the seed's evidence, so it is left out here.
WANTED = ("quotes", "propaganda", "provenance", "sources", "verdict")
ANALYZERS = [name for name in WANTED if name in registry()]

# What the fake-news site changed in the wire story (examples/corpus/wire.jsonl).
SEED_MANIPULATIONS = (
    "Israeli-backed",
    "invited by US officials to have peace talks about the situation with Saudi Arabia",
    "Netanyahu congratulated President Trump",
    "imposing more hostile sanctions against Iran",
    "which the Zionist dictator said was",
    "oppressing the Iranian people and threatening Jewish entities in the entire world.",
    "Zionist based",
    "However, the US military has bases all around Iran",
    "The US regime",
    "RT. com / ABC Flash Point News 2020.",
)

WIRE = """\
FRANKFURT, March 14 (Wire) - The European Central Bank left its key interest rates unchanged on \
Thursday, as expected, and said it would keep buying bonds until at least the end of September.

The deposit rate stayed at minus 0.4 percent, the bank said in a statement after its policy \
meeting in Frankfurt. Economists polled by the agency last week had expected no change.

"Inflation is moving closer to our target, but we need to see more evidence," ECB President \
Mario Draghi told a news conference, adding that growth in the 19 countries sharing the euro \
had been "solid and broad-based" in the fourth quarter.

Euro zone inflation was 1.1 percent in February, according to Eurostat, the European Union's \
statistics office, below the bank's goal of just under 2 percent.

The euro rose 0.3 percent to $1.2350 after the decision. Analysts at two banks said the \
statement gave no new signal on when purchases would end.

The bank will publish new staff forecasts at its next meeting on April 26, a spokeswoman said.
"""


def _index(tmp_path: Path) -> Path:
    db = tmp_path / "index.sqlite"
    run = run_cli("index", "add", str(ROOT / "examples" / "corpus"), "--index", str(db), "-q")
    assert run.exit_code == 0, run.stderr
    return db


def _report(text: str, index: Path | None = None) -> Report:
    settings = Settings.model_validate({"paths": {"index": str(index)}} if index else {})
    pipeline = Pipeline(ANALYZERS, settings=settings, raise_errors=True)
    return pipeline.run(Document.from_text(text, language="en"))


def _overlaps(text: str, start: int, end: int, phrases: tuple[str, ...]) -> bool:
    for phrase in phrases:
        at = text.find(phrase)
        if at >= 0 and at < end and start < at + len(phrase):
            return True
    return False


def test_seed_is_unreliable_with_five_reasons_on_the_manipulations(
    tmp_path: Path, seed_text: str
) -> None:
    report = _report(seed_text, _index(tmp_path))
    verdict = report.verdict
    assert verdict is not None and verdict.label == "unreliable", verdict
    assert verdict.score >= 0.9
    damning = [r for r in verdict.reasons if r.weight > 0]
    on_target = [
        r
        for r in damning
        if any(_overlaps(seed_text, s.start, s.end, SEED_MANIPULATIONS) for s in r.spans)
    ]
    assert len(on_target) >= 5, [r.text for r in damning]
    # The fabricated Netanyahu quote and the inserted smear are among the reasons.
    cited = {seed_text[s.start : s.end] for r in on_target for s in r.spans}
    assert any(c.startswith("oppressing the Iranian people") for c in cited)
    assert "Israeli-backed" in cited
    # Reasons are ranked, and every span is an exact slice of the article.
    weights = [r.weight for r in verdict.reasons]
    assert weights == sorted(weights, reverse=True)
    for reason in verdict.reasons:
        for span in reason.spans:
            assert seed_text[span.start : span.end] == span.text


def test_seed_without_index_still_flags_the_wording(seed_text: str) -> None:
    verdict = _report(seed_text).verdict
    assert verdict is not None and verdict.label in {"unreliable", "mixed"}
    wording = [
        r for r in verdict.reasons if r.weight > 0 and "Israeli-backed" in {x.text for x in r.spans}
    ]
    assert wording, "the inserted smear is evidence (loaded wording or a propaganda technique)"


def test_reputable_wire_story_is_not_unreliable(tmp_path: Path) -> None:
    verdict = _report(WIRE, _index(tmp_path)).verdict
    assert verdict is not None
    assert verdict.label in {"reliable", "insufficient evidence"}, verdict
    assert verdict.score < 0.45


def test_short_text_is_insufficient_evidence() -> None:
    verdict = _report("The meeting was moved to Tuesday afternoon.").verdict
    assert verdict is not None and verdict.label == "insufficient evidence"


@pytest.mark.parametrize("text", ["The regime lied.", "SHOCKING!!! The corrupt regime lied!"])
def test_style_rates_over_a_few_words_do_not_judge_a_short_text(text: str) -> None:
    """A loaded word in three words is a huge rate, not evidence (it read 'unreliable')."""
    verdict = _report(text).verdict
    assert verdict is not None and verdict.label == "insufficient evidence", verdict


@pytest.mark.parametrize(
    ("add", "direction"),
    [
        ("SHOCKING!!! You will NOT BELIEVE what these corrupt traitors did! ", 1),
        ("Officials said on Monday that 3,200 people were counted, police said. ", -1),
    ],
)
def test_style_signals_move_the_score_their_way(add: str, direction: int) -> None:
    neutral = (
        "The committee met to discuss the plan for the new library. Members talked about the "
        "budget, the building and the opening hours, and agreed to meet again to look at the "
        "designs that architects will send. The plan has been discussed for some time.\n"
    )
    base = _report(neutral).verdict
    changed = _report(add + neutral).verdict
    assert base is not None and changed is not None
    assert (changed.score - base.score) * direction > 0


def test_verdict_spans_are_findings_and_the_report_validates(seed_text: str) -> None:
    report = _report(seed_text)
    own = [f for f in report.findings if f.analyzer == "verdict"]
    assert own and all(f.explanation for f in own)
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_seed_on_a_rated_site_cites_every_piece_of_evidence(tmp_path: Path, seed_text: str) -> None:
    lists = tmp_path / "desk.csv"
    lists.write_text("domain,score,label\nflashpoint.example,0.1,fabricates\n", encoding="utf-8")
    assert run_cli("sources", "import", str(lists), "--format", "csv").exit_code == 0
    settings = Settings.model_validate({"paths": {"index": str(_index(tmp_path))}})
    doc = Document.from_text(seed_text, language="en", url="https://m.flashpoint.example/a/1")
    report = Pipeline(ANALYZERS, settings=settings, raise_errors=True).run(doc)
    verdict = report.verdict
    assert verdict is not None and verdict.label == "unreliable"
    site = [r for r in verdict.reasons if r.ratings]
    assert len(site) == 1 and "flashpoint.example" in site[0].text and site[0].weight > 1
    assert [(x.list, x.domain, x.score) for x in site[0].ratings] == [
        ("desk", "flashpoint.example", 0.1)
    ]
    for reason in verdict.reasons:
        assert reason.ratings or reason.spans, reason
        assert all(seed_text[s.start : s.end] == s.text and s.text for s in reason.spans)
