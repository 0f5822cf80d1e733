"""Article-level textual signals, each a rate with the spans that make it up.

These are the features the verdict's calibrated style model reads (see docs/verdict.md). Each is
*present evidence* (a word, a mark, a quote), so every contribution to the score can be shown
on the article. Rates are per 100 words (or per sentence) so long and short texts compare.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from spinlens.analyzers.base import Result
from spinlens.analyzers.results import Quote, quotes_of
from spinlens.document import Document
from spinlens.lexicons import Lexicon, load

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# Shouting, not acronyms: two or more capitalised words in a row ("MUST READ"), or one long one
# ("BOMBSHELL"); ISIS, NATO or FBI alone do not count.
_CAPS = re.compile(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}\b)+|\b[A-Z]{7,}\b")
_EXCLAIM = re.compile(r"!+")
_CAPS_WORD = re.compile(r"\b[A-Z]{2,}\b")
HEADLINE_MAX_WORDS = 25
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
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Timestamps and datelines: their digits are when, not "specific figures" of the story
# (27-07-20 08:14, 2020-01-03, 8:14 pm, January 3, 2020, 3 January).
_TIMESTAMP = re.compile(
    r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b(?:,?\s+\d{{4}}\b)?"
)
_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\b"
)
_ROLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\.|\b(?:officials?|minister|secretary|director|"
    r"professor|researchers?|analysts?|lawmakers?|prosecutors?|police)\b"
)


# The labels of the verdict's own evidence spans (style signals found in the text).
EVIDENCE_LABELS = (
    "loaded_word",
    "all_caps",
    "exclamation",
    "question",
    "second_person",
    "first_person",
    "hedge",
    "sensational",
    "reporting",
    "number",
    "date",
    "role",
    "headline_caps",
    "headline_exclamation",
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


class _Mask:
    """Ranges to ignore (quotes, propaganda spans); containment in O(log n) for long texts."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))  # furthest end so far

    def outside(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return i == 0 or self.reach[i - 1] < end


def _lexicon_hits(text: str, lexicon: Lexicon) -> Iterator[tuple[int, int]]:
    """``lexicon.find`` with a memo per distinct word: long articles repeat their words."""
    seen: dict[str, bool] = {}
    for m in _WORD.finditer(text):
        word = m.group()
        hit = seen.get(word)
        if hit is None:
            hit = seen[word] = word in lexicon
        if hit:
            yield m.start(), m.end()


def _regex(
    pattern: re.Pattern[str], label: str, masked: _Mask
) -> Callable[[str], tuple[Evidence, ...]]:
    def find(text: str) -> tuple[Evidence, ...]:
        return tuple(
            Evidence(m.start(), m.end(), "verdict", label)
            for m in pattern.finditer(text)
            if masked.outside(m.start(), m.end())
        )

    return find


def _shouting(text: str, quoted: _Mask) -> tuple[Evidence, ...]:
    """Capitals for emphasis, skipping a dateline ("FRANKFURT, March 14") at a paragraph start."""
    return tuple(
        Evidence(m.start(), m.end(), "verdict", "all_caps")
        for m in _CAPS.finditer(text)
        if quoted.outside(m.start(), m.end())
        and not (
            (m.start() == 0 or text[m.start() - 1] == "\n") and text[m.end() : m.end() + 1] == ","
        )
    )


def headline(doc: Document) -> tuple[int, int] | None:
    """The headline, when the text starts with one: a short first line followed by more text.

    A line of at most ``HEADLINE_MAX_WORDS`` words that does not end like a sentence (``.``,
    ``:``, ``,`` or ``;``); a dateline paragraph or a lede sentence is not a headline.
    """
    if len(doc.paragraphs) < 2:
        return None
    first = doc.paragraphs[0]
    line = doc.text[first.start : first.end].rstrip("\"'”’ ")
    words = sum(1 for _ in _WORD.finditer(line))
    if not 0 < words <= HEADLINE_MAX_WORDS or line.endswith((".", ":", ",", ";")):
        return None
    return first.start, first.end


def _headline_signals(text: str, bounds: tuple[int, int] | None) -> dict[str, tuple[Evidence, ...]]:
    """Shouting and exclamation marks in the headline, one piece of evidence per word or mark."""
    if bounds is None:
        return {"headline_shouting": (), "headline_exclamations": ()}
    start, end = bounds
    line = text[start:end]
    shouting = tuple(
        Evidence(
            start + m.start() + w.start(), start + m.start() + w.end(), "verdict", "headline_caps"
        )
        for m in _CAPS.finditer(line)
        for w in _CAPS_WORD.finditer(m.group())
    )
    marks = tuple(
        Evidence(start + m.start(), start + m.end(), "verdict", "headline_exclamation")
        for m in _EXCLAIM.finditer(line)
    )
    return {"headline_shouting": shouting, "headline_exclamations": marks}


def _quotes(context: Mapping[str, Result]) -> tuple[Quote, ...]:
    """The quotes analyzer's quotes, as the pipeline ran it (with the user's options); none
    when it was skipped: the verdict never runs an analyzer behind the user's back."""
    return quotes_of(context) or ()


def signals(doc: Document, context: Mapping[str, Result]) -> list[Signal]:
    """Every style signal of ``doc``; rates per 100 words, or per sentence for marks."""
    text = doc.text
    words = max(1, sum(1 for _ in _WORD.finditer(text)))
    sentences = max(1, len(doc.sentences))
    quotes = _quotes(context)
    quoted_spans = [(s.start, s.end) for s in quotes if s.label in {"quote", "unattributed_quote"}]
    quoted = _Mask(quoted_spans)
    not_figures = _Mask([*quoted_spans, *((m.start(), m.end()) for m in _TIMESTAMP.finditer(text))])
    lexicon = load("loaded")
    top = headline(doc)
    # The headline's capitals and exclamation marks are its own signals, not the body's.
    body = _Mask(
        [
            *((s.start, s.end) for s in quotes if s.label in {"quote", "unattributed_quote"}),
            *([top] if top else []),
        ]
    )

    def by_label(*labels: str) -> tuple[Evidence, ...]:
        return tuple(
            Evidence(s.start, s.end, "quotes", s.label) for s in quotes if s.label in labels
        )

    # Words a propaganda span already covers are its evidence; counting them here too would
    # count one word twice.
    techniques = _Mask(
        [(s.start, s.end) for s in context["propaganda"].spans] if "propaganda" in context else []
    )
    loaded = tuple(
        Evidence(s, e, "verdict", "loaded_word")
        for s, e in _lexicon_hits(text, lexicon)
        if quoted.outside(s, e) and techniques.outside(s, e)
    )
    found: dict[str, tuple[tuple[Evidence, ...], float]] = {
        "loaded_words": (loaded, words / 100),
        "all_caps": (_shouting(text, body), words / 100),
        "exclamations": (_regex(_EXCLAIM, "exclamation", body)(text), sentences),
        "questions": (_regex(_QUESTION, "question", quoted)(text), sentences),
        "second_person": (_regex(_SECOND, "second_person", quoted)(text), words / 100),
        "first_person": (_regex(_FIRST, "first_person", quoted)(text), words / 100),
        "hedges": (_regex(_HEDGE, "hedge", quoted)(text), words / 100),
        "sensational": (_regex(_SENSATIONAL, "sensational", quoted)(text), words / 100),
        "reporting_verbs": (_regex(_REPORTING, "reporting", _Mask([]))(text), sentences),
        "numbers": (_regex(_NUMBER, "number", not_figures)(text), words / 100),
        "dates": (_regex(_DATE, "date", quoted)(text), words / 100),
        "roles": (_regex(_ROLE, "role", quoted)(text), words / 100),
        "scare_quotes": (by_label("scare_quote"), sentences),
        "unattributed_quotes": (by_label("unattributed_quote"), sentences),
        "attributed_quotes": (by_label("quote"), sentences),
        "attributions": (by_label("attribution"), sentences),
        **{name: (ev, 1.0) for name, ev in _headline_signals(text, top).items()},
    }
    return [Signal(name, len(ev) / per, ev) for name, (ev, per) in found.items()]


def word_count(doc: Document) -> int:
    return sum(1 for _ in _WORD.finditer(doc.text))
