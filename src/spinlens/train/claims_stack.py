"""Check-worthiness stacked over features that should generalise across debates (issue 14).

An experiment, not the shipped model (docs/claims.md, "Tried: a stacker over every labelled
debate", says why). The shipped score is ``sigmoid(a * logit + w * margin + b)``: the
fine-tuned classifier's logit and the n-gram model's margin, fitted on 2024 dev + dev-test
with both classes weighted equally. Here the same logistic stacker (``fit_logistic``, numpy)
gets more inputs and more data, and every variant is scored on the same folds:

- inputs: the logit and margin of the shipped int8 model (computed once per sentence and
  cached; the encoder is not retrained), claim-type one-hots (``kinds.py``), percent, money,
  year, counts of names and quantities, length, first person, question, hedging and a few
  other cues (:func:`debate_features`);
- data: every labelled debate, deduplicated by normalised text: 2024 train, dev and dev-test,
  and the 2019 transcripts that are not held out (with an ``is_2019`` input, set to 0 when
  scoring: 2019 marks about 3% of sentences, 2024 about 25%, by other rules). The 2019
  held-out transcripts and every sentence sharing their text stay out, so the 2019 MAP is
  comparable with the shipped figure;
- the classifier trained on 2024 train and 2019 train, and the n-gram model on 2024 train,
  so their outputs there are in-sample (the n-gram margin ranks 2024 train at AP 0.99 in
  sample, 0.73 out of fold). :func:`out_of_fold_margins` refits the n-gram recipe in five
  folds of whole debates to give those rows an honest margin; the logit cannot be refitted
  on this machine and stays in-sample there.

Folds (:func:`lodo`): one 2024 dev-test debate left out at a time (blocks of 1,000
ClaimBuster ids, as ``spinlens.eval.claims_cv``), every sentence sharing its text removed from
the fit, inputs standardised on the fit rows, the cut chosen inside the fold (balanced
weighting puts it at 0.5; or the F1-best cut on the fold's 2024 dev + dev-test rows); the 2019
MAP is the ranking of the stacker fitted on the whole pool, per held-out transcript.

Run: ``python -m spinlens.train.claims_stack --data ../shared/data [--cache DIR]`` (needs the
``train`` extra for the out-of-fold n-gram models; at load 5-6 on this machine about 4 minutes
for the 35,514 encoder passes, cached in ``--cache``, and 10 for the folds).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.claims.features import HAND_FEATURES, dense_features, hand_features
from spinlens.analyzers.claims.kinds import _NOT_NAMES, _PROPER, TYPES, _quantities, claim_type
from spinlens.eval.claims import (
    average_precision,
    f1_positive,
    load_ct2019,
    load_ct2024,
    text_key,
)
from spinlens.eval.claims_cv import Spread, fit_logistic

Matrix = npt.NDArray[np.float64]

_PERCENT = re.compile(r"\d\s?(?:%|percent\b|per cent\b)|\bpercent(?:age)?\b", re.I)
_MONEY = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:dollars|bucks)\b|\b(?:million|billion|trillion) dollars\b|"
    r"\bbudget|\btax(?:es)?\b|\bdeficit\b|\bdebt\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|might|may|could|probably|possibly|i think|i believe|i guess|i hope|"
    r"i feel|seems?)\b",
    re.I,
)
_CUES = {
    "second_person": re.compile(r"\byou(?:r|'re|'ve)?\b", re.I),
    "negation": re.compile(r"\b(?:not|no|never|nothing|nobody)\b|n't\b", re.I),
    "opinion": re.compile(
        r"\b(?:great|terrible|wonderful|disaster|horrible|bad|good|best|worst|beautiful|"
        r"tremendous|incredible|ridiculous|shame|thank(?:s| you)|applause|laughter)\b",
        re.I,
    ),
    "should": re.compile(r"\b(?:should|must|need to|have to|ought|let's|let us)\b", re.I),
    "we": re.compile(r"\b(?:we|our|us)\b", re.I),
    "third_person": re.compile(r"\b(?:he|she|they|his|her|their)\b", re.I),
    "past": re.compile(r"\b(?:was|were|had|did|said|voted|passed|\w+ed)\b", re.I),
    "state": re.compile(r"\b(?:is|are|has|have)\b", re.I),
}
_POLICY = re.compile(
    r"\b(?:congress|senate|government|president|administration|federal|state|country|america|"
    r"americans?|united states|china|iran|iraq|russia|jobs?|unemployment|economy|percent|"
    r"million|billion|law|bill|voted?)\b",
    re.I,
)

FEATURE_NAMES = (
    *(f"type_{t}" for t in TYPES),
    "percent",
    "money",
    "year",
    "log_names",
    "log_quantities",
    "hedge",
    *_CUES,
    "log_policy_words",
    "short",
    *HAND_FEATURES,
)


def name_count(text: str) -> int:
    """Capitalised runs (the analyzer's entity rule), the sentence's first word left out (it
    is capitalised anyway)."""
    count = 0
    for m in _PROPER.finditer(text):
        words = m.group().split()[0 if m.start() else 1 :]
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        count += bool(words)
    return count


def debate_features(text: str) -> list[float]:
    """One row of :data:`FEATURE_NAMES` (regular expressions only: about 0.2 ms a sentence)."""
    kind = claim_type(text)
    return [
        *(float(kind == t) for t in TYPES),
        float(bool(_PERCENT.search(text))),
        float(bool(_MONEY.search(text))),
        float(bool(_YEAR.search(text))),
        math.log1p(name_count(text)),
        math.log1p(len(_quantities(text))),
        float(bool(_HEDGE.search(text))),
        *(float(bool(rule.search(text))) for rule in _CUES.values()),
        math.log1p(len(_POLICY.findall(text))),
        float(len(text.split()) < 6),
        *hand_features(text),
    ]


def feature_matrix(texts: Sequence[str]) -> Matrix:
    return np.asarray([debate_features(t) for t in texts], dtype=np.float64).reshape(
        len(texts), len(FEATURE_NAMES)
    )


@dataclass(frozen=True)
class Pool:
    """Every labelled sentence: source (``2024-train``, ``2024-dev``, ``2024-dev-test``,
    ``2019-train``, ``2019-held``), debate group, normalised text, label."""

    source: npt.NDArray[np.str_]
    group: npt.NDArray[np.str_]
    key: npt.NDArray[np.str_]
    text: list[str]
    label: npt.NDArray[np.int64]
    columns: dict[str, Matrix] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.text)

    def mask(self, *sources: str) -> npt.NDArray[np.bool_]:
        return np.isin(self.source, sources)


def debate_group(source: str, sentence_id: str, transcript: str) -> str:
    """2024: the block of 1,000 ClaimBuster ids (ids run in debate order; 2024 files name no
    debate); 2019: the transcript."""
    if source.startswith("2024"):
        return f"2024 ids {int(sentence_id) // 1000 * 1000}+"
    return f"2019 {transcript}"


def load_pool(data: Path) -> Pool:
    rows: list[tuple[str, str, str, int]] = []
    for split in ("train", "dev", "dev-test"):
        for s in load_ct2024(data, split):
            source = f"2024-{split}"
            rows.append((source, debate_group(source, s.id, ""), s.text, s.label or 0))
    for held in (True, False):
        source = "2019-held" if held else "2019-train"
        for name, sentences in load_ct2019(data, held_out=held).items():
            rows += [
                (source, debate_group(source, "", name), s.text, s.label or 0) for s in sentences
            ]
    return Pool(
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows]),
        np.array([text_key(r[2]) for r in rows]),
        [r[2] for r in rows],
        np.array([r[3] for r in rows], dtype=np.int64),
    )


def trainable(pool: Pool, sources: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Rows of ``sources`` a stacker may fit on: never a sentence sharing its text with a
    2019 held-out one, and a 2019 sentence that is also in 2024 only once (its 2024 label)."""
    keep = pool.mask(*sources) & ~np.isin(pool.key, pool.key[pool.mask("2019-held")])
    in_2024 = np.isin(pool.key, pool.key[np.char.startswith(pool.source, "2024")])
    return keep & ~(pool.mask("2019-train") & in_2024)


def out_of_fold_margins(pool: Pool, folds: int = 5, seed: int = 0) -> Matrix:
    """The n-gram model's margin with its recipe (hashed 1-2 grams + cues, logistic regression,
    C=16) refitted on 2024 train + 2019 train in ``folds`` folds of whole debates, for those
    rows; other rows keep the shipped margin (``pool.columns["margin"]``), which never saw them."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from spinlens.train.claims import _sparse

    margin = pool.columns["margin"][:, 0].copy()
    fit = trainable(pool, ("2024-train", "2019-train"))
    fit &= ~np.isin(pool.key, pool.key[pool.mask("2024-dev", "2024-dev-test")])
    _, first = np.unique(pool.key[fit], return_index=True)
    rows = np.flatnonzero(fit)[np.sort(first)]
    texts = [pool.text[i] for i in rows]
    design = hstack([csr_matrix(dense_features(texts, None, False)), _sparse(texts)]).tocsr()
    groups = sorted(set(pool.group[rows].tolist()))
    np.random.default_rng(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    fold = np.array([fold_of[g] for g in pool.group[rows]])
    oof = np.zeros(len(rows))
    for k in range(folds):
        lr = LogisticRegression(C=16.0, max_iter=3000, solver="liblinear")
        lr.fit(design[fold != k], pool.label[rows][fold != k])
        oof[fold == k] = lr.decision_function(design[fold == k])
    by_key = {pool.key[i]: float(v) for i, v in zip(rows, oof, strict=True)}
    for i in np.flatnonzero(pool.mask("2024-train", "2019-train")):
        margin[i] = by_key.get(pool.key[i], margin[i])
    return margin[:, None]


@dataclass(frozen=True)
class Variant:
    """A stacker: its input columns, the sources it fits on, ridge, and how the cut is chosen
    (``balanced``: 0.5 of the class-balanced fit; ``best-f1``: the cut with the best F1 on the
    fold's 2024 dev + dev-test rows)."""

    name: str
    inputs: tuple[str, ...]
    sources: tuple[str, ...]
    l2: float = 1e-4
    cut: str = "balanced"


SHIPPED = Variant(
    "shipped: logit + margin on 2024 dev + dev-test",
    ("logit", "margin"),
    ("2024-dev", "2024-dev-test"),
)
CALIBRATION = ("2024-dev", "2024-dev-test")
EVERY_DEBATE = ("2024-train", "2024-dev", "2024-dev-test", "2019-train")
VARIANTS = (
    SHIPPED,
    Variant(
        "shipped inputs, cut at the best F1 inside the fold",
        ("logit", "margin"),
        CALIBRATION,
        cut="best-f1",
    ),
    Variant("+ debate features, 2024 dev + dev-test", ("logit", "margin", "features"), CALIBRATION),
    Variant("+ debate features, ridge 10", ("logit", "margin", "features"), CALIBRATION, l2=10.0),
    Variant(
        "logit + margin (in-sample on train) + features, all 2024",
        ("logit", "margin", "features"),
        ("2024-train", *CALIBRATION),
    ),
    Variant(
        "logit + out-of-fold margin, every debate", ("logit", "margin_oof", "is_2019"), EVERY_DEBATE
    ),
    Variant(
        "logit + out-of-fold margin + features, all 2024, ridge 100",
        ("logit", "margin_oof", "features"),
        ("2024-train", *CALIBRATION),
        l2=100.0,
    ),
    Variant(
        "logit + out-of-fold margin + features, every debate",
        ("logit", "margin_oof", "features", "is_2019"),
        EVERY_DEBATE,
    ),
    Variant(
        "logit + out-of-fold margin + features, every debate, ridge 100",
        ("logit", "margin_oof", "features", "is_2019"),
        EVERY_DEBATE,
        l2=100.0,
    ),
)


def design(pool: Pool, inputs: Sequence[str]) -> Matrix:
    columns = dict(pool.columns)
    columns["is_2019"] = np.char.startswith(pool.source, "2019").astype(np.float64)[:, None]
    return np.hstack([columns[name] for name in inputs]).astype(np.float64)


def _fit(
    x: Matrix, y: npt.NDArray[np.int64], rows: npt.NDArray[np.bool_], variant: Variant
) -> tuple[Matrix, Matrix, float, Matrix]:
    """Standardise on ``rows``, fit the balanced stacker; ``(mean, scale, b, w)``."""
    mean, scale = x[rows].mean(0), x[rows].std(0) + 1e-9
    w, b = fit_logistic((x[rows] - mean) / scale, y[rows].tolist(), balanced=True, l2=variant.l2)
    return mean, scale, b, np.asarray(w)


def _scores(
    x: Matrix, fitted: tuple[Matrix, Matrix, float, Matrix], inputs: Sequence[str]
) -> Matrix:
    """Decision values (0 = the 0.5 cut), every row scored as 2024 (``is_2019`` = 0)."""
    mean, scale, b, w = fitted
    x = x.copy()
    if "is_2019" in inputs:
        x[:, -1] = 0.0
    out: Matrix = ((x - mean) / scale) @ w + b
    return out


def _best_cut(labels: Sequence[int], scores: Matrix) -> float:
    candidates = np.quantile(scores, np.linspace(0.3, 0.95, 66))
    return float(max(candidates, key=lambda c: f1_positive(labels, (scores - c).tolist(), 0.0)))


@dataclass(frozen=True)
class Figures:
    variant: Variant
    f1: Spread
    ap: Spread
    map_2019: Spread
    says_yes: int
    positives: int
    seen: Spread

    def line(self) -> str:
        return (
            f"{self.variant.name}\n    dev-test debate left out: F1 {_spread(self.f1)}, "
            f"AP {_spread(self.ap)}, Yes {self.says_yes}/{self.positives}; 2019 MAP "
            f"{self.map_2019.mean:.3f}\n    dev block left out (the classifier trained on these "
            f"debates): F1 {_spread(self.seen)}"
        )


def _spread(s: Spread) -> str:
    low, high = min(s.values), max(s.values)
    return f"{s.mean:.3f} (std {s.std:.3f}, {low:.3f}-{high:.3f}; pooled {s.pooled:.3f})"


def _left_out(
    pool: Pool, variant: Variant, x: Matrix, held: npt.NDArray[np.bool_]
) -> tuple[Matrix, list[float], list[float]]:
    """Scores of the ``held`` rows, each debate group's from a stacker fitted without that
    group (nor any sentence sharing its text), with per-group F1 and AP."""
    y, base = pool.label, trainable(pool, variant.sources)
    pooled = np.zeros(len(pool))
    f1s, aps = [], []
    for group in sorted(set(pool.group[held].tolist())):
        out = pool.group == group
        rows = base & ~out & ~np.isin(pool.key, pool.key[out])
        scores = _scores(x, _fit(x, y, rows, variant), variant.inputs)
        if variant.cut == "best-f1":
            inner = rows & pool.mask(*CALIBRATION)
            scores = scores - _best_cut(y[inner].tolist(), scores[inner])
        pooled[out] = scores[out]
        scored = out & held
        if not y[scored].any():  # F1 and AP say nothing on a block with no check-worthy row
            continue
        f1s.append(f1_positive(y[scored].tolist(), scores[scored].tolist(), 0.0))
        aps.append(average_precision(y[scored].tolist(), scores[scored].tolist()))
    return pooled, f1s, aps


def lodo(pool: Pool, variant: Variant) -> Figures:
    """One 2024 dev-test debate left out at a time (see the module docstring); also each
    block of 2024 dev left out (debates the classifier trained on, so only indicative)."""
    x, y = design(pool, variant.inputs), pool.label
    base = trainable(pool, variant.sources)
    held = pool.mask("2024-dev-test")
    pooled, f1s, aps = _left_out(pool, variant, x, held)
    dev = pool.mask("2024-dev")
    seen, seen_f1s, _ = _left_out(pool, variant, x, dev)
    whole = _scores(x, _fit(x, y, base, variant), variant.inputs)
    maps = [
        average_precision(y[pool.group == g].tolist(), whole[pool.group == g].tolist())
        for g in sorted(set(pool.group[pool.mask("2019-held")].tolist()))
    ]
    gold, decided = y[held].tolist(), pooled[held].tolist()
    return Figures(
        variant,
        Spread("F1", tuple(f1s), f1_positive(gold, decided, 0.0)),
        Spread("AP", tuple(aps), average_precision(gold, decided)),
        Spread("2019 MAP", tuple(maps), statistics.fmean(maps)),
        int((pooled[held] >= 0).sum()),
        int(sum(gold)),
        Spread(
            "F1, dev block left out",
            tuple(seen_f1s),
            f1_positive(y[dev].tolist(), seen[dev].tolist(), 0.0),
        ),
    )


def add_columns(pool: Pool, cache: Path | None) -> Pool:
    """The shipped model's ``[logit, margin]`` per sentence (cached), the debate features and
    the out-of-fold margins."""
    from dataclasses import replace

    from spinlens.analyzers.claims.model import CheckworthyModel, FinetunedCheckworthy
    from spinlens.models.runtime import model_dir
    from spinlens.train.claims import embed_cached

    folder = model_dir("checkworthy")
    raw = replace(
        FinetunedCheckworthy.load(folder, platt=(1.0, 0.0)),
        fast=CheckworthyModel.load(folder / "fast.npz"),
    )
    unique = list(dict.fromkeys(pool.text))
    stacked = embed_cached(unique, cache, raw.stack_inputs, tag="checkworthy-v3-stack")
    where = {t: i for i, t in enumerate(unique)}
    inputs = np.asarray(stacked, dtype=np.float64)[[where[t] for t in pool.text]]
    pool.columns.update(
        logit=inputs[:, :1], margin=inputs[:, 1:2], features=feature_matrix(pool.text)
    )
    pool.columns["margin_oof"] = out_of_fold_margins(pool)
    return pool


def main(argv: list[str] | None = None) -> None:
    """``python -m spinlens.train.claims_stack --data DIR [--cache DIR]``: print every
    variant's figures on the same folds."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=None, help="cache of the model outputs")
    args = parser.parse_args(argv)
    pool = add_columns(load_pool(args.data), args.cache)
    shipped = lodo(pool, SHIPPED)
    for variant in VARIANTS:
        figures = lodo(pool, variant)
        print(figures.line(), flush=True)
        print(
            "    against the shipped stacker, fold by fold: " + paired(figures, shipped), flush=True
        )


def paired(figures: Figures, base: Figures) -> str:
    """Differences on the same folds: the noise between folds is larger than most gains."""

    def diff(a: Spread, b: Spread) -> str:
        d = np.asarray(a.values) - np.asarray(b.values)
        return f"{d.mean():+.3f} ({d.min():+.3f} to {d.max():+.3f})"

    return (
        f"F1 {diff(figures.f1, base.f1)}, AP {diff(figures.ap, base.ap)}, "
        f"2019 AP {diff(figures.map_2019, base.map_2019)}, "
        f"dev-block F1 {diff(figures.seen, base.seen)}"
    )


if __name__ == "__main__":
    main()
