"""The conformance check (spinlens.analyzers.conformance) on every registered analyzer.

Each analyzer runs with the analyzers it requires run first, on the check's odd inputs and the
seed; plus what needs the pipeline and the CLI: each report round-trips and records the
resolved options, and an unknown option is exit 5 from the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import ClassVar

import pytest

from spinlens.analyzers import Analyzer, BaseAnalyzer, Result, registry
from spinlens.analyzers.base import _REGISTRY, register
from spinlens.analyzers.conformance import (
    SAMPLES,
    ConformanceError,
    check_analyzer,
    check_options,
    check_run,
    requirement_chain,
)
from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.report import Report
from tests.conftest import SEED
from tests.core.cli_runner import run_cli

INPUTS = {**SAMPLES, "seed": SEED.read_text(encoding="utf-8")}
ANALYZERS = sorted(n for n in registry() if not n.startswith("test_"))


@cache
def _chain(name: str) -> tuple[Analyzer, ...]:
    return requirement_chain(name)


# The huge input takes 15-25 s per analyzer: ``make test-slow``. That long texts cost linear
# time is tested structurally and fast (tests/propaganda/test_long_text.py,
# tests/provenance/test_long_texts.py).
KINDS = [pytest.param(k, marks=pytest.mark.slow) if k == "huge" else k for k in sorted(INPUTS)]


@pytest.mark.parametrize("name", ANALYZERS)
@pytest.mark.parametrize("kind", KINDS)
def test_analyzer_conformance(name: str, kind: str) -> None:
    check_run(_chain(name), INPUTS[kind])


@pytest.mark.parametrize("name", ANALYZERS)
def test_options_are_declared(name: str) -> None:
    check_options(name)


@pytest.mark.parametrize("name", ANALYZERS)
def test_report_of_each_analyzer_is_valid_json(name: str) -> None:
    doc = Document.from_text(INPUTS["seed"])
    report = Pipeline([a.name for a in _chain(name)]).run(doc)
    assert all(run.status in {"ok", "skipped"} for run in report.analyzers), report.warnings
    for finding in report.findings:
        assert finding.text == doc.text[finding.start : finding.end]
    assert Report.model_validate_json(report.model_dump_json()) == report
    assert report.config["analyzers"][name] == _chain(name)[-1].options.model_dump(mode="json")


@pytest.mark.parametrize("name", ANALYZERS)
def test_unknown_option_is_exit_5_from_the_cli(name: str) -> None:
    run = run_cli(
        "--set", f"analyzers.{name}.nope=1", "analyze", "-", "--only", name, input="Some text."
    )
    assert run.exit_code == 5, run.stderr
    assert run.stderr.count("\n") == 1 and "[E302]" in run.stderr and name in run.stderr


class _Sneaky(BaseAnalyzer):
    """Reads an analyzer it does not require and labels spans it does not declare."""

    name: ClassVar[str] = "test_sneaky"
    labels: ClassVar[frozenset[str]] = frozenset({"word"})

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        if "quotes" in context:
            return Result()
        return Result(spans=(doc.span(0, min(3, len(doc.text)), "other"),))


@pytest.mark.parametrize(
    ("reads", "message"),
    [(True, "reads 'quotes'"), (False, "label 'other' not in its labels")],
)
def test_the_check_catches_broken_contracts(reads: bool, message: str) -> None:
    class _Probe(_Sneaky):
        def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
            if reads:
                return super().analyze(doc, context)
            return Result(spans=(doc.span(0, min(3, len(doc.text)), "other"),))

    register(_Probe)
    try:
        with pytest.raises(ConformanceError, match=message):
            check_analyzer("test_sneaky", {"tiny": "Yes, sir."})
    finally:
        _REGISTRY.pop("test_sneaky", None)
