"""Give every raw change a type a reader understands, and build the mutation records.

Types, checked in this order (the first that fits is ``type``; all that fit are ``tags``):
quote_added / quote_altered / quote_removed (the change touches a direct quote),
attribution_changed (touches a speaker or an "according to X"), new_claim (a whole inserted
sentence, or an inserted clause of six or more words, that states something), number_changed,
loaded_wording (a loaded word added or removed: propaganda spans when given, else the lexicon),
entity_changed (capitalised names differ), then inserted_text / deleted_text / substituted_text;
a whole sentence replaced by one saying the same (paired by sentence embeddings, see
``paraphrase_align``) is ``paraphrased``.
Heuristics, not NLP models: no spaCy is needed, and each rule is one readable line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import get_args

from spinlens.lexicons import load as load_lexicon
from spinlens.provenance.align import Change
from spinlens.provenance.schema import MutationType
from spinlens.text.quotes import find_attributions, find_quotes

MUTATION_TYPES: tuple[str, ...] = get_args(MutationType)
NEW_CLAIM_WORDS = 6
SMALL_CHANGE_WORDS = 3
SENTENCE_TYPES = frozenset({"quote_added", "quote_removed", "new_claim"})
_NUMBER = re.compile(
    r"\d+(?:[.,:/\-]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|percent|half|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow)\b",
    re.I,
)
_CAPITAL = re.compile(r"\b[A-Z][\w’'\-]*")
_WORDS = re.compile(r"\w+")

EXPLAIN = {
    "quote_added": "A quote the source does not have was added.",
    "quote_altered": "The words of a quote differ from the source.",
    "quote_removed": "A quote in the source was dropped.",
    "attribution_changed": "Who said it, or 'according to' whom, differs from the source.",
    "new_claim": "A statement the source does not make was added.",
    "number_changed": "A number or date differs from the source.",
    "loaded_wording": "Loaded or emotive wording was {verb}.",
    "entity_changed": "A name (person, place, organisation) differs from the source.",
    "inserted_text": "Text the source does not have.",
    "deleted_text": "Source text the copy left out.",
    "substituted_text": "Wording differs from the source.",
    "paraphrased": "A source sentence said again in other words.",
}


class Ranges:
    """Character ranges, looked up by position in logarithmic time: a long article has
    thousands of changes and quotes, and comparing each change with every range cost their
    product.

    Ranges up to ``SHORT`` characters are found through a window of starts by binary search;
    the longer ones (few: they cannot be many without overlapping) are checked one by one.
    """

    SHORT = 2_000

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = tuple(ranges)
        short = sorted(r for r in self.ranges if r[1] - r[0] <= self.SHORT)
        self._short = short
        self._starts = [a for a, _ in short]
        self._long = [r for r in self.ranges if r[1] - r[0] > self.SHORT]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.ranges)

    def __len__(self) -> int:
        return len(self.ranges)

    def near(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Every range that may overlap or contain ``[start, end)`` (a superset, in no order)."""
        lo = bisect_left(self._starts, start - self.SHORT)
        hi = bisect_right(self._starts, end)
        yield from self._short[lo:hi]
        yield from self._long


@dataclass(frozen=True, slots=True)
class TextMarks:
    """What the typing rules need to know about one text: quote and attribution ranges."""

    quotes: Ranges
    speakers: Ranges

    @classmethod
    def of(cls, text: str) -> TextMarks:
        quotes, speakers = [], []
        for q in find_quotes(text):
            quotes.append((q.start, q.end))
            if q.speaker_start is not None and q.speaker_end is not None:
                speakers.append((q.speaker_start, q.speaker_end))
        for a in find_attributions(text):
            speakers.append((a.start, a.end))
        return cls(Ranges(quotes), Ranges(speakers))


def _near(
    ranges: Sequence[tuple[int, int]] | Ranges, start: int, end: int
) -> Iterable[tuple[int, int]]:
    return ranges.near(start, end) if isinstance(ranges, Ranges) else ranges


def _touches(ranges: Sequence[tuple[int, int]] | Ranges, start: int, end: int) -> bool:
    near = _near(ranges, start, end)
    if start == end:  # a point (insertion site) touches a range it falls strictly inside
        return any(s < start < e for s, e in near)
    return any(s < end and start < e for s, e in near)


def _mostly_in(ranges: Sequence[tuple[int, int]] | Ranges, start: int, end: int) -> bool:
    """At least half of [start, end) lies in the ranges (e.g. propaganda loaded-language spans):
    the changed words are themselves the loaded ones, not just near them."""
    if end <= start:
        return False
    inside = sum(max(0, min(e, end) - max(s, start)) for s, e in _near(ranges, start, end))
    return inside * 2 >= end - start


def _covers_quote(ranges: Sequence[tuple[int, int]] | Ranges, start: int, end: int) -> bool:
    """Most of some quote lies inside [start, end) (quote marks and final stops may not)."""
    return any(
        min(e, end) - max(s, start) >= 0.8 * (e - s) for s, e in _near(ranges, start, end) if e > s
    )


def classify(
    change: Change,
    text: str,
    source: str,
    marks: TextMarks,
    source_marks: TextMarks,
    loaded_spans: Sequence[tuple[int, int]] | Ranges = (),
) -> list[str]:
    """Every type that fits the change, most specific first."""
    a_txt = text[change.start : change.end]
    s_txt = source[change.source_start : change.source_end]
    tags: list[str] = []
    in_a = _touches(marks.quotes, change.start, change.end)
    in_s = _touches(source_marks.quotes, change.source_start, change.source_end)
    if change.op == "inserted" and (
        _covers_quote(marks.quotes, change.start, change.end)
        or _own_quote(text, change.start, change.end)
    ):
        tags.append("quote_added")
    if change.op == "deleted" and (
        _covers_quote(source_marks.quotes, change.source_start, change.source_end)
        or _own_quote(source, change.source_start, change.source_end)
    ):
        tags.append("quote_removed")
    if in_a and in_s and not tags:  # inside a quote in both versions: its words changed
        tags.append("quote_altered")
    if change.op == "inserted" and _states_something(a_txt, change.level):
        tags.append("new_claim")
    loaded = _loaded_change(a_txt, s_txt) or _mostly_in(loaded_spans, change.start, change.end)
    if loaded and max(_count_words(a_txt), _count_words(s_txt)) <= SMALL_CHANGE_WORDS:
        tags.append("loaded_wording")  # a label slipped into a phrase: the label is the point
    if _touches(marks.speakers, change.start, change.end) or _touches(
        source_marks.speakers, change.source_start, change.source_end
    ):
        tags.append("attribution_changed")
    if sorted(_NUMBER.findall(a_txt.lower())) != sorted(_NUMBER.findall(s_txt.lower())):
        tags.append("number_changed")
    if loaded:
        tags.append("loaded_wording")
    if _names(a_txt, change.start, text) != _names(s_txt, change.source_start, source):
        tags.append("entity_changed")
    generic = {"inserted": "inserted_text", "deleted": "deleted_text"}.get(
        change.op, "substituted_text"
    )
    if change.op == "substituted" and change.level == "sentence":
        generic = "paraphrased"  # only paraphrase pairing substitutes whole sentences
    tags.append(generic)
    if change.level == "sentence":  # a whole sentence is a quote, a claim, or just text
        primary = next((t for t in tags if t in SENTENCE_TYPES), generic)
        tags.remove(primary)
        tags.insert(0, primary)
    return list(dict.fromkeys(tags))


def _own_quote(text: str, start: int, end: int) -> bool:
    """The changed text holds a whole quotation of its own (marks just outside count).

    Copied articles often carry unbalanced quote marks, which pair wrongly across the text;
    looking inside the change alone is robust to that.
    """
    if end <= start:
        return False
    if start > 0 and text[start - 1] in '"“' and (start < 2 or text[start - 2].isspace()):
        start -= 1  # an opening mark just before the change belongs to it
    while end < len(text) and end - start < 100_000 and text[end] in ".,;:!?\"”’'":
        end += 1  # so do the stops and closing marks just after it
    return any(True for _ in find_quotes(text[start:end]))


def _count_words(fragment: str) -> int:
    return len(_WORDS.findall(fragment))


def _states_something(fragment: str, level: str) -> bool:
    """A sentence (or long inserted clause) with running prose, not a question or a byline.

    Running prose has lower-case words (verbs, function words); a dateline, byline or list of
    names has almost none.
    """
    words = _WORDS.findall(fragment)
    lower = sum(1 for w in words if w.islower())
    if level == "sentence":
        return lower >= 3 and not fragment.rstrip().endswith(("?", "!"))
    return len(words) >= NEW_CLAIM_WORDS and lower >= 3


def _loaded_change(a_txt: str, s_txt: str) -> bool:
    lexicon = load_lexicon("loaded")
    added = {w.lower() for _, _, w in lexicon.find(a_txt)}
    removed = {w.lower() for _, _, w in lexicon.find(s_txt)}
    return added != removed


def _names(fragment: str, offset: int, text: str) -> list[str]:
    """Capitalised words that are not capitalised only because they start a sentence."""
    names = []
    for m in _CAPITAL.finditer(fragment):
        i = offset + m.start()  # the last character before the word and its spaces
        while i > 0 and text[i - 1].isspace():
            i -= 1
        if not i or text[i - 1] in '.!?\n“"':
            continue
        names.append(m.group().lower())
    return names


def explain(kind: str, change: Change) -> str:
    verb = {"inserted": "added", "deleted": "removed"}.get(change.op, "changed")
    return EXPLAIN[kind].format(verb=verb)


def mutation_records(
    changes: Sequence[Change],
    text: str,
    source: str,
    source_id: str,
    loaded_spans: Sequence[tuple[int, int]] = (),
) -> list[dict[str, object]]:
    """The public mutation objects (names are part of the published interface)."""
    marks, source_marks = TextMarks.of(text), TextMarks.of(source)
    loaded = Ranges(loaded_spans)
    records = []
    for change in changes:
        tags = classify(change, text, source, marks, source_marks, loaded)
        records.append(
            {
                "op": change.op,
                "type": tags[0],
                "tags": tags,
                "level": change.level,
                "start": change.start,
                "end": change.end,
                "source_id": source_id,
                "source_start": change.source_start,
                "source_end": change.source_end,
                "text": text[change.start : change.end],
                "source_text": source[change.source_start : change.source_end],
                "explanation": explain(tags[0], change),
            }
        )
    return records
