"""A manipulated-copy benchmark built from real articles, and its scorer (``bench/provenance.py``
and ``scripts/provenance_scale.py`` use it; it is not part of the installed package).

Real articles (PTC, Horne 2017, FakeNewsAMT legit) are the sources; each query is a copy with
seeded mutations of every type at known offsets; the index also holds the other real articles,
"sibling" distractors that quote one paragraph of a source, and filler documents recombined from
real sentences of non-source articles (so lookups meet real phrases, not random words).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spinlens.document.segment import split_paragraphs, split_sentences
from spinlens.lexicons import Lexicon
from spinlens.lexicons import load as load_lexicon
from spinlens.provenance.ingest import content_hash
from spinlens.provenance.mutations import _NUMBER
from spinlens.text.quotes import find_attributions, find_quotes

BENCH_TYPES = (
    "loaded_wording",
    "entity_changed",
    "number_changed",
    "quote_added",
    "quote_altered",
    "quote_removed",
    "attribution_changed",
    "new_claim",
)
LOADED_ADJ = ("corrupt", "shameful", "brutal", "sinister", "outrageous", "disgraceful", "vile")
NAMES = ("Morrison", "Delgado", "Okafor", "Lindqvist", "Haddad", "Takahashi", "Novak", "Brennan")
CLAIMS = (
    "Officials confirmed that the agency had quietly paid {n} million dollars to the group.",
    "Records show the committee was warned about the problem at least {n} times last year.",
    "The company later admitted that it had destroyed documents linked to the deal.",
    "Witnesses said the police had been ordered to leave the area an hour before it began.",
)
QUOTES = (
    '{name} said: "This is a disgrace and everyone in this city knows who is responsible."',
    '"We will not be silenced by people who have lied to the public for years," {name} said.',
)
_SENT = re.compile(r"[^.!?\n]+[.!?]")
_WORD = re.compile(r"\b[a-z]{4,}\b")
_CAP = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b")
_NUM = re.compile(r"\b\d{1,4}\b")
_NUMBERISH = _NUMBER


@dataclass(frozen=True, slots=True)
class Gold:
    type: str
    op: str
    start: int  # article offsets (equal for deletions)
    end: int
    source_start: int
    source_end: int


@dataclass
class Query:
    id: str
    source_id: str
    text: str
    gold: list[Gold] = field(default_factory=list)


def read_articles(data: Path) -> dict[str, str]:
    """Real articles by id, deduplicated by content, at least 80 words each."""
    globs = [
        ("ptc", "ptc-semeval2020-task11/*-articles/*.txt"),
        ("horne", "horne2017-fakenewsdata1/*/*/*.txt"),
        ("amt", "fakenews-amt-celebrity-perezrosas2018/fakeNewsDataset/legit/*.txt"),
        ("amtceleb", "fakenews-amt-celebrity-perezrosas2018/celebrityDataset/legit/*.txt"),
    ]
    articles: dict[str, str] = {}
    seen: set[str] = set()
    for prefix, pattern in globs:
        for path in sorted(data.glob(pattern)):
            if "_titles" in str(path.parent):
                continue
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            key = content_hash(text[:400])
            if len(text.split()) < 80 or key in seen:
                continue
            seen.add(key)
            articles[f"{prefix}/{path.parent.name}/{path.stem}"] = text
    return articles


class _Editor:
    """Collects non-overlapping edits of one source text, then renders the copy and gold."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.edits: list[tuple[int, int, str, str, str]] = []  # s, e, new, type, op
        quotes = [(q.start - 1, q.end + 1) for q in find_quotes(source)]
        speakers = [
            (q.speaker_start, q.speaker_end)
            for q in find_quotes(source)
            if q.speaker_start is not None and q.speaker_end is not None
        ]
        speakers += [(a.start, a.end) for a in find_attributions(source)]
        self.quotes: list[tuple[int, int]] = quotes
        self.protected = quotes + speakers

    def free(self, start: int, end: int, margin: int = 40) -> bool:
        if any(s - margin < end and start < e + margin for s, e, *_ in self.edits):
            return False
        return not any(s < end and start < e for s, e in self.protected)

    def add(self, start: int, end: int, new: str, kind: str, op: str) -> None:
        self.edits.append((start, end, new, kind, op))

    def render(self) -> tuple[str, list[Gold]]:
        out, gold, cursor, shift = [], [], 0, 0
        for s, e, new, kind, op in sorted(self.edits):
            out.append(self.source[cursor:s])
            a_start = s + shift
            body = new.strip() if op != "deleted" else ""
            lead = len(new) - len(new.lstrip()) if op != "deleted" else 0
            out.append(new)
            shift += len(new) - (e - s)
            cursor = e
            g_start = a_start + lead
            g_end = g_start + len(body)
            src_s, src_e = (s, e) if op != "inserted" else (s, s)
            if op == "deleted":
                src_s, src_e = _strip_range(self.source, s, e)
            gold.append(Gold(kind, op, g_start, g_end, src_s, src_e))
        out.append(self.source[cursor:])
        return "".join(out), gold


def _strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if len(m.group().split()) >= 6]


def mutate(source: str, rng: random.Random, n_edits: int) -> tuple[str, list[Gold]]:
    """The copy with up to ``n_edits`` seeded mutations (types drawn at random)."""
    editor = _Editor(source)
    lexicon = load_lexicon("loaded")
    types = list(BENCH_TYPES)
    rng.shuffle(types)
    for kind in types:
        if len(editor.edits) >= n_edits:
            break
        for _ in range(8):  # a few tries to find a free site for this type
            if _try(kind, editor, source, rng, lexicon):
                break
    return editor.render()


def _try(kind: str, ed: _Editor, text: str, rng: random.Random, lexicon: Lexicon) -> bool:
    sents = _sentences(text)
    if not sents:
        return False
    if kind == "loaded_wording":
        if rng.random() < 0.5:
            words = [m for m in re.finditer(r"\b[a-z]+\b", text) if m.group() in lexicon]
            if words:
                m = rng.choice(words)
                end = m.end() + 1 if text[m.end() : m.end() + 1] == " " else m.end()
                if ed.free(m.start(), end):
                    ed.add(m.start(), end, "", kind, "deleted")
                    return True
        site = _pick(_WORD, text, rng)
        if site and site.group() not in lexicon and ed.free(site.start(), site.start()):
            ed.add(site.start(), site.start(), rng.choice(LOADED_ADJ) + " ", kind, "inserted")
            return True
        return False
    if kind == "entity_changed":
        name = _pick(_CAP, text, rng)
        if name and _NUMBERISH.search(name.group()):
            return False  # month and day names are dates: number_changed, not entities
        if name and name.group().lower() not in lexicon and ed.free(name.start(), name.end()):
            ed.add(name.start(), name.end(), rng.choice(NAMES), kind, "substituted")
            return True
        return False
    if kind == "number_changed":
        num = _pick(_NUM, text, rng)
        if num and ed.free(num.start(), num.end()):
            new = str(int(num.group()) + rng.randint(2, 9))
            ed.add(num.start(), num.end(), new, kind, "substituted")
            return True
        return False
    if kind in ("quote_added", "new_claim"):
        _, e = rng.choice(sents)
        if not ed.free(e, e):
            return False
        template = QUOTES if kind == "quote_added" else CLAIMS
        sentence = rng.choice(template).format(name=rng.choice(NAMES), n=rng.randint(2, 90))
        ed.add(e, e, " " + sentence, kind, "inserted")
        return True
    if kind == "quote_altered":
        inside = [q for q in find_quotes(text) if len(text[q.start : q.end].split()) >= 5]
        if not inside:
            return False
        q = rng.choice(inside)
        words = list(re.finditer(r"\b[a-z]{4,}\b", text[q.start : q.end]))[1:]
        if not words:
            return False
        w = rng.choice(words)
        start, end = q.start + w.start(), q.start + w.end()
        if any(s - 40 < end and start < e + 40 for s, e, *_ in ed.edits):
            return False
        ed.add(start, end, "never" if w.group() != "never" else "always", kind, "substituted")
        return True
    if kind == "quote_removed":
        # delete the one sentence that holds a whole quote, so the quote is gone, not cut
        quotes = [q for q in find_quotes(text) if len(text[q.start : q.end].split()) >= 3]
        whole = [
            (sent.start, sent.end)
            for sent in split_sentences(text, list(split_paragraphs(text)))
            if any(sent.start < q.start and q.end < sent.end for q in quotes)
        ]
        if not whole:
            return False
        start, end = rng.choice(whole)
        if any(a - 40 < end and start < b + 40 for a, b, *_ in ed.edits):
            return False
        ed.add(start, end, "", kind, "deleted")
        return True
    if kind == "attribution_changed":
        named = [*find_quotes(text), *find_attributions(text)]
        spots = [
            (m.speaker_start, m.speaker_end)
            for m in named
            if m.speaker and m.speaker[:1].isupper() and m.speaker_start is not None
        ]
        if not spots:
            return False
        sp_start, sp_end = rng.choice(spots)
        assert sp_start is not None and sp_end is not None
        if any(a - 40 < sp_end and sp_start < b + 40 for a, b, *_ in ed.edits):
            return False
        new_name = f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
        ed.add(sp_start, sp_end, new_name, kind, "substituted")
        return True
    return False


def _pick(pattern: re.Pattern[str], text: str, rng: random.Random) -> re.Match[str] | None:
    found = list(pattern.finditer(text))
    return rng.choice(found) if found else None


def fillers(pool: list[str], n: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    """Filler documents recombined from real sentences of non-source articles."""
    sentences = [s for text in pool for s in _SENT.findall(text) if len(s.split()) >= 6]
    for i in range(n):
        body = " ".join(rng.choice(sentences).strip() for _ in range(rng.randint(8, 20)))
        yield f"filler/{i:07d}", body


@dataclass
class TypeScore:
    predicted: int = 0
    predicted_ok: int = 0
    gold: int = 0
    gold_found: int = 0

    def f1(self) -> tuple[float, float, float]:
        p = self.predicted_ok / self.predicted if self.predicted else 0.0
        r = self.gold_found / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _hits(gold: Gold, pred: dict[str, object], typed: bool) -> bool:
    if typed and pred["type"] != gold.type:
        return False
    if gold.op == "deleted":
        s, e = int(str(pred["source_start"])), int(str(pred["source_end"]))
        return s < gold.source_end and gold.source_start < e
    s, e = int(str(pred["start"])), int(str(pred["end"]))
    return s < gold.end and gold.start < e


def score_query(
    golds: list[Gold], preds: list[dict[str, object]], scores: dict[str, TypeScore], typed: bool
) -> None:
    """Add one query's matches to per-type counts (a prediction counts once, by its type)."""
    for gold in golds:
        key = gold.type if typed else "any"
        scores.setdefault(key, TypeScore()).gold += 1
        if any(_hits(gold, p, typed) for p in preds):
            scores[key].gold_found += 1
    for pred in preds:
        key = str(pred["type"]) if typed else "any"
        scores.setdefault(key, TypeScore()).predicted += 1
        if any(_hits(g, pred, typed) for g in golds):
            scores[key].predicted_ok += 1


def partial_copy(text: str, filler: str, rng: random.Random) -> str:
    """A third of the text, its two halves swapped, with text of its own around it."""
    sents = _SENT.findall(text)
    third = max(3, len(sents) // 3)
    start = rng.randint(0, max(0, len(sents) - third))
    chunk = [s.strip() for s in sents[start : start + third]]
    half = len(chunk) // 2
    return "\n\n".join([filler, " ".join(chunk[half:]), " ".join(chunk[:half])])
