"""Find direct quotes, their speakers and cue verbs, and "according to X" attributions.

Hand-written because no maintained library extracts quote *spans with speakers* offline; the
rules follow the patterns used by news-quote extractors (quote + cue verb + speaker, in either
order, within the quote's sentence) and handle unbalanced typographic quotes, which copied
articles often carry.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

OPEN_QUOTES = '"“„«'
CLOSE_QUOTES = '"”“»'
SCARE_OPEN = "‘'"
SCARE_CLOSE = "’'"

SCARE_MAX_WORDS = 4  # longer single-quoted stretches are quotes, not scare quotes

_DOUBLE = re.compile(r"[\"“„«](?P<body>[^\"“”„«»\n]{2,2000}?)[\"”“»]")
_SINGLE = re.compile(r"(?<![\w’'])[‘'](?P<body>[^‘’'\n]{1,80}?)[’'](?![\w])")
# a single quote mark that opens a quote: after a space, line start or opening bracket, before a
# word, and not an elision ('90s, 'em, 'til, rock 'n' roll)
_SINGLE_OPEN = re.compile(
    r"(?<![^\s(\[{“\"—–-])[‘'](?=[^\s‘’'])(?!\d0s\b|(?:em|til|tis|twas|cause|n)\b)",
    re.I,
)
_SINGLE_MARK = re.compile(r"[‘’']")
_STOPS = frozenset(",.!?;:…")
_AFTER_CLOSE = frozenset('.,;:!?)]}—–"”\n\r')
_NAME = r"(?:[A-Z][\w.\-’']+(?:\s+(?:[A-Z][\w.\-’']+|al-|bin|de|van|von))*)"
_SPEAKER = (
    rf"(?:(?:[A-Z][a-z]+\s+)?(?:{_NAME}|[Tt]he\s+[\w\-\s]{{1,40}}?|[Hh]e|[Ss]he|[Tt]hey|[Ii]t))"
)
_ACCORDING = re.compile(
    r"\b[Aa]ccording to\s+(?P<source>[^.,;:!?\n“”\"]{2,120}?)"
    r"(?=[.,;:!?\n“”\"]|\s+(?:who|which|that)\b|$)"
)


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    start: int  # offsets of the quoted words, without the quote marks
    end: int
    kind: str  # "quote", "scare_quote" or "attribution"
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@lru_cache(maxsize=1)
def cue_verbs() -> frozenset[str]:
    raw = resources.files(__package__).joinpath("quote_cues.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def _cue_pattern() -> str:
    return "|".join(sorted(cue_verbs(), key=len, reverse=True))


@lru_cache(maxsize=1)
def _after_quote() -> re.Pattern[str]:
    # “...,” said Smith.  /  “...,” Smith said.  /  ”, which the minister said was “
    return re.compile(
        rf"[\s,]*(?:(?P<cue1>{_cue_pattern()})\s+(?P<sp1>{_SPEAKER})\b"
        rf"|(?P<sp2>{_SPEAKER})\s+(?:has\s+|had\s+)?(?P<cue2>{_cue_pattern()})\b)"
    )


@lru_cache(maxsize=1)
def _before_quote() -> re.Pattern[str]:
    # Smith said: “...”  /  which the Zionist dictator said was “...”
    return re.compile(
        rf"(?P<sp>{_SPEAKER})\s+(?:has\s+|had\s+|also\s+)?(?P<cue>{_cue_pattern()})"
        rf"(?:\s+(?:that|was|is|it\s+was|in\s+a\s+statement))?[\s,:]*$"
    )


def find_quotes(text: str) -> Iterator[QuoteMatch]:
    """Direct quotes of at least three words, with speaker and cue when the sentence has them.

    Double quotes always; single quotes (‘...’ or '...') of two words or more when the
    sentence names a speaker ('It works,' the minister said), or of more than
    ``SCARE_MAX_WORDS`` words without one (fewer, unattributed: a scare quote).
    Apostrophes (don't, the students' books, '90s) neither open nor close a quote. In text
    order.
    """
    doubles = []
    for match in _DOUBLE.finditer(text):
        body_start, body_end = match.start("body"), match.end("body")
        body = text[body_start:body_end]
        if len(body.split()) < 3:
            continue
        start, end = _trim(text, body_start, body_end)
        doubles.append(_with_speaker(text, match.start(), match.end(), start, end))
    singles = _single_quotes(text)
    if not singles:
        yield from doubles
        return
    yield from sorted([*doubles, *singles], key=lambda q: (q.start, q.end))


def find_scare_quotes(text: str) -> Iterator[QuoteMatch]:
    """Single words or short phrases in single quotes: irony or distancing ("scare quotes").
    A short single-quoted quote with a speaker is a quote (:func:`find_quotes`), not one."""
    quoted: list[tuple[int, int]] | None = None
    for match in _SINGLE.finditer(text):
        body = match.group("body")
        if len(body.split()) > SCARE_MAX_WORDS or not any(ch.isalpha() for ch in body):
            continue
        start, end = _trim(text, match.start("body"), match.end("body"))
        if quoted is None:
            quoted = [(q.start, q.end) for q in _single_quotes(text)]
        at = bisect_right(quoted, (start, len(text))) - 1
        if at < 0 or quoted[at][1] <= start:  # not part of a single-quoted quote
            yield QuoteMatch(start, end, "scare_quote")


def _single_quotes(text: str) -> list[QuoteMatch]:
    """Direct quotes in single quotes, outside double-quoted text (there they are quotes
    within the quote): two words or more with a speaker, or more than ``SCARE_MAX_WORDS``
    words without one."""
    if "'" not in text and "‘" not in text:
        return []
    doubles = [(m.start(), m.end()) for m in _DOUBLE.finditer(text)]
    out = []
    for q_start, q_end in _single_spans(text):
        at = bisect_right(doubles, (q_start, len(text))) - 1
        if at >= 0 and doubles[at][1] > q_start:
            continue  # inside a double-quoted stretch
        start, end = _trim(text, q_start + 1, q_end - 1)
        words = len(text[start:end].split())
        if words < 2:
            continue
        quote = _with_speaker(text, q_start, q_end, start, end)
        if quote.speaker is not None or words > SCARE_MAX_WORDS:
            out.append(quote)
    return out


def _single_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(open, close + 1)`` of every single-quoted stretch on one line.

    An opening mark follows a space, a line start or an opening bracket and precedes a word
    (not an elision such as '90s or 'em); a closing mark follows a non-space and precedes no
    letter or digit (don't and O'Brien stay words). When the first closing mark is followed by
    more words ("the students' books"), a later one that ends the quote more clearly (after
    punctuation, or before punctuation or the line end) is preferred, up to the next opening
    mark.
    """
    taken = 0
    for opening in _SINGLE_OPEN.finditer(text):
        i = opening.start()
        if i < taken:
            continue
        line_end = text.find("\n", i)
        limit = min(len(text) if line_end < 0 else line_end, i + 2000)
        first = chosen = None
        for mark in _SINGLE_MARK.finditer(text, i + 1, limit):
            j = mark.start()
            before = text[j - 1]
            after = text[j + 1] if j + 1 < len(text) else ""
            if before.isspace():
                if _SINGLE_OPEN.match(text, j):
                    break  # the next quote opens: this one ended at its first closing mark
                continue
            if after.isalnum() or after == "_":
                continue  # an apostrophe inside a word
            if before in _STOPS or after in _AFTER_CLOSE or after == "":
                chosen = j
                break
            if first is None:
                first = j
        end = chosen if chosen is not None else first
        if end is not None:
            taken = end + 1
            yield i, end + 1


def find_attributions(text: str) -> Iterator[QuoteMatch]:
    for match in _ACCORDING.finditer(text):
        start, end = _trim(text, match.start(), match.end("source"))
        yield QuoteMatch(
            start,
            end,
            "attribution",
            speaker=match.group("source").strip(),
            speaker_start=match.start("source"),
            speaker_end=match.end("source"),
            cue="according to",
        )


def _with_speaker(text: str, q_start: int, q_end: int, start: int, end: int) -> QuoteMatch:
    # the speaker is looked for on the quote's line, at most 120 characters after it and 200
    # before it: line ends are searched in those windows only (searching the whole line cost
    # the line's length per quote, quadratic on a long text without line breaks)
    window_end = min(len(text), q_end + 120)
    line_end = text.find("\n", q_end, window_end)
    after = _after_quote().match(text, q_end, window_end if line_end < 0 else line_end)
    if after:
        group = "sp1" if after.group("sp1") else "sp2"
        cue = after.group("cue1") or after.group("cue2")
        return _speaker_match(text, start, end, after.start(group), after.end(group), cue)
    window_start = max(0, q_start - 200)
    window_start = text.rfind("\n", window_start, q_start) + 1 or window_start
    before = _before_quote().search(text, window_start, q_start)
    if before:
        return _speaker_match(
            text, start, end, before.start("sp"), before.end("sp"), before.group("cue")
        )
    return QuoteMatch(start, end, "quote")


def _speaker_match(
    text: str, start: int, end: int, sp_start: int, sp_end: int, cue: str
) -> QuoteMatch:
    sp_start, sp_end = _trim(text, sp_start, sp_end)
    return QuoteMatch(start, end, "quote", text[sp_start:sp_end], sp_start, sp_end, cue)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end
