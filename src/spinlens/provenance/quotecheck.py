"""Look every quote up in the index: verbatim, altered, said by someone else, or nowhere.

A quote that appears in no indexed source is the most common sign of fabrication, so
``quote_not_found`` says so plainly.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Any

from rapidfuzz import fuzz

from spinlens.provenance.reader import IndexReader
from spinlens.provenance.shingles import fingerprints, text_hashes, tokenize
from spinlens.provenance.store import StoredDoc
from spinlens.text.quotes import find_attributions, find_quotes

ALTERED_MIN = 75.0  # rapidfuzz partial ratio from which a passage is the same quote, altered


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())


def _surname_tokens(name: str | None) -> set[str]:
    if not name:
        return set()
    return {w.lower() for w in tokenize(name).words if len(w) > 2} - {"the", "said", "says"}


class _Source:
    """What quote look-ups need from one candidate document, computed once per document:
    an article with thousands of quotes looked each one up in the whole of each source."""

    def __init__(self, doc: StoredDoc) -> None:
        self.doc = doc
        self.lowered = doc.text.lower().replace("’", "'").replace("‘", "'")
        self._quotes = list(find_quotes(doc.text))
        self._reach = list(accumulate((q.end for q in self._quotes), max))
        self._attributions = list(find_attributions(doc.text))
        self._attribution_starts = [a.start for a in self._attributions]

    def speaker_at(self, start: int, end: int) -> tuple[bool, str | None]:
        """(is the passage quoted in the source, who the source says said it): the first
        quote overlapping it, else the first "according to" on its line."""
        k = bisect_right(self._reach, start)  # the first quote ending after ``start``
        if k < len(self._quotes) and self._quotes[k].start < end:
            return True, self._quotes[k].speaker
        source = self.doc.text
        line_start = source.rfind("\n", 0, start) + 1
        line_end = source.find("\n", end)
        for a in self._attributions[bisect_left(self._attribution_starts, line_start) :]:
            if line_end >= 0 and a.start > line_end:
                break
            if line_end < 0 or a.end <= line_end:
                return True, a.speaker
        return False, None


def word_diff(quote: str, found: str) -> list[dict[str, str]]:
    a, b = tokenize(quote).words, tokenize(found).words
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [
        {"op": tag, "text": " ".join(a[i1:i2]), "source_text": " ".join(b[j1:j2])}
        for tag, i1, i2, j1, j2 in ops
        if tag != "equal"
    ]


def _locate(body: str, lowered: str) -> tuple[float, int, int]:
    """(score 0..100, start, end) of the best match of ``body`` inside a source (``lowered``:
    its text lower-cased, curly single quotes made straight)."""
    needle = body.lower().replace("’", "'").replace("‘", "'")
    found = lowered.find(needle)
    if found >= 0:
        return 100.0, found, found + len(needle)
    hit = fuzz.partial_ratio_alignment(needle, lowered)
    if hit is None:
        return 0.0, 0, 0
    return float(hit.score), hit.dest_start, hit.dest_end


def candidate_docs(store: IndexReader, body: str, known: Iterable[StoredDoc]) -> list[StoredDoc]:
    """Documents worth searching: the article's sources plus fingerprint hits of the quote."""
    docs = {d.pk: d for d in known}
    hashes = text_hashes(body, store.params.k)
    prints = fingerprints(hashes, store.params.sample).tolist()
    hits = [pk for pk, _ in store.docs_by_fingerprints(prints).most_common(10)]
    for doc in store.fetch(pk for pk in hits if pk not in docs):
        docs[doc.pk] = doc
    return list(docs.values())


def verify_quotes(
    store: IndexReader, text: str, quotes: Sequence[Mapping[str, Any]], known: Sequence[StoredDoc]
) -> list[dict[str, Any]]:
    """One verification record per quote: label, speaker, source id, detail."""
    results = []
    views: dict[int, _Source] = {}
    for quote in quotes:
        start, end = int(quote["start"]), int(quote["end"])
        body = text[start:end]
        speaker = quote.get("speaker")
        best: tuple[float, _Source, int, int] | None = None
        for doc in candidate_docs(store, body, known):
            view = views.get(doc.pk)
            if view is None:
                view = views[doc.pk] = _Source(doc)
            score, s, e = _locate(body, view.lowered)
            if best is None or score > best[0]:
                best = (score, view, s, e)
        results.append(_verdict(start, end, body, speaker, best))
    return results


def _verdict(
    start: int,
    end: int,
    body: str,
    speaker: str | None,
    best: tuple[float, _Source, int, int] | None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"start": start, "end": end, "quote": body, "speaker": speaker}
    if best is None or best[0] < ALTERED_MIN or len(tokenize(body)) < 3:
        record.update(
            label="quote_not_found",
            detail="this quote appears in no indexed source: a common sign of fabrication",
        )
        return record
    score, view, s, e = best
    doc = view.doc
    quoted, source_speaker = view.speaker_at(s, e)
    record.update(
        source_id=doc.id,
        source_start=s,
        source_end=e,
        source_speaker=source_speaker,
        similarity=round(score / 100, 3),
    )
    ours, theirs = _surname_tokens(speaker), _surname_tokens(source_speaker)
    if ours and theirs and not ours & theirs:
        record.update(
            label="quote_misattributed",
            detail=f"found in {doc.id}, but said there by {source_speaker}, not {speaker}",
        )
    elif ours and not quoted:
        record.update(
            label="quote_misattributed",
            detail=f"found in {doc.id} as the writer's own words, not as a quote by {speaker}",
        )
    elif score >= 100.0 or _norm(body) == _norm(doc.text[s:e]):
        who = f", said by {source_speaker}" if source_speaker else ""
        record.update(label="quote_verified", detail=f"found verbatim in {doc.id}{who}")
    else:
        changes = word_diff(body, doc.text[s:e])
        record.update(
            label="quote_altered_in_source",
            detail=f"found in {doc.id} with different words",
            diff=changes,
        )
    return record
