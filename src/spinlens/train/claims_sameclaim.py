"""Train the same-claim decision (:mod:`spinlens.factcheck.sameclaim`) on CheckThat! 2020 task 2.

Run: ``python -m spinlens.train.claims_sameclaim --data ../shared/data`` (about 5 minutes on
one CPU thread; writes ``<user data dir>/models/claim-reranker/sameclaim.json`` unless ``--out``;
copy it over the shipped one to use it).

Examples, all from the train queries (the dev queries only choose the threshold):

- the top ``TOP`` candidates of each query from the shipped retrieval over the 10,375
  verified claims: the gold claim is positive, the others are hard negatives (same topic);
- the top ``TOP`` of each query with every train query's gold claim removed from the
  database: what a query whose claim was never fact-checked sees (all negative);
- synthetic negatives: the gold claim with a number or year changed, a negation added or
  removed, or a name swapped for another claim's, put in the gold's place in the ranking;
- the gold claims reported inside news sentences ("Officials said on Monday that <claim>,
  according to local media."), retrieved with and without the gold claims in the database:
  the analyzer's queries are article sentences, which state a claim with words around it,
  where a tweet paraphrases it.

A logistic regression (L2 chosen by grouped cross-validation on train, log-loss) gives the
probability; the threshold is the lowest that keeps dev precision >= ``PRECISION`` over the
pairs ``--only-matches`` would print and matches at most ``ABSENT_RATE`` of the dev queries
once their gold claims are removed from the database (the second binds: see docs/claims.md).
Reported on dev: precision, recall, and the share of
queries that still get a match with their gold claims removed from the database.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2020_T2, indexed_qrels, read_qrels, read_queries
from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.index import FactCheckIndex, unique_claims
from spinlens.factcheck.match import Matcher, shipped_reranker
from spinlens.factcheck.sameclaim import (
    FEATURES,
    FOLDER,
    MODEL_FILE,
    SameClaimModel,
    _names,
    describe,
    pair_features,
)
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.train.claims_reranker import embed_cached, query_candidates

TOP = 5
PRECISION = 0.95
ABSENT_RATE = 0.05  # at most this share of queries matched when their claim is not in the db
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
Qrels = dict[str, set[str]]


@dataclass
class QueryList:
    """One query's top candidates, best first by the reranker, with their gold labels."""

    qid: str
    query: str
    claims: list[str]
    retrieval: list[tuple[float, ...]]
    scores: list[float]
    labels: list[int]
    ids: list[str] = field(default_factory=list)
    raw: str = ""  # the query before cleaning (its links)


def _lists(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: Qrels, top: int = TOP
) -> list[QueryList]:
    out = []
    for i, qid, text, found in query_candidates(matcher, queries):
        scores = matcher.reranker.score([c.features for c in found]) if found else np.zeros(0)
        order = np.argsort(-scores, kind="stable")[:top]
        gold = qrels.get(qid, set())
        chosen = [found[j] for j in order]
        out.append(
            QueryList(
                qid,
                text,
                [matcher.claims[c.claim_id] for c in chosen],
                [c.features for c in chosen],
                [float(scores[j]) for j in order],
                [int(c.claim_id in gold) for c in chosen],
                [c.claim_id for c in chosen],
                queries[i][1],
            )
        )
    return out


def _qrels(data: Path, split: str, records: Sequence[FactCheck]) -> Qrels:
    return indexed_qrels(read_qrels(data / CT2020_T2 / split / "tweet-vclaim-pairs.qrels"), records)


def _records(data: Path) -> list[FactCheck]:
    return list(read_checkthat2020(data / CT2020_T2 / "verified_claims.docs.tsv"))


def _index(
    records: Sequence[FactCheck], cache: Path | None, store: FactCheckStore
) -> FactCheckIndex:
    vectors = embed_cached([r.claim for r in records], cache)
    titles = embed_cached([r.title or r.claim for r in records], cache)
    return FactCheckIndex.build(records, store.generation(), vectors, titles)


def _without(
    matcher: Matcher, records: Sequence[FactCheck], removed: set[str], cache: Path | None
) -> Matcher:
    """A matcher over the same claims less ``removed`` (as if never fact-checked)."""
    kept = [r for r in records if r.id not in removed]
    return Matcher(matcher.store, matcher.reranker, _index(kept, cache, matcher.store))


# --- synthetic negatives: the gold claim, changed in what makes it *that* claim -------------

_DIGITS = re.compile(r"(?<![\w.])(\d+)(?![\w])")
_AUX = re.compile(r"\b(is|are|was|were|has|have|had|will|can|did|does|do)\b( not)?", re.I)


def _change_number(text: str, rng: random.Random) -> str | None:
    found = list(_DIGITS.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    value = int(m.group(1)[:9])
    if 1800 <= value <= 2099 and len(m.group(1)) == 4:
        new = value + rng.choice((-7, -4, -3, 3, 5, 9))
    else:
        new = value * rng.choice((2, 3, 10)) + rng.randint(1, 9)
    return text[: m.start(1)] + str(new) + text[m.end(1) :]


def _flip_negation(text: str, _: random.Random) -> str | None:
    m = _AUX.search(text)
    if not m:
        return None
    replacement = m.group(1) if m.group(2) else f"{m.group(1)} not"
    return text[: m.start()] + replacement + text[m.end() :]


def _swap_name(text: str, rng: random.Random, pool: Sequence[str]) -> str | None:
    names = sorted(n for n in _names(text))
    if not names or not pool:
        return None
    target = rng.choice(names)
    pattern = re.compile(rf"\b{re.escape(target)}\b", re.I)
    other = rng.choice([p for p in pool if p.lower() not in names] or list(pool))
    return pattern.sub(other, text) if pattern.search(text) else None


def changed_golds(lists: Sequence[QueryList], seed: int = 0) -> list[tuple[QueryList, int, str]]:
    """For each list with its gold claim: up to three changed copies of the gold (a number or
    year changed, a negation flipped, a name swapped for another claim's), as ``(list, place
    of the gold, changed text)``: the synthetic negatives of this model and of the
    cross-encoder (:mod:`.claims_crossenc`)."""
    rng = random.Random(seed)
    pool = sorted({n.title() for lst in lists for c in lst.claims for n in _names(c)})
    jobs: list[tuple[QueryList, int, str]] = []
    for lst in lists:
        if 1 not in lst.labels:
            continue
        at = lst.labels.index(1)
        gold = lst.claims[at]
        changes: list[Callable[[str, random.Random], str | None]] = [
            _change_number,
            _flip_negation,
            lambda t, r: _swap_name(t, r, pool),
        ]
        for change in changes:
            new = change(gold, rng)
            if new and new != gold:
                jobs.append((lst, at, new))
    return jobs


def synthetic(lists: Sequence[QueryList], seed: int = 0) -> list[QueryList]:
    """For each list with its gold claim: up to three changed copies of the gold, each put in
    the gold's place (all other candidates unchanged) and labelled negative."""
    from spinlens.factcheck.encoder import encode
    from spinlens.factcheck.match import FEATURES as RETRIEVAL

    jobs = changed_golds(lists, seed)
    if not jobs:
        return []
    changed = encode([new for _, _, new in jobs])
    golds = encode([lst.claims[at] for lst, at, _ in jobs])
    queries = encode([lst.query for lst, _, _ in jobs])
    reranker = shipped_reranker()
    out = []
    from rapidfuzz import fuzz

    for k, (lst, at, new) in enumerate(jobs):
        feats = dict(zip(RETRIEVAL, lst.retrieval[at], strict=True))
        # The cosine moves by what the change did to the claim's vector; text features anew.
        delta = float(queries[k] @ changed[k] - queries[k] @ golds[k])
        for name in ("cosine", "cosine_sentence", "cosine_title", "cosine_gap"):
            feats[name] += delta
        feats["token_set"] = fuzz.token_set_ratio(lst.query, new) / 100.0
        feats["partial"] = fuzz.partial_ratio(new, lst.query) / 100.0
        feats["length_ratio"] = min(len(new), len(lst.query)) / max(len(new), len(lst.query), 1)
        row = tuple(feats[f] for f in RETRIEVAL)
        score = float(reranker.score([row])[0])
        claims, retrieval, scores = list(lst.claims), list(lst.retrieval), list(lst.scores)
        claims[at], retrieval[at], scores[at] = new, row, score
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        labels = [0] * len(order)
        mark = [int(i == at) for i in range(len(order))]
        out.append(
            QueryList(
                lst.qid,
                lst.query,
                [claims[i] for i in order],
                [retrieval[i] for i in order],
                [scores[i] for i in order],
                labels,
                [f"synthetic:{mark[i]}" for i in order],
                lst.raw,
            )
        )
    return out


def matrix(lists: Sequence[QueryList]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and query numbers (for grouped folds) of every candidate."""
    rows, labels, groups = [], [], []
    for g, lst in enumerate(lists):
        if not lst.claims:
            continue
        described = (describe([lst.query])[0], describe(lst.claims))
        rows.append(
            pair_features(lst.query, lst.claims, lst.retrieval, lst.scores, described, lst.raw)
        )
        labels += lst.labels
        groups += [g] * len(lst.claims)
    x = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
    return x, np.asarray(labels), np.asarray(groups)


def _features(lst: QueryList) -> np.ndarray:
    return pair_features(lst.query, lst.claims, lst.retrieval, lst.scores, raw=lst.raw)


def fit(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, log: Callable[[str], None]
) -> SameClaimModel:
    """L2 logistic regression; C by 5-fold grouped cross-validation (log-loss) on train."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    best_c, best_loss = C_GRID[0], float("inf")
    for c in C_GRID:
        losses = []
        for train, held in GroupKFold(5).split(z, y, groups):
            lr = LogisticRegression(C=c, max_iter=5000).fit(z[train], y[train])
            losses.append(log_loss(y[held], lr.predict_proba(z[held])[:, 1], labels=[0, 1]))
        loss = float(np.mean(losses))
        log(f"  C={c:g}: cross-validated log-loss {loss:.4f}")
        if loss < best_loss - 1e-6:
            best_c, best_loss = c, loss
    lr = LogisticRegression(C=best_c, max_iter=5000).fit(z, y)
    return SameClaimModel(
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(lr.coef_[0].tolist()),
        float(lr.intercept_[0]),
        0.5,
    )


@dataclass(frozen=True)
class Decisions:
    precision: float
    recall: float
    reported: int
    gold: int
    absent_rate: float  # share of queries with a match when their gold is not in the database


def decisions(
    model: SameClaimModel,
    full: Sequence[QueryList],
    absent: Sequence[QueryList],
    qrels: Qrels,
    threshold: float,
) -> Decisions:
    """What ``--only-matches`` prints at ``threshold``: pairs' precision and recall, and the
    share of queries still matched with their gold claims removed."""
    return decisions_at(
        [model.probability(_features(lst)) for lst in full if lst.claims],
        [lst.labels for lst in full if lst.claims],
        [model.probability(_features(a)) for a in absent if a.claims],
        sum(len(v) for v in qrels.values()),
        len(absent),
        threshold,
    )


def decisions_at(
    probs: Sequence[np.ndarray],
    labels: Sequence[Sequence[int]],
    absent: Sequence[np.ndarray],
    gold: int,
    queries: int,
    threshold: float,
) -> Decisions:
    """:func:`decisions` from probabilities: ``probs``/``labels`` per query list, ``absent``
    per gold-removed list (``queries`` of them in all, empty ones included)."""
    hits = reported = 0
    for p, lab in zip(probs, labels, strict=True):
        kept = np.asarray(p) >= threshold
        reported += int(kept.sum())
        hits += int(sum(y for y, k in zip(lab, kept, strict=True) if k))
    matched = sum(int((np.asarray(p) >= threshold).any()) for p in absent if len(p))
    return Decisions(
        hits / reported if reported else 1.0,
        hits / gold if gold else 0.0,
        reported,
        gold,
        matched / max(1, queries),
    )


def choose_threshold(
    model: SameClaimModel,
    lists: Sequence[QueryList],
    absent: Sequence[QueryList],
    precision: float = PRECISION,
    absent_rate: float = ABSENT_RATE,
) -> float:
    """The lowest threshold at which the pairs reported for ``lists`` keep ``precision`` and
    at most ``absent_rate`` of the ``absent`` lists (queries whose gold claim is not in the
    database) still get a match: the highest recall that meets both."""
    x, y, _ = matrix(lists)
    best = [float(max(model.probability(_features(a)))) for a in absent if a.claims]
    return threshold_for(model.probability(x), y, best, precision, absent_rate)


def threshold_for(
    p: np.ndarray,
    y: np.ndarray,
    absent_best: Sequence[float],
    precision: float = PRECISION,
    absent_rate: float = ABSENT_RATE,
) -> float:
    """:func:`choose_threshold` from probabilities: ``p``/``y`` of every pair, and the best
    probability of each gold-removed list."""
    best = list(absent_best)
    floor = float(np.quantile(best, 1 - absent_rate, method="higher")) if best else 0.0
    order = np.argsort(-p, kind="stable")
    precision_at = np.cumsum(y[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero((precision_at >= precision) & (p[order] > floor))
    if not len(ok):
        return 1.0
    cut = int(ok.max())
    below = float(p[order[cut + 1]]) if cut + 1 < len(order) else floor
    return round((float(p[order[cut]]) + max(below, floor)) / 2, 4)


# News-style wrappers for the embedded queries: a claim reported inside a longer sentence.
_LEADS = (
    "Officials said on Monday that ",
    "According to the report, ",
    "In a statement, a spokesman said ",
    "Critics noted that ",
    "The newspaper reported that ",
    "",
)
_TAILS = (
    "",
    ", according to local media.",
    ", the agency said.",
    ", as the situation worsened.",
    " shortly after the announcement.",
)


def embedded_queries(
    queries: Sequence[tuple[str, str]], qrels: Qrels, claims: dict[str, str], seed: int = 0
) -> list[tuple[str, str]]:
    """Each query's gold claim as a news sentence would report it (a lead-in, the claim, a
    trailing clause): the analyzer's queries are article sentences, not tweets."""
    rng = random.Random(seed)
    out = []
    for qid, _ in queries:
        gold = sorted(qrels.get(qid, set()) & claims.keys())
        if not gold:
            continue
        claim = claims[gold[0]].strip().rstrip(".")
        lead = rng.choice(_LEADS)
        if lead:
            claim = claim[:1].lower() + claim[1:] if not claim[:2].isupper() else claim
        tail = rng.choice(_TAILS) or "."
        out.append((qid, f"{lead}{claim}{tail}"))
    return out


def collect(data: Path, cache: Path | None, work: Path) -> dict[str, list[QueryList]]:
    """Train and dev lists, with and without their gold claims, and the train gold claims
    embedded in news sentences, with and without (cached as JSON in ``work``)."""
    saved = work / "lists-v2.json"  # v2: gold ids mapped to their indexed twins
    if saved.is_file():
        cached = json.loads(saved.read_text(encoding="utf-8"))
        out = {k: [QueryList(**v) for v in vs] for k, vs in cached.items()}
        if "embedded" in out:
            return out
    else:
        out = {}
    folder = data / CT2020_T2
    with tempfile.TemporaryDirectory() as tmp:
        store = FactCheckStore(Path(tmp) / "fc.sqlite")
        store.upsert(read_checkthat2020(folder / "verified_claims.docs.tsv"))
        every = store.all()
        records = unique_claims(every)
        matcher = Matcher(store, shipped_reranker(), _index(records, cache, store))
        for split in ("train", "dev"):
            queries = read_queries(folder / split / "tweets.queries.tsv")
            qrels = _qrels(data, split, every)
            gold = {c for ids in qrels.values() for c in ids}
            absent = _without(matcher, records, gold, cache)
            if split not in out:
                out[split] = _lists(matcher, queries, qrels)
                out[f"{split}-absent"] = _lists(absent, queries, {})
            if split == "train":
                news = embedded_queries(queries, qrels, matcher.claims)
                out["embedded"] = _lists(matcher, news, qrels)
                out["embedded-absent"] = _lists(absent, news, {})
        store.close()
    work.mkdir(parents=True, exist_ok=True)
    saved.write_text(
        json.dumps({k: [v.__dict__ for v in vs] for k, vs in out.items()}), encoding="utf-8"
    )
    return out


def run(
    data: Path, out: Path, cache: Path | None, work: Path, log: Callable[[str], None] = print
) -> dict[str, Any]:
    lists = collect(data, cache, work)
    train = [*lists["train"], *lists["train-absent"], *lists["embedded"], *lists["embedded-absent"]]
    fake = synthetic(lists["train"])
    log(f"train: {len(lists['train'])} queries, {len(fake)} synthetic lists")
    x, y, groups = matrix([*train, *fake])
    log(f"fitting on {len(y)} pairs ({int(y.sum())} same claim)")
    model = fit(x, y, groups, log)
    every = _records(data)
    dev_qrels = _qrels(data, "dev", every)
    threshold = choose_threshold(model, lists["dev"], lists["dev-absent"])
    model = SameClaimModel(model.mean, model.scale, model.weights, model.bias, threshold)
    dev = decisions(model, lists["dev"], lists["dev-absent"], dev_qrels, threshold)
    train_qrels = _qrels(data, "train", every)
    tr = decisions(model, lists["train"], lists["train-absent"], train_qrels, threshold)
    figures = {
        "threshold": threshold,
        "dev": dev.__dict__,
        "train": tr.__dict__,
    }
    log(json.dumps(figures, indent=2))
    payload = {
        "name": "sameclaim",
        "version": "1",
        "features": list(FEATURES),
        "mean": list(model.mean),
        "scale": list(model.scale),
        "weights": list(model.weights),
        "bias": model.bias,
        "threshold": threshold,
        "data": (
            f"{CT2020_T2} train: top {TOP} candidates of each query with and without the "
            "train gold claims in the database, plus synthetic negatives (number, negation, "
            f"name changed); threshold: lowest keeping dev precision >= {PRECISION} and dev "
            f"matches without gold on <= {ABSENT_RATE:.0%} of queries"
        ),
        "metrics": figures,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return payload


def main(argv: Sequence[str] | None = None) -> None:
    from spinlens.train.output import model_output

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path(".cache/spinlens-claims"))
    parser.add_argument("--work", type=Path, default=Path(".cache/spinlens-claims/sameclaim"))
    args = parser.parse_args(argv)
    run(args.data, model_output(FOLDER, args.out), args.cache, args.work)


if __name__ == "__main__":
    main()
