"""Article-level textual signals, each a rate with the spans that make it up.

These are the features the verdict's calibrated style model reads (see docs/verdict.md). Each is
*present evidence* (a word, a mark, a quote), so every contribution to the score can be shown
on the article. Rates are per 100 words (or per sentence) so long and short texts compare.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from spinlens.analyzers.base import Result
from spinlens.analyzers.quotes import QuotesAnalyzer
from spinlens.document import Document, Span
from spinlens.lexicons import load

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# Shouting, not acronyms: two or more capitalised words in a row ("MUST READ"), or one long one
# ("BOMBSHELL"); ISIS, NATO or FBI alone do not count.
_CAPS = re.compile(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}\b)+|\b[A-Z]{7,}\b")
_EXCLAIM = re.compile(r"!+")
_QUESTION = re.compile(r"\?+")
_SECOND = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.I)
_FIRST = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves)\b")
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|rumou?red|it is believed|some say|many believe|"
    r"sources say|insiders? (?:say|claim)|could be|might be)\b",
    re.I,
)
_SENSATIONAL = re.compile(
    r"\b(?:shocking|stunning|bombshell|slams?|blasts?|destroys?|epic|huge|incredible|"
    r"unbelievable|breaking|exposed?|truth|secret|insane)\b",
    re.I,
)

# Marks of reporting (as opposed to opinion): reporting verbs, numbers, days and dates, roles.
_REPORTING = re.compile(
    r"\b(?:said|says|told|stated|announced|confirmed|added|according to|spokes(?:wo)?man|"
    r"spokesperson|statement)\b",
    re.I,
)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\b"
)
_ROLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\.|\b(?:officials?|minister|secretary|director|"
    r"professor|researchers?|analysts?|lawmakers?|prosecutors?|police)\b"
)


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int
    end: int
    analyzer: str
    label: str


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    value: float
    evidence: tuple[Evidence, ...]


def _outside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return not any(s <= start and end <= e for s, e in spans)


def _regex(
    pattern: re.Pattern[str], label: str, masked: Sequence[tuple[int, int]]
) -> Callable[[str], tuple[Evidence, ...]]:
    def find(text: str) -> tuple[Evidence, ...]:
        return tuple(
            Evidence(m.start(), m.end(), "verdict", label)
            for m in pattern.finditer(text)
            if _outside(masked, m.start(), m.end())
        )

    return find


def _shouting(text: str, quoted: Sequence[tuple[int, int]]) -> tuple[Evidence, ...]:
    """Capitals for emphasis, skipping a dateline ("FRANKFURT, March 14") at a paragraph start."""
    return tuple(
        Evidence(m.start(), m.end(), "verdict", "all_caps")
        for m in _CAPS.finditer(text)
        if _outside(quoted, m.start(), m.end())
        and not (
            (m.start() == 0 or text[m.start() - 1] == "\n") and text[m.end() : m.end() + 1] == ","
        )
    )


def _quotes(doc: Document, context: Mapping[str, Result]) -> tuple[Span, ...]:
    """The quotes analyzer's spans, running it here when the pipeline did not."""
    if "quotes" in context:
        return context["quotes"].spans
    if doc.language not in (None, "en"):
        return ()
    return QuotesAnalyzer().analyze(doc, {}).spans


def signals(doc: Document, context: Mapping[str, Result]) -> list[Signal]:
    """Every style signal of ``doc``; rates per 100 words, or per sentence for marks."""
    text = doc.text
    words = max(1, sum(1 for _ in _WORD.finditer(text)))
    sentences = max(1, len(doc.sentences))
    quotes = _quotes(doc, context)
    quoted = [(s.start, s.end) for s in quotes if s.label in {"quote", "unattributed_quote"}]
    lexicon = load("loaded")

    def by_label(*labels: str) -> tuple[Evidence, ...]:
        return tuple(
            Evidence(s.start, s.end, "quotes", s.label) for s in quotes if s.label in labels
        )

    # Words a propaganda span already covers are its evidence; counting them here too would
    # count one word twice.
    techniques = (
        [(s.start, s.end) for s in context["propaganda"].spans] if "propaganda" in context else []
    )
    loaded = tuple(
        Evidence(s, e, "verdict", "loaded_word")
        for s, e, _ in lexicon.find(text)
        if _outside(quoted, s, e) and _outside(techniques, s, e)
    )
    found: dict[str, tuple[tuple[Evidence, ...], float]] = {
        "loaded_words": (loaded, words / 100),
        "all_caps": (_shouting(text, quoted), words / 100),
        "exclamations": (_regex(_EXCLAIM, "exclamation", quoted)(text), sentences),
        "questions": (_regex(_QUESTION, "question", quoted)(text), sentences),
        "second_person": (_regex(_SECOND, "second_person", quoted)(text), words / 100),
        "first_person": (_regex(_FIRST, "first_person", quoted)(text), words / 100),
        "hedges": (_regex(_HEDGE, "hedge", quoted)(text), words / 100),
        "sensational": (_regex(_SENSATIONAL, "sensational", quoted)(text), words / 100),
        "reporting_verbs": (_regex(_REPORTING, "reporting", [])(text), sentences),
        "numbers": (_regex(_NUMBER, "number", quoted)(text), words / 100),
        "dates": (_regex(_DATE, "date", quoted)(text), words / 100),
        "roles": (_regex(_ROLE, "role", quoted)(text), words / 100),
        "scare_quotes": (by_label("scare_quote"), sentences),
        "unattributed_quotes": (by_label("unattributed_quote"), sentences),
        "attributed_quotes": (by_label("quote"), sentences),
        "attributions": (by_label("attribution"), sentences),
    }
    return [Signal(name, len(ev) / per, ev) for name, (ev, per) in found.items()]


def word_count(doc: Document) -> int:
    return sum(1 for _ in _WORD.finditer(doc.text))
