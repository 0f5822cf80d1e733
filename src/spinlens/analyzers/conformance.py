"""Check that an analyzer keeps the contract (like scikit-learn's ``check_estimator``).

``check_analyzer("name")`` runs a registered analyzer, with the analyzers it requires run first
as the pipeline would, over odd inputs (empty, tiny, huge, non-Latin, a news paragraph) and
raises :class:`ConformanceError` naming the first broken rule:

- options: ``Options`` forbids unknown keys, its defaults are valid, an unknown key is an
  :class:`~spinlens.errors.AnalyzerOptionError`;
- spans lie inside the text and carry a label from ``labels`` and a score in [0, 1];
- ``Result.data`` keys are among ``assigns``; the context is read only for ``requires``;
- two runs give the same spans and data; data and span attrs are JSON-serialisable;
- the text is never changed.

The spinlens test suite runs it on every registered analyzer; a plug-in's tests call it on
theirs (docs/analyzers.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from spinlens.analyzers.base import Analyzer, Result, create, registry
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.errors import AnalyzerOptionError

SAMPLES: dict[str, str] = {
    "empty": "",
    "tiny": "Yes.",
    "news": (
        "The minister said on Monday that unemployment fell to 3 percent, according to the "
        "statistics office. Critics called the figure “a fantasy” and the regime’s so-called "
        "‘experts’ liars.\n\nThe office will publish revised data in June."
    ),
    "non_latin": "Президент заявил, что «всё идёт по плану». 总统说一切按计划进行。",
    "huge": (
        "The regime's so-called ‘experts’ said “the numbers are fine,” according to aides. " * 600
    ),
}


class ConformanceError(AssertionError):
    """An analyzer broke one rule of the contract; the message says which."""


def check_analyzer(
    name: str, texts: Mapping[str, str] | None = None, settings: Settings | None = None
) -> None:
    """Every check on the analyzer registered as ``name``; raises ConformanceError."""
    check_options(name)
    chain = requirement_chain(name, settings)
    for kind, text in (SAMPLES if texts is None else texts).items():
        try:
            check_run(chain, text)
        except ConformanceError as exc:
            raise ConformanceError(f"{name} on the {kind!r} input: {exc}") from None


def check_options(name: str) -> None:
    factory: Any = registry()[name]
    _require(
        factory.Options.model_config.get("extra") == "forbid",
        f"{name}: Options must forbid unknown keys",
    )
    create(name)  # every option has a working default
    try:
        create(name, {"__no_such_option__": 1})
    except AnalyzerOptionError:
        return
    raise ConformanceError(f"{name}: an unknown option was accepted")


def requirement_chain(name: str, settings: Settings | None = None) -> tuple[Analyzer, ...]:
    """``name`` and every registered analyzer it requires, built and in running order."""
    from spinlens.pipeline import Pipeline

    known = registry()
    wanted: list[str] = []

    def visit(n: str) -> None:
        if n in wanted or n not in known:
            return
        for dep in getattr(known[n], "requires", ()):
            visit(dep)
        wanted.append(n)

    visit(name)
    pipeline = Pipeline(wanted, settings=settings)
    _require(pipeline.names[-1] == name, f"{name} must run after what it requires")
    return tuple(pipeline.analyzers)


def check_run(chain: tuple[Analyzer, ...], text: str) -> Result | None:
    """Run ``chain`` twice on ``text`` and check its last analyzer's result; None when the
    analyzer does not take the text's language (the pipeline would skip it)."""
    doc = Document.from_text(text)
    first, second = _run(chain, doc), _run(chain, doc)
    _require(doc.text == text, "the document's text changed")
    if first is None or second is None:
        return None
    analyzer = chain[-1]
    for span in first.spans:
        _require(0 <= span.start <= span.end <= len(text), f"span {span} outside the text")
        _require(0.0 <= span.score <= 1.0, f"span score {span.score} outside [0, 1]")
        _require(span.label in analyzer.labels, f"label {span.label!r} not in its labels")
    extra = set(first.data) - set(analyzer.assigns)
    _require(not extra, f"data keys {sorted(extra)} not in its assigns")
    same = (first.spans, dict(first.data)) == (second.spans, dict(second.data))
    _require(same, "two runs on one text gave different results")
    try:
        json.dumps(dict(first.data))
        json.dumps([dict(s.attrs) for s in first.spans])
    except (TypeError, ValueError) as exc:
        raise ConformanceError(f"result is not JSON-serialisable: {exc}") from None
    return first


def _run(chain: tuple[Analyzer, ...], doc: Document) -> Result | None:
    context: dict[str, Result] = {}
    for analyzer in chain:
        if analyzer.languages is not None and doc.language not in analyzer.languages:
            continue
        analyzer.initialize()
        watched = _Watched(context, analyzer.name, analyzer.requires)
        context[analyzer.name] = analyzer.analyze(doc, watched)
    return context.get(chain[-1].name)


class _Watched(Mapping[str, Result]):
    """The pipeline context as one analyzer sees it: its declared requirements only; asking
    for any other analyzer's result fails the check."""

    def __init__(self, context: Mapping[str, Result], name: str, allowed: tuple[str, ...]):
        self._context, self._name, self._allowed = context, name, allowed

    def _check(self, key: object) -> None:
        _require(key in self._allowed, f"{self._name} reads {key!r}; it requires {self._allowed}")

    def __getitem__(self, key: str) -> Result:
        self._check(key)
        return self._context[key]

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return key in self._context

    def __iter__(self) -> Iterator[str]:
        """Iterating sees only the declared requirements that ran."""
        return (key for key in self._context if key in self._allowed)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConformanceError(message)
