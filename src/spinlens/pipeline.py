"""Run the chosen analyzers over a Document and collect a Report.

The pipeline knows analyzers only through the registry and the contract: it orders them by
``requires``, skips those whose ``languages`` exclude the document, times each, and isolates
failures (an analyzer that raises is recorded as an error and the rest still run, unless
``raise_errors`` is set).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spinlens._version import __version__
from spinlens.analyzers.base import Analyzer, Result, create, parse_options, registry
from spinlens.config import Settings, load_settings
from spinlens.deadline import check as check_deadline
from spinlens.document import Document
from spinlens.errors import ConfigError, UnknownAnalyzerError
from spinlens.report.schema import (
    AnalyzerRun,
    DocumentInfo,
    Finding,
    NotChecked,
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


def check_analyzer_sections(settings: Settings) -> None:
    """Every ``[analyzers.X]`` section names a known analyzer and only its options, whether X
    runs or not: a typo in spinlens.toml fails now (exit 5), not the day X is switched on."""
    known = registry()
    for name, options in settings.analyzers.items():
        if name not in known:
            raise UnknownAnalyzerError(
                f"analyzers.{name}: unknown analyzer (known: {', '.join(sorted(known))})"
            )
        parse_options(known[name], options)


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
    """Analyzers built once (models load once), then run over any number of documents.

    ``pipe(text_or_document)`` gives one Report; ``pipe.pipe(texts)`` a stream of them;
    ``pipe.select(names)`` a pipeline running fewer analyzers with the same loaded models;
    ``pipe.close()`` (or ``with``) releases the stores analyzers hold open. Build one with
    :func:`load_pipeline`, which reads ``spinlens.toml`` as the CLI does. Nothing outside
    should edit ``analyzers``: select instead.
    """

    def __init__(
        self,
        names: Iterable[str] | None = None,
        *,
        settings: Settings | None = None,
        raise_errors: bool = False,
    ) -> None:
        self.settings = settings or Settings()
        check_analyzer_sections(self.settings)
        chosen = (
            list(names)
            if names is not None
            else select_analyzers(self.settings.only, self.settings.skip)
        )
        built = {n: create(n, self.settings.analyzers.get(n, {}), self.settings) for n in chosen}
        self.analyzers: Sequence[Analyzer] = tuple(_order(built))
        self.raise_errors = raise_errors
        # Ids of the analyzers already initialized; one set shared with every select() view,
        # so a model loads once whichever of them runs first.
        self._ready: set[int] = set()

    def __repr__(self) -> str:
        return f"Pipeline({self.names!r})"

    @property
    def names(self) -> list[str]:
        """The analyzers this pipeline runs, in running order."""
        return [a.name for a in self.analyzers]

    def __call__(self, text_or_doc: str | Document, **meta: Any) -> Report:
        """The Report of one text (its language detected) or Document."""
        return self.run(_as_document(text_or_doc, meta))

    def pipe(self, texts: Iterable[str | Document], *, batch_size: int = 32) -> Iterator[Report]:
        """One Report per text or Document, in order, lazily.

        ``batch_size`` bounds how many inputs are read ahead of the reports handed out (the
        analyzers run document by document). An input that cannot become a Document (an
        empty text) raises; use :mod:`spinlens.batch` to skip and report bad records.
        """
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
        batch: list[str | Document] = []
        for item in texts:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from (self(x) for x in batch)
                batch = []
        yield from (self(x) for x in batch)

    def select(self, names: Iterable[str]) -> Pipeline:
        """A pipeline running only ``names`` (kept in this one's order), sharing its loaded
        analyzers: nothing is built or loaded again. A name this pipeline lacks is an error.

        >>> pipe = load_pipeline(only=["quotes", "sources"])
        >>> pipe.select(["quotes"]).names, pipe.names
        (['quotes'], ['quotes', 'sources'])
        """
        wanted = list(dict.fromkeys(names))
        missing = [n for n in wanted if n not in self.names]
        if missing:
            raise UnknownAnalyzerError(
                f"analyzer(s) {', '.join(missing)} not loaded in this pipeline "
                f"(loaded: {', '.join(self.names) or 'none'})"
            )
        view = copy.copy(self)
        view.analyzers = tuple(a for a in self.analyzers if a.name in wanted)
        return view

    def close(self) -> None:
        """Release what analyzers hold open (stores); views from ``select`` share them."""
        for analyzer in self.analyzers:
            close = getattr(analyzer, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def initialize(self) -> None:
        """Load every analyzer's models once (the first document does it otherwise)."""
        for analyzer in self.analyzers:
            if id(analyzer) not in self._ready:
                analyzer.initialize()
                self._ready.add(id(analyzer))

    def run(self, doc: Document) -> Report:
        self.initialize()
        context: dict[str, Result] = {}
        runs: list[AnalyzerRun] = []
        warnings: list[str] = []
        for analyzer in self.analyzers:
            check_deadline()  # a server request past its time stops here (spinlens.deadline)
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


def load_pipeline(
    config: str | Path | Settings | None = None,
    *,
    only: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    overrides: Sequence[str] = (),
    raise_errors: bool = False,
) -> Pipeline:
    """The pipeline the CLI would run: settings from ``config`` (a TOML path, or Settings;
    default ``./spinlens.toml`` when present, then ``SPINLENS_*``, then ``overrides`` such as
    ``"analyzers.claims.threshold=0.6"``), analyzers from ``only`` (else the config's ``only``,
    else every default one) minus the config's and the given ``skip``."""
    settings = (
        config
        if isinstance(config, Settings)
        else load_settings(Path(config) if config is not None else None, list(overrides))
    )
    names = select_analyzers(only or settings.only, [*settings.skip, *skip])
    return Pipeline(names, settings=settings, raise_errors=raise_errors)


def _as_document(text_or_doc: str | Document, meta: Mapping[str, Any]) -> Document:
    if isinstance(text_or_doc, Document):
        return text_or_doc
    from spinlens.document.loaders import document_from_text

    return document_from_text(text_or_doc, **meta)


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
        not_checked=[
            NotChecked.model_validate(status.note())
            for result in context.values()
            for status in result.not_checked
        ],
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
