"""Reasons: each turns one kind of finding into weighted, span-backed evidence for the verdict.

A reason's ``weight`` is its share of the verdict's logit (positive = toward manipulative).
Builders read only what is in the pipeline context, following the cross-analyzer contract; an
analyzer that did not run simply contributes nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from spinlens.analyzers.base import Result
from spinlens.analyzers.results import (
    FactCheckMatch,
    QuoteCheck,
    SourceMatch,
    claims_of,
    provenance_of,
    sources_of,
)
from spinlens.analyzers.verdict.signals import Evidence, Signal
from spinlens.document import Document, Span
from spinlens.labels import human_label

QUOTE_CHECKS = (
    "quote_verified",
    "quote_altered_in_source",
    "quote_misattributed",
    "quote_not_found",
)

STYLE_TEXT = {
    "loaded_words": "Loaded or emotive wording outside quotes ({n}): {examples}",
    "all_caps": "Words in capitals for emphasis ({n}): {examples}",
    "exclamations": "Exclamation marks in the writer's own voice ({n})",
    "questions": "Rhetorical questions in the writer's own voice ({n})",
    "second_person": "Addresses the reader directly ({n}): {examples}",
    "first_person": "Writer speaks in the first person outside quotes ({n})",
    "hedges": "Unsourced hedging or rumour ({n}): {examples}",
    "sensational": "Sensational, clickbait wording ({n}): {examples}",
    "scare_quotes": "Words set in scare quotes, mocking or distancing ({n}): {examples}",
    "unattributed_quotes": "Quotes with no named speaker ({n})",
    "attributed_quotes": "Quotes attributed to named speakers ({n})",
    "attributions": "Claims attributed to named sources ({n}): {examples}",
    "reporting_verbs": "Reporting language (said, told, announced) ({n})",
    "numbers": "Specific figures ({n})",
    "dates": "Specific days and dates ({n})",
    "roles": "Named officials, experts or institutions ({n})",
    "headline_shouting": "Headline shouts in capitals ({n} words): {examples}",
    "headline_exclamations": "Exclamation mark in the headline ({n})",
}


@dataclass(frozen=True, slots=True)
class Draft:
    """A reason before ranking: its evidence is spans of the text, or list ratings of the site."""

    text: str
    weight: float
    evidence: tuple[Evidence, ...]
    ratings: tuple[Mapping[str, Any], ...] = ()


def _ev(spans: Iterable[Span], analyzer: str) -> tuple[Evidence, ...]:
    return tuple(Evidence(s.start, s.end, analyzer, s.label) for s in spans)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _examples(doc: Document, evidence: Sequence[Evidence], limit: int = 4) -> str:
    words = dict.fromkeys(_short(doc.text[e.start : e.end]) for e in evidence)
    shown = [f"“{w}”" for w in list(words)[:limit]]
    return ", ".join(shown) + (", …" if len(words) > limit else "")


def style(
    doc: Document, found: Sequence[Signal], contributions: Mapping[str, float]
) -> list[Draft]:
    """One reason per present signal; absent signals only move the baseline."""
    drafts = []
    for signal in found:
        weight = contributions.get(signal.name, 0.0)
        if not signal.evidence or abs(weight) < 0.05:
            continue
        template = STYLE_TEXT.get(signal.name, signal.name.replace("_", " ") + " ({n})")
        text = template.format(n=len(signal.evidence), examples=_examples(doc, signal.evidence))
        drafts.append(Draft(text, weight, signal.evidence))
    return drafts


def propaganda(
    context: Mapping[str, Result],
    per_technique: float,
    words: int,
    lengths: Mapping[str, Any] | None = None,
) -> list[Draft]:
    """One reason per technique, weighed by its density rather than its raw count.

    Passages are counted per ``propaganda_per_words`` (500) words of article, with texts shorter
    than ``propaganda_min_words`` (200) counted as that long: a long report that quotes a few
    loaded phrases must not outweigh a short piece made of them (raw counts ranked real news
    above fake on Horne 2017, whose real articles are longer; docs/verdict.md).
    """
    if "propaganda" not in context:
        return []
    lengths = lengths or {}
    per_words = float(lengths.get("propaganda_per_words", 500))
    length = max(float(words), float(lengths.get("propaganda_min_words", 200)))
    groups: dict[str, list[Span]] = defaultdict(list)
    for span in context["propaganda"].spans:
        groups[span.label].append(span)
    drafts = []
    for label, spans in groups.items():
        confidence = sum(s.score for s in spans) / len(spans)
        weight = per_technique * math.log1p(len(spans) * per_words / length) * confidence
        passages = "1 passage" if len(spans) == 1 else f"{len(spans)} passages"
        text = f"Propaganda technique “{human_label(label)}” in {passages}"
        drafts.append(Draft(text, weight, _ev(spans, "propaganda")))
    return drafts


def provenance(
    doc: Document, context: Mapping[str, Result], weights: Mapping[str, Any]
) -> list[Draft]:
    """Mutations of the likely source, and quotes checked against it; both weighed by how
    sure it is that the source came first (:func:`_direction`)."""
    result = provenance_of(context)
    if result is None:
        return []
    direction = _direction(doc, result.best_source, weights)
    drafts: list[Draft] = [
        _quote_check(doc, check, weights["quote_checks"][check.label] * direction)
        for check in result.quote_checks
        if check.label in weights["quote_checks"]
    ]
    groups: dict[str, list[Evidence]] = defaultdict(list)
    for m in result.mutations:
        if m.in_article and m.type in weights["provenance"]:
            groups[m.type].append(Evidence(m.start, m.end, "provenance", m.type))
    source = _source_name(result.best_source)
    for label, evidence in groups.items():
        w = weights["provenance"][label] * math.log1p(len(evidence)) / math.log(2) * direction
        if not w:
            continue
        text = (
            f"Changed from its likely source{source} ({human_label(label)}, {len(evidence)}): "
            f"{_examples(doc, evidence, 3)}"
        )
        drafts.append(Draft(text, w, tuple(evidence)))
    if direction < 1.0:  # no order: at most "mixed" on its own, however many kinds of change
        drafts = _capped_drafts(drafts, float(weights.get("provenance_undated_max", 1e9)))
    return drafts


def _capped_drafts(drafts: list[Draft], cap: float) -> list[Draft]:
    """Scale the positive weights down so that together they are at most ``cap``."""
    total = sum(d.weight for d in drafts if d.weight > 0)
    if total <= cap:
        return drafts
    return [replace(d, weight=d.weight * cap / total) if d.weight > 0 else d for d in drafts]


def _direction(doc: Document, source: SourceMatch | None, weights: Mapping[str, Any]) -> float:
    """How much the changes from the likely source say about this article.

    A change is the article's only if the source came first. With both dates known, a source
    dated after the article is a later copy of it (its changes are the copy's): no weight. A
    dated source and an undated article (text pasted by a reader) are taken in that order. An
    undated source gives no order (a fake rewrite indexed beside the original looks like the
    original's "source"): ``provenance_undated`` of the weight.
    """
    theirs = (source.date or "")[:10] if source else ""
    ours = (doc.date or "")[:10]
    if theirs and ours:
        return 0.0 if theirs > ours else 1.0
    return 1.0 if theirs else float(weights.get("provenance_undated", 1.0))


def _source_name(source: SourceMatch | None) -> str:
    name = source and (source.title or source.url or source.id)
    return f" “{_short(name, 50)}”" if name else ""


def _quote_check(doc: Document, check: QuoteCheck, weight: float) -> Draft:
    speaker = check.speaker or "its speaker"
    detail = check.detail.strip()
    words = {
        "quote_not_found": "is not in the likely source",
        "quote_misattributed": "was said by someone else in the source",
        "quote_altered_in_source": "differs from the source's wording",
        "quote_verified": "matches the source",
    }
    what = words.get(check.label, human_label(check.label))
    text = f"Quote attributed to {speaker} {what}" + (f" ({detail})" if detail else "")
    return Draft(text, weight, (Evidence(check.start, check.end, "provenance", check.label),))


def claims(context: Mapping[str, Result], weights: Mapping[str, float], cap: float) -> list[Draft]:
    """One reason per claim that matches a fact-check: the most probable same-claim match.

    The weight is the rating's (false and misleading raise the score, true lowers it, an
    unknown rating is shown but weighs little) times the same-claim probability, so a sure
    match of a false claim weighs most. The reason names the rating, publisher and link.
    """
    drafts = []
    for claim in claims_of(context):
        rated = [m for m in claim.matches if m.rating in weights]
        if not rated:
            continue
        best = max(rated, key=lambda m: (_probability(m), m.score))
        p = _probability(best)
        who = f" by {_short(best.publisher, 80)}" if best.publisher else ""
        link = f" ({_short(best.url, 120)})" if best.url else ""
        text = (
            f"Claim matches a fact-check rated {_short(best.rating, 40)}{who}{link}, "
            f"same claim p={p:.2f}: “{_short(best.claim, 160)}”"
        )
        evidence = (Evidence(claim.start, claim.end, "claims", "claim"),)
        drafts.append(Draft(text, weights[best.rating] * p, evidence))
    total = sum(d.weight for d in drafts if d.weight > 0)
    if total > cap:  # many false claims saturate: the verdict is already clear
        drafts = [
            Draft(d.text, d.weight * cap / total, d.evidence) if d.weight > 0 else d for d in drafts
        ]
    return drafts


def _probability(match: FactCheckMatch) -> float:
    """The same-claim probability; a match from before it existed counts as its score."""
    return match.probability if match.probability is not None else match.score


def sources(context: Mapping[str, Result], weight: float) -> list[Draft]:
    """The domain's rating: the one reason whose evidence is the domain, not a span."""
    result = sources_of(context)
    if result is None or result.score is None:
        return []
    rated = [(r, r.score) for r in result.ratings if r.score is not None]
    if not rated:
        return []  # a combined score with no list behind it is no evidence
    lists = ", ".join(f"{_short(r.list, 40)} ({_short(r.label, 60)})" for r, _ in rated)
    domain = result.domain or ""
    text = f"The site {_short(domain, 80)} has reliability {result.score:.2f} on: {lists}"
    refs = tuple(
        {"list": r.list, "domain": r.domain or domain, "score": score, "label": r.label}
        for r, score in rated
    )
    return [Draft(text, weight * (0.5 - result.score), (), refs)]
