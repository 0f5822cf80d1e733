"""The verdict: one score and label for the article, broken down into span-backed reasons.

Logit = prior + calibrated style contributions (capped) + hand-weighted evidence from the other
analyzers (propaganda, provenance, quote checks, fact-checked claims, source rating). See
docs/verdict.md for every weight and how the style model was fitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from spinlens.analyzers.base import BaseAnalyzer, Result, register
from spinlens.analyzers.verdict import reasons
from spinlens.analyzers.verdict.model import StyleModel
from spinlens.analyzers.verdict.signals import EVIDENCE_LABELS, signals, word_count
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.models.runtime import model_dir
from spinlens.report.schema import Verdict

STRONG = 0.6  # a finding this heavy is evidence on its own, even in a short text


@lru_cache(maxsize=1)
def _load(folder: Path) -> tuple[StyleModel, dict[str, Any]]:
    weights = json.loads((folder / "weights.json").read_text(encoding="utf-8"))
    return StyleModel.load(folder / "style.json"), weights


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@register
class VerdictAnalyzer(BaseAnalyzer):
    """Combines every available finding into score, label and ranked reasons."""

    name: ClassVar[str] = "verdict"
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = "article score and label with ranked, span-backed reasons"
    requires: ClassVar[tuple[str, ...]] = (
        "quotes",
        "propaganda",
        "claims",
        "provenance",
        "sources",
    )

    labels: ClassVar[frozenset[str]] = frozenset(EVIDENCE_LABELS)

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        self._model: StyleModel | None = None
        self._weights: dict[str, Any] = {}

    def initialize(self) -> None:
        if self._model is None:
            self._model, self._weights = _load(model_dir("verdict"))

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        self.initialize()
        assert self._model is not None
        w = self._weights
        found = signals(doc, context) if doc.language in (None, "en") else []
        contributions = self._model.contributions({s.name: s.value for s in found})
        style_share = _capped(contributions, w)
        style_total = sum(style_share.values())
        findings = [
            d
            for d in (
                *reasons.propaganda(context, w["propaganda_per_technique"], word_count(doc), w),
                *reasons.provenance(doc, context, w),
                *reasons.claims(context, w["claims"], w["claims_max"]),
                *reasons.sources(context, w["source_weight"]),
            )
            if _has_evidence(d)  # no reason, and no weight, without evidence to show
        ]
        evidence = sum(d.weight for d in findings)
        logit = w["prior_logit"] + style_total + evidence
        score = _sigmoid(logit)
        drafts = [*reasons.style(doc, found, style_share), *findings]
        ranked = sorted(drafts, key=lambda d: d.weight, reverse=True)
        limits = w["thresholds"]
        label = _label(score, ranked, findings, word_count(doc), limits)
        spans, refs = _spans(doc, ranked[: limits["max_reasons"]], limits["max_spans_per_reason"])
        verdict = Verdict.model_validate(
            {
                "score": round(score, 4),
                "label": label,
                "reasons": refs,
                "explanation": _explain(logit, style_total, evidence, w["prior_logit"])
                + _omitted(ranked[limits["max_reasons"] :])
                + _absent(context, self.requires),
            }
        )
        return Result(
            spans=tuple(spans),
            verdict=verdict,
            warnings=_missing(doc, context),
            model=self._model.meta.get("name"),
        )


def _missing(doc: Document, context: Mapping[str, Result]) -> tuple[str, ...]:
    """Say so when the quotes analyzer did not run: the style signals then count quoted words
    as the writer's own and miss the quote signals the style model was fitted with."""
    if "quotes" in context or doc.language not in (None, "en"):
        return ()
    return ("quotes did not run: quoted words count as the writer's own in the style signals",)


_EVIDENCE = {
    "propaganda": "propaganda techniques",
    "provenance": "provenance and quote checks",
    "claims": "fact-check matches",
    "sources": "source ratings",
}


def _absent(context: Mapping[str, Result], requires: tuple[str, ...]) -> str:
    """The evidence the score could not use: stores that were not checked (missing, empty or
    unreadable) and evidence analyzers that did not run or failed. A verdict without them is
    weaker, and the reader must see which checks it lacks."""
    stores = [s for result in context.values() for s in result.not_checked]
    missing = [
        f"{s.store} ({s.state}: {s.fill})" if s.state != "unreadable" else f"{s.store} (unreadable)"
        for s in stores
    ]
    missing += [
        _EVIDENCE[name] + " (not run)"
        for name in requires
        if name in _EVIDENCE and name not in context
    ]
    return f"; not checked: {', '.join(missing)}" if missing else ""


def load_calibration() -> tuple[StyleModel, dict[str, Any]]:
    """The shipped style model and hand-set weights (``models/data/verdict``)."""
    return _load(model_dir("verdict"))


def style_logit(model: StyleModel, rates: Mapping[str, float], w: Mapping[str, Any]) -> float:
    """The style part of the verdict's logit, as the analyzer computes it: contributions
    measured from absence, each side capped (used by ``spinlens eval verdict`` too)."""
    return sum(_capped(model.contributions(rates), w).values())


def _capped(contributions: Mapping[str, float], w: Mapping[str, Any]) -> dict[str, float]:
    """Scale the style signals toward each side to its cap, separately.

    Signals of manipulation may add at most ``max_style_logit``; marks of reporting (dates,
    figures, officials) may subtract at most ``-min_style_logit``, because they are the easiest
    to fake (the seed carries them) and must not cancel the evidence of the other side.
    """
    scaled = {k: v * w["style_scale"] for k, v in contributions.items()}
    up = sum(v for v in scaled.values() if v > 0)
    down = -sum(v for v in scaled.values() if v < 0)
    factor_up = min(1.0, w["max_style_logit"] / up) if up else 1.0
    factor_down = min(1.0, -w["min_style_logit"] / down) if down else 1.0
    return {k: v * (factor_up if v > 0 else factor_down) for k, v in scaled.items()}


def _has_evidence(draft: reasons.Draft) -> bool:
    return bool(draft.ratings) or any(e.end > e.start for e in draft.evidence)


def _label(
    score: float,
    ranked: list[reasons.Draft],
    findings: list[reasons.Draft],
    words: int,
    limits: Mapping[str, Any],
) -> str:
    # Only a finding (a fact-check match, a copied source, a rated site) can be strong enough
    # to judge a short text: style rates over a handful of words ("The regime lied.") are not.
    strong = any(d.weight >= STRONG for d in findings)
    if not ranked or (words < limits["min_words"] and not strong):
        return "insufficient evidence"  # nothing either way, or too little text to judge
    if score >= limits["unreliable"]:
        return "unreliable"
    if score >= limits["mixed"]:
        return "mixed"
    return "reliable"


def _spans(
    doc: Document, drafts: list[reasons.Draft], per_reason: int
) -> tuple[list[Span], list[dict[str, Any]]]:
    """Reasons as report dicts; the verdict's own evidence (style signals) also as findings."""
    spans: dict[tuple[int, int, str], Span] = {}
    refs = []
    for draft in drafts:
        cited = [e for e in draft.evidence if e.end > e.start][:per_reason]
        for e in cited:
            if e.analyzer == "verdict" and (e.start, e.end, e.label) not in spans:
                score = min(1.0, abs(draft.weight))
                span = doc.span(
                    e.start, e.end, e.label, score, draft.text, {"weight": draft.weight}
                )
                spans[(e.start, e.end, e.label)] = span
        ref: dict[str, Any] = {
            "text": draft.text,
            "weight": round(draft.weight, 3),
            "spans": [
                {
                    "analyzer": e.analyzer,
                    "label": e.label,
                    "start": e.start,
                    "end": e.end,
                    "text": doc.text[e.start : e.end],
                }
                for e in cited
            ],
        }
        if draft.ratings:
            ref["ratings"] = [dict(r) for r in draft.ratings]
        refs.append(ref)
    return sorted(spans.values(), key=lambda s: (s.start, s.end)), refs


def _omitted(rest: list[reasons.Draft]) -> str:
    """Reasons past ``max_reasons`` still count; the explanation says how many and how much."""
    if not rest:
        return ""
    return f"; {len(rest)} smaller reason(s) not listed ({sum(d.weight for d in rest):+.2f})"


def _explain(logit: float, style: float, evidence: float, prior: float) -> str:
    return (
        f"score = sigmoid({logit:+.2f}): prior {prior:+.2f}, writing style {style:+.2f} "
        f"(calibrated on labelled news), findings {evidence:+.2f} (weights in docs/verdict.md)"
    )
