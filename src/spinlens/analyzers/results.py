"""Typed results analyzers hand each other: quotes, claims with fact-check matches, provenance,
source ratings.

An analyzer that others read returns a :class:`~spinlens.analyzers.base.Result` subclass from
here; readers use :func:`quotes_of`, :func:`claims_of`, :func:`provenance_of` and
:func:`sources_of`, which give
the typed fields, or nothing when that analyzer did not run. No reader digs in ``span.attrs``
or ``Result.data`` (those are the report's JSON, derived from these classes). Fields may be
added (with defaults) without breaking readers; renaming or removing one needs a new
analyzer version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from spinlens.analyzers.base import Result
from spinlens.sources.store import Rating


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote, scare quote or "according to X" attribution found by ``quotes``."""

    start: int
    end: int
    label: str  # quote, unattributed_quote, scare_quote or attribution
    text: str
    speaker: str | None = None  # resolved ("the minister" -> the name before it) when possible
    speaker_mention: str | None = None  # the words naming the speaker, as written
    cue: str | None = None  # the reporting verb ("said") or "according to"

    @property
    def is_direct(self) -> bool:
        """A quotation of someone's words (attributed or not), not a scare quote."""
        return self.label in {"quote", "unattributed_quote"}


@dataclass(frozen=True, slots=True)
class FactCheckMatch:
    """A published fact-check of a claim like this one (``claims`` with a fact-check store)."""

    claim_id: str
    claim: str
    rating: str  # normalised: false, mostly_false, mixed, mostly_true, true, unknown, ...
    score: float  # the reranker's score of the pair (topical; ranks the candidates)
    verdict: str | None = None  # the fact-checker's own wording ("Pants on fire")
    url: str | None = None
    publisher: str | None = None
    # The same-claim probability (factcheck/sameclaim.py): what decides that it is reported.
    probability: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report's ``attrs["matches"]`` item (field names are the published JSON)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Claim:
    """A check-worthy sentence, its kind, the names in it, and earlier fact-checks of it."""

    start: int
    end: int
    score: float  # check-worthiness probability
    type: str
    entities: tuple[str, ...] = ()
    matches: tuple[FactCheckMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """An indexed document the article was (partly) copied from, best first."""

    id: str
    score: float
    containment: float  # share of the article's shingles found in the source
    title: str | None = None
    url: str | None = None
    date: str | None = None
    paraphrase: float | None = None  # sentence-embedding score (indexes built --paraphrase)


@dataclass(frozen=True, slots=True)
class Mutation:
    """One typed change between the best source and the article (``provenance``)."""

    op: str  # inserted, deleted or substituted
    type: str  # the first type that fits; ``tags`` holds every one
    start: int  # in the article; start == end for deletions
    end: int
    source_id: str
    source_start: int
    source_end: int
    text: str = ""
    source_text: str = ""
    level: str = "word"
    tags: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def in_article(self) -> bool:
        """Whether the change has words in the article to point at (deletions have none)."""
        return self.op != "deleted" and self.end > self.start


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """A quote of the article looked up in the index: verified, altered, misattributed or
    not found."""

    start: int
    end: int
    label: str
    detail: str = ""
    speaker: str | None = None
    source_id: str | None = None
    similarity: float | None = None


# One imported list's rating of the site: the ratings store's own type (list, domain, score,
# label, detail), handed on as it is rather than copied into a look-alike.
SourceRating = Rating


@dataclass(frozen=True, slots=True)
class QuotesResult(Result):
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimsResult(Result):
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class ProvenanceResult(Result):
    sources: tuple[SourceMatch, ...] = ()
    mutations: tuple[Mutation, ...] = ()
    quote_checks: tuple[QuoteCheck, ...] = ()

    @property
    def best_source(self) -> SourceMatch | None:
        return self.sources[0] if self.sources else None


@dataclass(frozen=True, slots=True)
class SourcesResult(Result):
    domain: str | None = None
    ratings: tuple[SourceRating, ...] = ()
    score: float | None = None  # the mean of the ratings that score; None when none does

    def as_data(self) -> dict[str, Any]:
        """The report's ``data.sources`` section."""
        return {
            "domain": self.domain,
            "ratings": [r.as_dict() for r in self.ratings],
            "score": self.score,
        }


def quotes_of(context: Mapping[str, Result]) -> tuple[Quote, ...] | None:
    """The quotes analyzer's quotes; None when it did not run (not the same as none found)."""
    result = context.get("quotes")
    return result.quotes if isinstance(result, QuotesResult) else None


def claims_of(context: Mapping[str, Result]) -> tuple[Claim, ...]:
    result = context.get("claims")
    return result.claims if isinstance(result, ClaimsResult) else ()


def provenance_of(context: Mapping[str, Result]) -> ProvenanceResult | None:
    result = context.get("provenance")
    return result if isinstance(result, ProvenanceResult) else None


def sources_of(context: Mapping[str, Result]) -> SourcesResult | None:
    """The site's ratings; None when sources did not run or could not check (no lists)."""
    result = context.get("sources")
    return result if isinstance(result, SourcesResult) else None
