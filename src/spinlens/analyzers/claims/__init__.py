"""Claims: which sentences state checkable facts, what kind, about whom, and checked already?

Every sentence gets a calibrated check-worthiness probability; those at or above
``threshold`` become ``claim`` spans typed by :mod:`.kinds`. When the fact-check database
(``paths.factcheck_db``) holds fact-checks, each claim lists the candidates whose same-claim
probability (:mod:`spinlens.factcheck.sameclaim`: same subject, predicate, numbers and time,
not just the same topic) reaches ``match_probability``. A missing, empty or unreadable
database is one "not checked" warning naming the command that fills it, never a per-claim
"no match".
``model="checkworthy-fast"`` scores without the sentence encoder (n-grams and cues only):
several times faster, somewhat less accurate (figures in docs/claims.md).
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.analyzers.claims.kinds import claim_type, entities
from spinlens.analyzers.claims.model import (
    MODEL,
    MODELS,
    FinetunedCheckworthy,
    SentenceScorer,
    card,
    shipped_model,
)
from spinlens.analyzers.results import Claim, ClaimsResult, FactCheckMatch
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.errors import ConfigError, SpinlensError
from spinlens.factcheck.match import Match, Matcher
from spinlens.factcheck.sameclaim import shipped_sameclaim
from spinlens.factcheck.store import FactCheckStore
from spinlens.stores import FACTCHECKS, StoreStatus
from spinlens.stores import inspect as inspect_store

logger = logging.getLogger(__name__)
MAX_SENTENCE_CHARS = 2000
MAX_SENTENCES = 2000


def _number(name: str, value: Any, low: float, high: float, integer: bool = False) -> float:
    """A numeric option (a number or its text, as ``--set`` gives) within [low, high]."""
    kind = "a whole number" if integer else "a number"
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not low <= number <= high or (integer and number % 1):
        raise ConfigError(f"claims: {name} must be {kind} in [{low:g}, {high:g}], got {value!r}")
    return number


class ClaimsOptions(AnalyzerOptions):
    threshold: float = Field(0.5, description="check-worthiness probability that makes a claim")
    match_probability: float | None = Field(
        None, description="least same-claim probability of a match (default: the model's own)"
    )
    match_threshold: float = Field(0.0, description="also a least reranker score (0: off)")
    max_matches: int = Field(3, description="fact-check matches listed per claim (0: none)")
    match_min_cosine: float = Field(-1.0, description="also a least embedding cosine (-1: off)")
    model: str = Field(MODEL, description=f"check-worthiness model: {', '.join(MODELS)}")
    cascade_below: float = Field(0.0, description="fast model decides below this (0: off)")

    @field_validator("threshold", "match_threshold", mode="before")
    @classmethod
    def _probability(cls, value: Any, info: ValidationInfo) -> float:
        return _number(str(info.field_name), value, 0.0, 1.0)

    @field_validator("match_probability", mode="before")
    @classmethod
    def _same_claim(cls, value: Any) -> float | None:
        return None if value is None else _number("match_probability", value, 0.0, 1.0)

    @field_validator("match_min_cosine", mode="before")
    @classmethod
    def _cosine(cls, value: Any) -> float:
        return _number("match_min_cosine", value, -1.0, 1.0)

    @field_validator("max_matches", mode="before")
    @classmethod
    def _count(cls, value: Any) -> int:
        return int(_number("max_matches", value, 0, 100, integer=True))

    @field_validator("cascade_below", mode="before")
    @classmethod
    def _cascade(cls, value: Any) -> float:
        number = _number("cascade_below", value, 0.0, 0.5)
        if number >= 0.5:
            raise ConfigError("claims: cascade_below must be within [0, 0.5)")
        return number

    @field_validator("model", mode="before")
    @classmethod
    def _model(cls, value: Any) -> str:
        if value not in MODELS:
            raise ConfigError(f"claims: unknown model '{value}' (known: {', '.join(MODELS)})")
        return str(value)


@register
class ClaimsAnalyzer(BaseAnalyzer):
    """Check-worthy sentences, typed, with entities and prior fact-checks."""

    name: ClassVar[str] = "claims"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "check-worthy claims, typed, matched to existing fact-checks"
    languages: ClassVar[frozenset[str] | None] = frozenset({"en"})
    labels: ClassVar[frozenset[str]] = frozenset({"claim"})
    assigns: ClassVar[tuple[str, ...]] = (
        "sentences",
        "matched_false",
        "threshold",
        "factcheck_db",
    )
    Options: ClassVar[type[AnalyzerOptions]] = ClaimsOptions
    options: ClaimsOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        self.model_name = self.options.model
        self.threshold = self.options.threshold
        self.match_threshold = self.options.match_threshold
        self.match_probability = self.options.match_probability
        self.match_min_cosine = self.options.match_min_cosine
        self.cascade_below = self.options.cascade_below
        self.max_matches = self.options.max_matches
        self.db: Path | None = self.settings.paths.factcheck_db.expanduser()
        self.model: SentenceScorer | None = None
        self.matcher: Matcher | None = None
        self.not_checked: StoreStatus | None = None

    def initialize(self) -> None:
        model = shipped_model(self.model_name)
        if self.cascade_below and isinstance(model, FinetunedCheckworthy):
            model = replace(model, cascade_below=self.cascade_below)
        self.model = model
        if self.db is None or self.max_matches == 0:
            return
        # The database is optional: without it (or broken) claims are scored, not matched,
        # and the report says once that fact-checks were not checked.
        status = inspect_store(FACTCHECKS, self.db)
        if status.state == "ok":
            try:
                self.matcher = Matcher(FactCheckStore(self.db, create=False))
                if self.match_probability is None:
                    self.match_probability = shipped_sameclaim().threshold
            except (SpinlensError, sqlite3.Error, OSError, ValueError) as exc:
                status = replace(status, state="unreadable", detail=str(exc))
        self.not_checked = status if status.state != "ok" else None
        if status.state == "unreadable":  # a broken store is one line on stderr, not silence
            logger.warning("spinlens: claims: %s", status.warning())

    def close(self) -> None:
        """Close the fact-check store; the next ``analyze`` loads and opens again."""
        if self.matcher is not None:
            self.matcher.store.close()
        self.matcher = None
        self.model = None

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        if self.model is None:
            self.initialize()
        assert self.model is not None
        sentences = [s for s in doc.sentences if doc.text_of(s).strip()][:MAX_SENTENCES]
        texts = [doc.text_of(s)[:MAX_SENTENCE_CHARS] for s in sentences]
        scores = self.model.predict(texts).tolist() if texts else []
        chosen = [i for i, p in enumerate(scores) if p >= self.threshold]
        matches = self._matches([texts[i] for i in chosen])
        claims = [
            _claim(sentences[i], texts[i], scores[i], found)
            for i, found in zip(chosen, matches, strict=True)
        ]
        return ClaimsResult(
            spans=tuple(_span(doc, claim) for claim in claims),
            claims=tuple(claims),
            data={
                "sentences": [
                    {"start": s.start, "end": s.end, "score": round(p, 4)}
                    for s, p in zip(sentences, scores, strict=True)
                ],
                "matched_false": sum(
                    1 for found in matches if any(m.record.rating == "false" for m in found)
                ),
                "threshold": self.threshold,
                "factcheck_db": bool(self.matcher),
            },
            warnings=(self.not_checked.warning(),) if self.not_checked else (),
            not_checked=(self.not_checked,) if self.not_checked else (),
            model=f"{self.model_name}@{card(self.model_name).get('version', '?')}",
        )

    def _matches(self, texts: list[str]) -> list[list[Match]]:
        if self.matcher is None or not texts or self.max_matches == 0:
            return [[] for _ in texts]
        return self.matcher.match(
            texts,
            top=self.max_matches,
            threshold=self.match_threshold,
            min_cosine=self.match_min_cosine,
            same_claim=self.match_probability,
        )


def _claim(sentence: Span, text: str, score: float, found: list[Match]) -> Claim:
    return Claim(
        start=sentence.start,
        end=sentence.end,
        score=score,
        type=claim_type(text),
        entities=tuple(entities(text)),
        matches=tuple(_fact_check(m) for m in found),
    )


def _span(doc: Document, claim: Claim) -> Span:
    """The report's view of a claim: ``attrs`` carries its type, names and matches as JSON."""
    attrs: dict[str, Any] = {
        "type": claim.type,
        "entities": list(claim.entities),
        "matches": [m.as_dict() for m in claim.matches],
    }
    explanation = f"Check-worthy {claim.type} claim (p={claim.score:.2f})"
    if claim.entities:
        explanation += f" about {', '.join(claim.entities[:3])}"
    if claim.matches:
        best = claim.matches[0]
        explanation += (
            f". Already fact-checked by {best.publisher or 'a fact-checker'}: "
            f"{best.verdict or best.rating} (same claim, p={best.probability or 0:.2f})"
        )
    return doc.span(claim.start, claim.end, "claim", claim.score, explanation + ".", attrs)


def _fact_check(match: Match) -> FactCheckMatch:
    r = match.record
    return FactCheckMatch(
        claim_id=r.id,
        claim=r.claim,
        rating=r.rating,
        score=round(match.score, 4),
        verdict=r.verdict,
        url=r.url,
        publisher=r.publisher,
        probability=round(match.probability, 4),
    )
