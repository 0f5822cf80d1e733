"""Run the chosen analyzers over a Document and collect a Report.

The pipeline knows analyzers only through the registry and the contract: it orders them by
``requires``, skips those whose ``languages`` exclude the document, times each, and isolates
failures (an analyzer that raises is recorded as an error and the rest still run, unless
``raise_errors`` is set).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from spinlens import __version__
from spinlens.analyzers.base import Analyzer, Result, create, registry
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.errors import ConfigError, UnknownAnalyzerError
from spinlens.report.schema import (
    AnalyzerRun,
    DocumentInfo,
    Finding,
    Report,
    Segment,
    Tool,
)


def select_analyzers(only: Sequence[str] | None = None, skip: Sequence[str] = ()) -> list[str]:
    """Names to run: ``only`` if given, else every default-enabled analyzer, minus ``skip``."""
    known = registry()
    for name in [*(only or []), *skip]:
        if name not in known:
            raise UnknownAnalyzerError(
                f"unknown analyzer '{name}' (known: {', '.join(sorted(known))})"
            )
    if only:
        names = list(dict.fromkeys(only))
    else:
        names = [n for n, f in known.items() if getattr(f, "default_enabled", True)]
    return [n for n in names if n not in set(skip)]


def _order(analyzers: dict[str, Analyzer]) -> list[Analyzer]:
    """Topological order by ``requires``; requirements not selected are simply absent."""
    ordered: list[Analyzer] = []
    state: dict[str, int] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ConfigError(f"analyzers require each other in a cycle: {' -> '.join(chain)}")
        state[name] = 1
        for dep in analyzers[name].requires:
            if dep in analyzers:
                visit(dep, (*chain, dep))
        state[name] = 2
        ordered.append(analyzers[name])

    for name in analyzers:
        visit(name, (name,))
    return ordered


class Pipeline:
    """Built once (models load once), then run over any number of documents."""

    def __init__(
        self,
        names: Iterable[str] | None = None,
        *,
        settings: Settings | None = None,
        raise_errors: bool = False,
    ) -> None:
        self.settings = settings or Settings()
        chosen = (
            list(names)
            if names is not None
            else select_analyzers(self.settings.only, self.settings.skip)
        )
        built = {n: create(n, self.settings.analyzers.get(n, {}), self.settings) for n in chosen}
        self.analyzers = _order(built)
        self.raise_errors = raise_errors
        self._initialized = False

    def initialize(self) -> None:
        if not self._initialized:
            for analyzer in self.analyzers:
                analyzer.initialize()
            self._initialized = True

    def run(self, doc: Document) -> Report:
        self.initialize()
        context: dict[str, Result] = {}
        runs: list[AnalyzerRun] = []
        warnings: list[str] = []
        for analyzer in self.analyzers:
            run, result = self._run_one(analyzer, doc, context)
            runs.append(run)
            if result is not None:
                context[analyzer.name] = result
                warnings.extend(f"{analyzer.name}: {w}" for w in result.warnings)
            elif run.status != "ok":
                warnings.append(f"{analyzer.name} {run.status}: {run.reason}")
        return build_report(doc, context, runs, warnings, self.config())

    def config(self) -> dict[str, Any]:
        """The resolved configuration a report records: settings, with each analyzer's options
        as its ``Options`` model resolved them (defaults included)."""
        config = self.settings.model_dump(mode="json")
        config["analyzers"] = {a.name: a.options.model_dump(mode="json") for a in self.analyzers}
        return config

    def _run_one(
        self, analyzer: Analyzer, doc: Document, context: Mapping[str, Result]
    ) -> tuple[AnalyzerRun, Result | None]:
        if analyzer.languages is not None and doc.language not in analyzer.languages:
            reason = (
                f"needs language {'/'.join(sorted(analyzer.languages))}, "
                f"document is {doc.language or 'undetermined'}"
            )
            return AnalyzerRun(
                name=analyzer.name,
                version=analyzer.version,
                status="skipped",
                seconds=0.0,
                reason=reason,
            ), None
        began = time.perf_counter()
        try:
            result = analyzer.analyze(doc, context)
        except Exception as exc:
            # One failing analyzer (a bug, a locked store) must not cost the user the others.
            if self.raise_errors:
                raise
            took = time.perf_counter() - began
            reason = f"{type(exc).__name__}: {exc}"
            return AnalyzerRun(
                name=analyzer.name,
                version=analyzer.version,
                status="error",
                seconds=took,
                reason=reason,
            ), None
        took = time.perf_counter() - began
        run = AnalyzerRun(
            name=analyzer.name,
            version=analyzer.version,
            status="ok",
            seconds=took,
            findings=len(result.spans),
            model=result.model,
        )
        return run, result


def build_report(
    doc: Document,
    context: Mapping[str, Result],
    runs: list[AnalyzerRun],
    warnings: list[str],
    config: Mapping[str, Any],
) -> Report:
    """The report of one run. An analyzer that judges the whole article hands its
    :class:`Verdict` in ``Result.verdict``; the pipeline knows no analyzer by name."""
    findings = [
        Finding(
            analyzer=name,
            label=span.label,
            start=span.start,
            end=span.end,
            text=doc.text[span.start : span.end],
            score=span.score,
            explanation=span.explanation,
            attrs=dict(span.attrs),
        )
        for name, result in context.items()
        for span in result.spans
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.analyzer, f.label))
    data = {name: dict(result.data) for name, result in context.items() if result.data}
    verdicts = [result.verdict for result in context.values() if result.verdict is not None]
    return Report(
        tool=Tool(version=__version__),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        document=document_info(doc),
        findings=findings,
        analyzers=runs,
        data=data,
        verdict=verdicts[-1] if verdicts else None,
        warnings=warnings,
        config=dict(config),
    )


def document_info(doc: Document) -> DocumentInfo:
    return DocumentInfo(
        id=doc.id,
        title=doc.title,
        url=doc.url,
        domain=doc.domain,
        date=doc.date,
        language=doc.language,
        source_format=doc.source_format,
        text=doc.text,
        paragraphs=[Segment(start=p.start, end=p.end) for p in doc.paragraphs],
        sentences=[Segment(start=s.start, end=s.end) for s in doc.sentences],
    )
