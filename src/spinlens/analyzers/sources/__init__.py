"""Source reliability of the article's domain, from the lists the user imported and chose."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import Field

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.analyzers.results import SourcesResult
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.errors import DamagedStoreError, InputError
from spinlens.sources import SourceStore, combine
from spinlens.sources.domains import host_of
from spinlens.stores import SOURCES
from spinlens.stores import inspect as inspect_store

logger = logging.getLogger(__name__)


class SourcesOptions(AnalyzerOptions):
    lists: list[str] | None = Field(None, description="lists to consult (default: every one)")


@register
class SourcesAnalyzer(BaseAnalyzer):
    """Every chosen list's rating of the document's domain; no spans, the evidence is the domain."""

    name: ClassVar[str] = "sources"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "reliability ratings of the article's domain from open lists"
    assigns: ClassVar[tuple[str, ...]] = ("domain", "ratings", "score")
    Options: ClassVar[type[AnalyzerOptions]] = SourcesOptions
    options: SourcesOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        self.lists = self.options.lists
        self.path = self.settings.paths.sources_db
        self._store: SourceStore | None = None
        self._told = False

    def _open(self) -> None:
        """Open the store on first use, inside the pipeline's per-analyzer error isolation: a
        broken store fails this analyzer (reported in the run), not the whole analysis."""
        if self._store is None and self.path.is_file():
            self._store = SourceStore(self.path)

    def close(self) -> None:
        """Close the ratings store; the next ``analyze`` opens it again."""
        if self._store is not None:
            self._store.close()
        self._store = None

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        try:
            self._open()
        except DamagedStoreError as exc:
            # not checked, said once on stderr, as for the other stores
            status = replace(inspect_store(SOURCES, self.path), state="unreadable")
            status = replace(status, detail=f"damaged: {exc.detail}")
            if not self._told:
                self._told = True
                logger.warning("spinlens: sources: %s", status.warning())
            return SourcesResult(warnings=(status.warning(),), not_checked=(status,))
        target = _target(doc)
        domain = host_of(target) if target else None
        if target is None:
            return _result(SourcesResult(domain=domain))
        known = [info.name for info in self._store.lists()] if self._store is not None else []
        if self._store is None or not known:  # no store, or one with every list removed
            # Not checked, which is not the same as "no list rates this site": say which
            # store and how to fill it (a broken store fails the analyzer in _open instead).
            status = inspect_store(SOURCES, self.path)
            if status.state == "ok":  # lists removed while the store was open
                status = replace(status, state="empty")
            return _result(
                SourcesResult(domain=domain, warnings=(status.warning(),), not_checked=(status,))
            )
        ratings = self._store.lookup(target, self.lists)
        return _result(
            SourcesResult(
                domain=domain,
                ratings=tuple(ratings),
                score=combine(ratings),
                warnings=self._unknown_lists(known),
            )
        )

    def _unknown_lists(self, known: list[str]) -> tuple[str, ...]:
        """A warning when ``analyzers.sources.lists`` names a list that is not imported."""
        if not self.lists:
            return ()
        unknown = [name for name in self.lists if name not in known]
        if not unknown:
            return ()
        return (
            f"analyzers.sources.lists names lists that are not imported: {', '.join(unknown)} "
            f"(imported: {', '.join(known) or 'none'})",
        )


def _result(result: SourcesResult) -> SourcesResult:
    """The typed result with the report's ``data.sources`` derived from it."""
    return replace(result, data=result.as_data())


def _target(doc: Document) -> str | None:
    """The URL (its path can matter: lists rate pages such as facebook.com/x), else the domain."""
    for value in (doc.url, doc.domain):
        if value:
            try:
                host_of(value)
            except InputError:
                continue
            return value
    return None
