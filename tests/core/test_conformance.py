"""A conformance check run on every registered analyzer (like scikit-learn's check_estimator).

Each analyzer runs with the analyzers it requires run first (as the pipeline would), on odd
inputs (empty, tiny, huge, non-Latin) and the seed. Checked: spans in bounds and labelled
as declared, the text untouched, results deterministic and JSON-serialisable, only declared
``data`` keys written, only declared requirements read from the context, and the options
contract (defaults valid, an unknown option a coded config error, exit 5 from the CLI).
A third-party analyzer gets the same checks once installed (docs/analyzers.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pytest

from spinlens.analyzers import Analyzer, Result, create, registry
from spinlens.document import Document
from spinlens.errors import AnalyzerOptionError
from spinlens.pipeline import Pipeline
from spinlens.report import Report
from tests.conftest import SEED
from tests.core.cli_runner import run_cli

INPUTS = {
    "seed": SEED.read_text(encoding="utf-8"),
    "empty": "",
    "tiny": "Yes.",
    "non_latin": "Президент заявил, что «всё идёт по плану». 总统说一切按计划进行。",
    "huge": (
        "The regime's so-called ‘experts’ said “the numbers are fine,” according to aides. " * 600
    ),
}

ANALYZERS = sorted(n for n in registry() if not n.startswith("test_"))


class _Watched(Mapping[str, Result]):
    """The pipeline context as one analyzer sees it; reading an undeclared key fails."""

    def __init__(self, context: Mapping[str, Result], name: str, allowed: tuple[str, ...]):
        self._context, self._name, self._allowed = context, name, allowed

    def _check(self, key: object) -> None:
        assert key in self._allowed, f"{self._name} reads '{key}' but requires {self._allowed}"

    def __getitem__(self, key: str) -> Result:
        self._check(key)
        return self._context[key]

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return key in self._context

    def __iter__(self) -> Iterator[str]:
        raise AssertionError(f"{self._name} iterates over the whole context")

    def __len__(self) -> int:
        raise AssertionError(f"{self._name} asks how many analyzers ran")


@cache
def _chain(name: str) -> tuple[Analyzer, ...]:
    """``name`` and everything it requires, built once and ordered as the pipeline orders."""
    wanted: list[str] = []

    def visit(n: str) -> None:
        if n in wanted or n not in registry():
            return
        for dep in getattr(registry()[n], "requires", ()):
            visit(dep)
        wanted.append(n)

    visit(name)
    return tuple(Pipeline(wanted).analyzers)


def _run(name: str, doc: Document) -> Result | None:
    """Run the chain by hand, watching what ``name`` reads; None when its language is not the
    document's (the pipeline skips it then)."""
    context: dict[str, Result] = {}
    for analyzer in _chain(name):
        if analyzer.languages is not None and doc.language not in analyzer.languages:
            continue
        analyzer.initialize()
        context[analyzer.name] = analyzer.analyze(
            doc, _Watched(context, analyzer.name, analyzer.requires)
        )
    return context.get(name)


@pytest.mark.parametrize("name", ANALYZERS)
@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_analyzer_conformance(name: str, kind: str) -> None:
    text = INPUTS[kind]
    doc = Document.from_text(text)
    first, second = _run(name, doc), _run(name, doc)
    assert doc.text == text
    if first is None:
        return
    analyzer = _chain(name)[-1]
    for span in first.spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert 0.0 <= span.score <= 1.0
        assert span.label in analyzer.labels, f"{name}: undeclared label {span.label}"
    assert set(first.data) <= set(analyzer.assigns), f"{name}: undeclared data keys"
    assert first == second or (first.spans, first.data) == (second.spans, second.data)
    json.dumps(dict(first.data))
    json.dumps([dict(s.attrs) for s in first.spans])


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
def test_options_are_declared(name: str) -> None:
    factory: Any = registry()[name]
    assert factory.Options.model_config.get("extra") == "forbid"
    create(name)  # every option has a working default
    with pytest.raises(AnalyzerOptionError, match=rf"analyzers.{name}: unknown option\(s\) nope"):
        create(name, {"nope": 1})


@pytest.mark.parametrize("name", ANALYZERS)
def test_unknown_option_is_exit_5_from_the_cli(name: str) -> None:
    run = run_cli(
        "--set", f"analyzers.{name}.nope=1", "analyze", "-", "--only", name, input="Some text."
    )
    assert run.exit_code == 5, run.stderr
    assert run.stderr.count("\n") == 1 and "[E302]" in run.stderr and name in run.stderr
