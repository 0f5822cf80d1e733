"""A conformance check run on every registered analyzer (like scikit-learn's check_estimator).

Spans stay in bounds, the text is untouched, results are deterministic and JSON-serialisable,
and odd inputs (tiny, huge, non-Latin) do not crash an analyzer.
"""

from __future__ import annotations

import json

import pytest

from spinlens.analyzers import registry
from spinlens.document.loaders import document_from_text
from spinlens.pipeline import Pipeline
from tests.conftest import SEED

INPUTS = {
    "seed": SEED.read_text(encoding="utf-8"),
    "tiny": "Yes.",
    "non_latin": "Президент заявил, что «всё идёт по плану». 总统说一切按计划进行。",
    "huge": (
        "The regime's so-called ‘experts’ said “the numbers are fine,” according to aides. " * 600
    ),
}

ANALYZERS = sorted(n for n in registry() if not n.startswith("test_"))


@pytest.mark.parametrize("name", ANALYZERS)
@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_analyzer_conformance(name: str, kind: str) -> None:
    text = INPUTS[kind]
    doc = document_from_text(text)
    pipeline = Pipeline([name])
    first = pipeline.run(doc)
    second = pipeline.run(doc)
    assert doc.text == text
    for finding in first.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.text == text[finding.start : finding.end]
        assert 0.0 <= finding.score <= 1.0
    strip = {"created", "analyzers"}
    assert first.model_dump(exclude=strip) == second.model_dump(exclude=strip)
    json.dumps(first.model_dump(mode="json"))
    assert all(run.status in {"ok", "skipped"} for run in first.analyzers), first.warnings
