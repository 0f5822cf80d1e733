"""Propaganda and persuasion techniques: which words manipulate, and how.

A fine-tuned all-MiniLM-L6-v2 token tagger (int8 ONNX, shipped) finds the spans; technique
labels come from its heads blended with a small span classifier; a narrow lexicon adds blatant
epithets. Labels are reported in the PTC-2020 (14 classes) or SemEval-2023 (23) taxonomy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from spinlens.analyzers.base import AnalyzerOptions, BaseAnalyzer, Result, register
from spinlens.analyzers.propaganda.detect import Detection, detect
from spinlens.analyzers.propaganda.model import Bundle, load_bundle
from spinlens.analyzers.propaganda.paragraphs import paragraph_labels
from spinlens.analyzers.propaganda.taxonomy import (
    PTC_LABELS,
    S2023_LABELS,
    Taxonomy,
    explain,
    to_taxonomy,
)
from spinlens.analyzers.propaganda.visibility import hidden, precision
from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.errors import MissingDependencyError

NO_SPAN_CLASSIFIER = (
    "the propaganda span classifier is not installed: techniques come from the tagger's "
    "heads, which label spans much less accurately"
)


class PropagandaOptions(AnalyzerOptions):
    taxonomy: Taxonomy = Field("ptc2020", description="label set: ptc2020 (14) or semeval2023")
    threshold: float | None = Field(
        None, gt=0.0, lt=1.0, description="span probability cut-off (default: the model's)"
    )
    lexicon: bool = Field(True, description="add the narrow lexicon's blatant epithets")
    model_dir: str | None = Field(None, description="a folder with other trained weights")
    show_all_techniques: bool = Field(
        False,
        description="also report spans of techniques measured below 0.4 precision (kept in "
        "data.hidden otherwise)",
    )


@register
class PropagandaAnalyzer(BaseAnalyzer):
    """Spans using one of the SemEval propaganda techniques, with a score and an explanation."""

    name: ClassVar[str] = "propaganda"
    version: ClassVar[str] = "1.2"  # 1.1: spans widened to whole words; 1.2: low-precision hidden
    description: ClassVar[str] = "propaganda techniques (SemEval-2020/2023) at span level"
    languages: ClassVar[frozenset[str] | None] = frozenset({"en"})
    labels: ClassVar[frozenset[str]] = frozenset({*PTC_LABELS, *S2023_LABELS})
    assigns: ClassVar[tuple[str, ...]] = (
        "taxonomy",
        "counts",
        "density",
        "hidden",
        "paragraphs",
    )
    Options: ClassVar[type[AnalyzerOptions]] = PropagandaOptions
    options: PropagandaOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        super().__init__(settings, **options)
        self.taxonomy: Taxonomy = self.options.taxonomy
        self.threshold = self.options.threshold
        self.lexicon = self.options.lexicon
        self.model_dir = self.options.model_dir
        self.bundle: Bundle | None = None

    def initialize(self) -> None:
        try:
            self.bundle = load_bundle(self.model_dir)
        except MissingDependencyError:
            self.bundle = Bundle(None, None, None, {})

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        if self.bundle is None:
            self.initialize()
        assert self.bundle is not None
        warnings: tuple[str, ...] = ()
        if self.bundle.tagger is None:
            warnings = ("propaganda model not installed: only the lexicon ran",)
        elif self.bundle.span_classifier is None:
            warnings = (NO_SPAN_CLASSIFIER,)
        found = detect(self.bundle, doc.text, self.threshold, use_lexicon=self.lexicon)
        card = self.bundle.card
        show_all = self.options.show_all_techniques
        made = [(s, show_all or not hidden(card, d)) for d in found if (s := self._span(doc, d))]
        spans = [s for s, visible in made if visible]
        words = max(1, len(doc.text.split()))
        data: dict[str, Any] = {
            "taxonomy": self.taxonomy,
            "counts": dict(Counter(s.label for s in spans)),
            "density": round(100.0 * len(spans) / words, 3),
            "hidden": [
                {"start": s.start, "end": s.end, "label": s.label, "score": s.score, **s.attrs}
                for s, visible in made
                if not visible
            ],
        }
        paragraph_model = self.bundle.paragraph_model
        if self.taxonomy == "semeval2023" and paragraph_model is not None:
            data["paragraphs"] = [
                {"line": n, "start": a, "end": b, "labels": labels}
                for n, a, b, labels in paragraph_labels(paragraph_model, doc.text)
            ]
        model = f"{card.get('name', 'propaganda')}@{card.get('version', '?')}" if card else None
        return Result(spans=tuple(spans), data=data, warnings=warnings, model=model)

    def _span(self, doc: Document, d: Detection) -> Span | None:
        label = to_taxonomy(d.technique, self.taxonomy)
        if label is None:
            return None
        assert self.bundle is not None
        measured = precision(self.bundle.card, d)
        extra = {} if measured is None else {"precision": measured}
        if hidden(self.bundle.card, d):
            extra["low_precision"] = True
            extra["hidden"] = not self.options.show_all_techniques
        return doc.span(
            d.start,
            d.end,
            label,
            score=min(1.0, max(0.0, d.score)),
            explanation=explain(label),
            attrs={
                "technique": label,
                "taxonomy": self.taxonomy,
                "source": d.source,
                "technique_score": round(d.technique_score, 4),
                **extra,
            },
        )
