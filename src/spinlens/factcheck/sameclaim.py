"""The same-claim decision: is this fact-check about *the same checkable claim* as the query?

The reranker ranks candidates by topic (a sentence about Soleimani's killing ranks every
Soleimani fact-check high). A fact-checker needs more before a match is shown: the same
subject, the same predicate, the same numbers and time. This module turns one (query,
candidate) pair into features that measure exactly that (numbers and years that disagree,
names of the fact-check missing from the query, its content words and verbs missing, a
negation on one side only), adds the retrieval features and the candidate's place in the
ranking (a top candidate far ahead of the next is more often the same claim), and a logistic
regression fitted on CheckThat! 2020 task 2 train pairs with hard negatives turns them into a
calibrated probability. The threshold is chosen on dev for precision >= 0.95 with at most 5%
of queries matched once their gold claim is removed from the database
(``python -m spinlens.train.claims_sameclaim``; figures in docs/claims.md).

Numpy and rapidfuzz only at run time; weights in ``models/data/claim-reranker/sameclaim.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from spinlens.factcheck.index import tokenize
from spinlens.models.runtime import load_session, model_dir

MODEL_FILE = "sameclaim.json"
CROSS_FEATURE = "cross_logit"  # the cross-encoder's logit, when the model stacks one
CROSS_MAX_LENGTH = 128  # word pieces of "[CLS] query [SEP] claim [SEP]"
COVERED_MISSING = 0.2  # "covered": at most this share of the fact-check's other words missing
FOLDER = "claim-reranker"

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?(?:%|percent))?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")
# A fact-check about a picture or a video ("A video shows ...") is about that media; a query
# with no media (no such word, no link) states the event, which is another claim.
_MEDIA_CLAIM = re.compile(
    r"^\W*(?:\S+\s+){0,3}?(?:videos?|photo(?:graph)?s?|images?|pictures?|footage|clip|meme|"
    r"screenshots?|gif)\b",
    re.I,
)
_MEDIA_QUERY = re.compile(
    r"https?://|pic\.twitter\.com|\b(?:videos?|photo(?:graph)?s?|images?|pictures?|pics?|"
    r"footage|clip|meme|screenshots?|gif|watch|filmed|shows?)\b",
    re.I,
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"dozen": "12", "hundred": "100", "thousand": "1000", "million": "1000000"}
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "can't",
        "couldn't",
        "shouldn't",
        "wouldn't",
        "hasn't",
        "haven't",
        "hadn't",
    ]
)
# Capitalised words that are not names (sentence starts, pronouns, tweet and Snopes boilerplate).
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "if",
        "when",
        "while",
        "after",
        "before",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "not",
        "no",
        "yes",
        "photograph",
        "photo",
        "video",
        "image",
        "images",
        "footage",
        "picture",
        "pictures",
        "shows",
        "show",
        "showing",
        "claim",
        "claims",
        "says",
        "said",
        "reports",
        "report",
        "rt",
        "via",
        "breaking",
        "new",
        "news",
        "just",
        "now",
        "today",
        "here",
        "there",
        "what",
        "who",
        "why",
        "how",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)

FEATURES = (
    "reranker_logit",
    "cosine",
    "cosine_sentence",
    "cosine_title",
    "cosine_gap",
    "bm25_rel",
    "token_set",
    "partial",
    "length_ratio",
    "inverse_rank",
    "margin_next",
    "margin_best",
    "numbers_missing",
    "numbers_conflict",
    "years_conflict",
    "names_missing",
    "names_found",
    "predicate_missing",
    "covered",
    "query_covered",
    "negation_mismatch",
    "media_mismatch",
    "token_sort",
    "ratio",
)

Matrix = npt.NDArray[np.float64]


def _numbers(text: str) -> tuple[set[str], set[str]]:
    """(numbers, years) of ``text``: digits without separators, small number words as digits;
    years are 1800-2099 written as four digits."""
    found = {m.group(0).replace(",", "").split()[0].rstrip("%") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    found = {n[:-2] if n.endswith(".0") else n for n in found}
    years = {n for n in found if len(n) == 4 and n.isdigit() and 1800 <= int(n) <= 2099}
    return found - years, years


def _names(text: str) -> set[str]:
    return {m.lower() for m in _NAME.findall(text) if m.lower() not in _NOT_NAMES and len(m) > 1}


def _words(text: str) -> frozenset[str]:
    """Lower-cased words, possessives also without their 's ("Ohio's" names Ohio)."""
    words = {w.lower().replace("’", "'") for w in _WORD.findall(text)}
    return frozenset(words | {w[:-2] for w in words if w.endswith("'s")})


def _negated(text: str) -> bool:
    words = {w.lower().replace("’", "'") for w in _WORD.findall(text)}
    return bool(words & _NEGATIONS) or any(w.endswith("n't") for w in words)


def _missing(wanted: set[str], have: set[str]) -> float:
    """Share of ``wanted`` not in ``have`` (0 when nothing is wanted)."""
    return len(wanted - have) / len(wanted) if wanted else 0.0


@dataclass(frozen=True, slots=True)
class PairText:
    """What the text features compare; computed once per text, shared across its pairs."""

    stems: frozenset[str]
    name_stems: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    negated: bool


def describe(texts: Sequence[str]) -> list[PairText]:
    """Stems (the BM25 vocabulary), names, numbers, years and negation of each text."""
    stems = tokenize(list(texts)) if texts else []
    names = [_names(t) for t in texts]
    name_stems = tokenize([" ".join(sorted(n)) for n in names]) if texts else []
    out = []
    for i, text in enumerate(texts):
        numbers, years = _numbers(text)
        out.append(
            PairText(
                frozenset(stems[i]),
                frozenset(name_stems[i]),
                frozenset(names[i]),
                _words(text),
                frozenset(numbers),
                frozenset(years),
                _negated(text),
            )
        )
    return out


def text_features(
    query: str, claim: str, q: PairText, c: PairText, raw: str | None = None
) -> list[float]:
    """The features that compare the two texts (from ``numbers_missing`` on); ``raw`` is the
    query before cleaning (its links say it carried a picture or a video)."""
    predicate = c.stems - c.name_stems
    all_numbers_q = q.numbers | q.years
    numbers_missing = _missing(set(c.numbers), set(all_numbers_q))
    names_missing = _missing(set(c.names), set(q.words))
    predicate_missing = _missing(set(predicate), set(q.stems))
    negation = q.negated != c.negated
    return [
        numbers_missing,
        float(bool(c.numbers) and bool(q.numbers) and not (c.numbers & q.numbers)),
        float(bool(c.years) and bool(q.years) and not (c.years & q.years)),
        names_missing,
        float(len(c.names & q.words)),
        predicate_missing,
        # Everything the fact-check states is in the query: its names, its numbers, nearly
        # all its other words, and no negation on one side only. A news sentence often
        # reports a claim inside a longer sentence; this says the claim is all there.
        float(
            predicate_missing <= COVERED_MISSING
            and not names_missing
            and not numbers_missing
            and not negation
        ),
        1.0 - _missing(set(q.stems), set(c.stems)),
        float(negation),
        float(bool(_MEDIA_CLAIM.search(claim)) and not _MEDIA_QUERY.search(raw or query)),
        fuzz.token_sort_ratio(query, claim) / 100.0,
        fuzz.ratio(query, claim) / 100.0,
    ]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def pair_features(
    query: str,
    claims: Sequence[str],
    retrieval: Sequence[Sequence[float]],
    scores: Sequence[float],
    described: tuple[PairText, list[PairText]] | None = None,
    raw: str | None = None,
) -> Matrix:
    """One row per candidate of one query, candidates best first by reranker ``scores``.

    ``retrieval`` holds each candidate's reranker features (``match.FEATURES``, of which the
    ranks are replaced here by the candidate's place among the ones given).
    """
    q, cs = described or (describe([query])[0], describe(claims))
    rows = []
    best = scores[0] if scores else 0.0
    for i, (claim, feats, score) in enumerate(zip(claims, retrieval, scores, strict=True)):
        following = scores[i + 1] if i + 1 < len(scores) else 0.0
        cosine, sentence, title, gap, _, bm25_rel, _, token_set, partial, length = feats
        rows.append(
            [
                _logit(score),
                cosine,
                sentence,
                title,
                gap,
                bm25_rel,
                token_set,
                partial,
                length,
                1.0 / (1 + i),
                score - following,
                score - best,
                *text_features(query, claim, q, cs[i], raw),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))


@dataclass(frozen=True)
class SameClaimModel:
    """Logistic regression over standardised :data:`FEATURES` (and, when ``cross`` names a
    cross-encoder file, its logit as the last feature, :data:`CROSS_FEATURE`); ``threshold``
    is the shipped decision point (chosen on CheckThat! 2020 task 2 dev: precision >= 0.95,
    and at most 5% of queries matched when their gold claim is not in the database)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    version: str = "1"
    cross: Path | None = None  # the cross-encoder (int8 ONNX) whose logit is the last feature

    @classmethod
    def load(cls, path: Path) -> SameClaimModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = tuple(data["features"])
        if features not in (FEATURES, (*FEATURES, CROSS_FEATURE)):
            raise ValueError(f"{path} was trained on other features")
        cross = None
        if features[-1] == CROSS_FEATURE:
            cross = path.parent / str(data["cross_encoder"])
            if not cross.is_file():
                raise ValueError(f"{path} needs the cross-encoder {cross.name}, missing")
        return cls(
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            str(data.get("version", "1")),
            cross,
        )

    def features(
        self,
        query: str,
        claims: Sequence[str],
        retrieval: Sequence[Sequence[float]],
        scores: Sequence[float],
    ) -> Matrix:
        """:func:`pair_features`, with the cross-encoder's logits when the model reads them."""
        x = pair_features(query, claims, retrieval, scores)
        if self.cross is None or not len(x):
            return x
        logits = cross_logits(self.cross, [(query, c) for c in claims])
        return np.hstack([x, logits.astype(np.float64)[:, None]])

    def probability(self, features: Matrix) -> npt.NDArray[np.float64]:
        if not len(features):
            return np.zeros(0, dtype=np.float64)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.weights) + self.bias
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return out


@lru_cache(maxsize=2)
def _pair_tokenizer(path: str) -> Any:
    """The MiniLM tokenizer of ``path`` for ``(query, claim)`` pairs: its own instance (the
    shared one of :func:`load_tokenizer` must keep its settings), at most
    ``CROSS_MAX_LENGTH`` word pieces, the longer side cut first, a batch padded to its
    longest pair."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    tokenizer.enable_truncation(max_length=CROSS_MAX_LENGTH, strategy="longest_first")
    return tokenizer


def cross_logits(model: Path, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float32]:
    """The cross-encoder's same-claim logit of each ``(query, claim)`` pair, in order (one
    onnxruntime call; the folder's ``tokenizer.json`` is the same MiniLM vocabulary)."""
    out = np.zeros(len(pairs), dtype=np.float32)
    if not pairs:
        return out
    session = load_session(str(model))
    tokenizer = _pair_tokenizer(str(model.parent / "tokenizer.json"))
    encoded = tokenizer.encode_batch([(q or " ", c or " ") for q, c in pairs])
    ids = np.array([e.ids for e in encoded], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
    out[:] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return out


@lru_cache(maxsize=1)
def shipped_sameclaim() -> SameClaimModel:
    return SameClaimModel.load(model_dir(FOLDER) / MODEL_FILE)
