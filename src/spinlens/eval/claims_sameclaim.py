"""Checks of the same-claim figures on CheckThat! 2020 task 2 dev (issue 12.1).

``spinlens eval claims`` reports what ``factcheck match --only-matches`` prints on dev, and the
share of queries still matched once their gold claims are removed from the database. Two
questions about that figure, answered here:

- **Near-duplicates.** Is a query "still matched" because the database holds another copy of
  its gold claim (a re-check of the same rumour)? :func:`near_duplicates` fixes the rule: the
  other claim has nearly the same words (``token_sort_ratio`` >= :data:`DUPLICATE_RATIO` on
  lower-cased text without punctuation) and the same numbers, years and negation. The second
  figure removes each gold claim *together with* its near-duplicates; the first is kept.
- **Optimism.** The threshold is chosen on the same dev queries it is reported on.
  :func:`threshold_cv` chooses it by the shipped rule (:func:`.threshold_for`) on some folds of
  the dev queries and scores the held-out fold; queries that share a gold claim stay in one fold.

Run: ``python -m spinlens.eval.claims_sameclaim --data ../shared/data`` (about 2 minutes on one
thread: the 10,375 claims are embedded once, then three passes over the 197 dev queries).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from spinlens.eval.claims import MatchDecisions, without_claims

if TYPE_CHECKING:
    from spinlens.factcheck.match import Matcher

DUPLICATE_RATIO = 90.0  # token_sort_ratio of two texts of one claim (re-checks, re-wordings)
BOUND = 0.05  # the bound on gold-removed matches
FOLDS = 5
REPEATS = 50


def same_claim_text(a: str, b: str, ratio: float = DUPLICATE_RATIO) -> bool:
    """The two texts state one claim by the near-duplicate rule: nearly the same words in any
    order, and the same numbers, years and negation (a changed figure or an added "not" makes
    another claim, however close the words)."""
    from rapidfuzz import fuzz, utils

    from spinlens.factcheck.sameclaim import _negated, _numbers

    if fuzz.token_sort_ratio(a, b, processor=utils.default_process) < ratio:
        return False
    return _negated(a) == _negated(b) and _numbers(a) == _numbers(b)


def near_duplicates(
    golds: Iterable[str],
    claims: Mapping[str, str],
    among: Iterable[str] | None = None,
    ratio: float = DUPLICATE_RATIO,
) -> dict[str, set[str]]:
    """For each gold claim id in ``claims``: the ids of the other claims (of ``among``, default
    all of ``claims``) that are the same claim by :func:`same_claim_text` (empty sets are left
    out)."""
    from rapidfuzz import fuzz, process, utils

    ids = [i for i in (claims if among is None else among) if i in claims]
    texts = [utils.default_process(claims[i]) for i in ids]
    wanted = [g for g in dict.fromkeys(golds) if g in claims]
    if not wanted:
        return {}
    scores = process.cdist(
        [utils.default_process(claims[g]) for g in wanted],
        texts,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=ratio,
        workers=1,
    )
    out: dict[str, set[str]] = {}
    for row, gold in enumerate(wanted):
        for j in np.flatnonzero(scores[row]):
            other = ids[int(j)]
            if other != gold and same_claim_text(claims[gold], claims[other], ratio):
                out.setdefault(gold, set()).add(other)
    return out


@dataclass(frozen=True)
class QueryDecisions:
    """One dev query: the same-claim probability and gold label of each of its top 5 in the
    full database, and the best probability once claims were removed (0 when nothing is
    left)."""

    qid: str
    gold: frozenset[str]
    probs: tuple[float, ...]
    labels: tuple[int, ...]
    absent_best: float


def decision_lists(
    matcher: Matcher,
    queries: Sequence[tuple[str, str]],
    qrels: Mapping[str, set[str]],
    removed: set[str],
) -> list[QueryDecisions]:
    """Each query's top 5 with same-claim probabilities, in the full database and in the
    database less ``removed``."""
    texts = [t for _, t in queries]
    full = matcher.match(texts, top=5, same_claim=None)
    absent = without_claims(matcher, removed).match(texts, top=5, same_claim=None)
    out = []
    for (qid, _), found, left in zip(queries, full, absent, strict=True):
        gold = frozenset(qrels.get(qid, set()))
        out.append(
            QueryDecisions(
                qid,
                gold,
                tuple(m.probability for m in found),
                tuple(int(m.record.id in gold) for m in found),
                max((m.probability for m in left), default=0.0),
            )
        )
    return out


@dataclass(frozen=True)
class Figures(MatchDecisions):
    """The decisions at one threshold (``nan`` for figures pooled over thresholds)."""

    threshold: float = float("nan")

    def line(self) -> str:
        return (
            f"threshold {self.threshold:.4f}: precision {self.precision:.3f} "
            f"({self.correct}/{self.reported}), recall {self.recall:.3f} "
            f"({self.correct}/{self.gold}), gold removed: matches on {self.absent_rate:.1%} "
            f"({self.absent_matched}/{self.queries})"
        )


def score(lists: Sequence[QueryDecisions], threshold: float) -> Figures:
    """What ``--only-matches`` prints at ``threshold`` for ``lists``."""
    correct = reported = matched = 0
    for q in lists:
        kept = [y for p, y in zip(q.probs, q.labels, strict=True) if p >= threshold]
        reported += len(kept)
        correct += sum(kept)
        matched += int(q.absent_best >= threshold)
    gold = sum(len(q.gold) for q in lists)
    return Figures(len(lists), gold, reported, correct, matched, threshold)


def choose(lists: Sequence[QueryDecisions], bound: float = BOUND) -> float:
    """The shipped rule (:func:`.threshold_for`: precision >= 0.95, at most ``bound`` of the
    queries matched with their claims removed, the most recall) on ``lists``."""
    from spinlens.train.claims_sameclaim import PRECISION, threshold_for

    p = np.array([v for q in lists for v in q.probs], dtype=np.float64)
    y = np.array([v for q in lists for v in q.labels], dtype=np.int64)
    return threshold_for(p, y, [q.absent_best for q in lists], PRECISION, bound)


def gold_groups(lists: Sequence[QueryDecisions]) -> list[int]:
    """A group number per query; queries that share a gold claim share a group."""
    parent = list(range(len(lists)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, q in enumerate(lists):
        for g in sorted(q.gold):
            if g in owner:
                parent[root(i)] = root(owner[g])
            else:
                owner[g] = i
    return [root(i) for i in range(len(lists))]


@dataclass(frozen=True)
class Spread:
    mean: float
    sd: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(statistics.fmean(values), sd, min(values), max(values))

    def __str__(self) -> str:
        return f"{self.mean:.3f} (sd {self.sd:.3f}, {self.low:.3f}-{self.high:.3f})"


@dataclass(frozen=True)
class CrossValidated:
    """Held-out figures of the threshold rule: pooled over the folds of each repeat, and per
    held-out fold."""

    thresholds: Spread
    recall: Spread
    absent_rate: Spread
    precision: Spread
    fold_recall: Spread
    fold_absent_rate: Spread


def threshold_cv(
    lists: Sequence[QueryDecisions],
    folds: int = FOLDS,
    repeats: int = REPEATS,
    bound: float = BOUND,
) -> CrossValidated:
    """Choose the threshold on ``folds - 1`` folds of the queries, score the held-out fold;
    ``repeats`` random fold assignments of the gold groups (seeded 0, 1, ...)."""
    groups = gold_groups(lists)
    unique = sorted(set(groups))
    thresholds: list[float] = []
    pooled: list[Figures] = []
    per_fold: list[Figures] = []
    for repeat in range(repeats):
        order = unique[:]
        random.Random(repeat).shuffle(order)
        fold_of = {g: k % folds for k, g in enumerate(order)}
        held_figures = []
        for k in range(folds):
            train = [q for q, g in zip(lists, groups, strict=True) if fold_of[g] != k]
            held = [q for q, g in zip(lists, groups, strict=True) if fold_of[g] == k]
            threshold = choose(train, bound)
            thresholds.append(threshold)
            held_figures.append(score(held, threshold))
        per_fold += held_figures
        pooled.append(
            Figures(
                queries=sum(f.queries for f in held_figures),
                gold=sum(f.gold for f in held_figures),
                reported=sum(f.reported for f in held_figures),
                correct=sum(f.correct for f in held_figures),
                absent_matched=sum(f.absent_matched for f in held_figures),
            )
        )
    return CrossValidated(
        Spread.of(thresholds),
        Spread.of([f.recall for f in pooled]),
        Spread.of([f.absent_rate for f in pooled]),
        Spread.of([f.precision for f in pooled]),
        Spread.of([f.recall for f in per_fold]),
        Spread.of([f.absent_rate for f in per_fold]),
    )


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def run(data: Path, folds: int = FOLDS, repeats: int = REPEATS) -> list[str]:
    """The figures, one line each."""
    import tempfile

    from spinlens.eval.claims import CT2020_T2, indexed_qrels, read_qrels, read_queries
    from spinlens.factcheck.importers import read_checkthat2020
    from spinlens.factcheck.match import Matcher
    from spinlens.factcheck.sameclaim import shipped_sameclaim
    from spinlens.factcheck.store import FactCheckStore

    folder = data / CT2020_T2
    queries = read_queries(folder / "dev" / "tweets.queries.tsv")
    every = list(read_checkthat2020(folder / "verified_claims.docs.tsv"))
    qrels = indexed_qrels(read_qrels(folder / "dev" / "tweet-vclaim-pairs.qrels"), every)
    golds = {c for ids in qrels.values() for c in ids}
    lines = []
    with tempfile.TemporaryDirectory() as tmp, FactCheckStore(Path(tmp) / "fc.sqlite") as store:
        store.upsert(every)
        matcher = Matcher(store)
        # Gold texts from every record (the index keeps one record per distinct claim text: a
        # gold claim dropped as an exact duplicate has its indexed twin as a copy); copies
        # among the indexed claims, the ones a query can be matched to.
        dups = near_duplicates(sorted(golds), matcher.claims, matcher.index.ids)
        records, indexed = len(matcher.claims), len(matcher.index.ids)
        extra = set().union(*dups.values()) if dups else set()
        plain = decision_lists(matcher, queries, qrels, golds)
        widened = decision_lists(matcher, queries, qrels, golds | extra)
    shipped = shipped_sameclaim().threshold
    first = score(plain, shipped)
    low, high = wilson(first.absent_matched, first.queries)
    lines.append(f"CheckThat! 2020 task 2 dev, {len(queries)} queries, shipped threshold")
    lines.append(f"  gold removed (as in spinlens eval claims): {first.line()}")
    lines.append(f"    95% interval of the gold-removed share: {low:.1%}-{high:.1%}")
    lines.append(
        f"  near-duplicates of the {len(golds)} gold claims in the index ({indexed} distinct "
        f"texts of {records} claims; token_sort_ratio >= {DUPLICATE_RATIO:g}, same numbers "
        "and negation): "
        f"{len(extra)} claims (copies of {len(dups)} gold claims)"
    )
    lines.append(
        f"  gold removed together with its near-duplicates: {score(widened, shipped).line()}"
    )
    best = choose(widened)
    lines.append(
        f"    recall attainable at <= {BOUND:.0%} by that figure: {score(widened, best).line()}"
    )
    in_top = sum(sum(q.labels) for q in plain)
    lines.append(
        f"  gold pairs in the top 5 (the most any threshold can report): {in_top}/{first.gold}"
    )
    for bound in (0.03, 0.05, 0.10, 0.20, 0.30):
        at = score(plain, choose(plain, bound))
        lines.append(f"    threshold chosen on dev for <= {bound:.0%}: {at.line()}")
    cv = threshold_cv(plain, folds, repeats)
    lines.append(
        f"  threshold chosen on {folds - 1} of {folds} folds (queries sharing a gold claim "
        f"together), scored on the held-out fold, {repeats} repeats; mean (sd, range):"
    )
    lines.append(f"    thresholds chosen: {cv.thresholds}")
    lines.append(
        f"    pooled per repeat: recall {cv.recall}, gold removed matched {cv.absent_rate}, "
        f"precision {cv.precision}"
    )
    lines.append(
        f"    per held-out fold: recall {cv.fold_recall}, gold removed matched "
        f"{cv.fold_absent_rate}"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    for line in run(args.data, args.folds, args.repeats):
        print(line)


if __name__ == "__main__":
    main()
