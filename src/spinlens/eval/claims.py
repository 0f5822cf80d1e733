"""CheckThat! splits and scorers for check-worthiness and fact-check matching.

Splits used everywhere (training excludes every evaluation sentence by normalised text):

- 2024 English: ``train`` for training, ``dev`` for Platt calibration and model choice,
  ``dev-test`` reported as the held-out figure.
- 2019: the transcripts in :data:`HELDOUT_2019` are held out (MAP, P@10 per transcript, mean);
  the other 15 may be used for training.
- 2020 task 2: ``train`` pairs train the reranker; ``dev`` queries give MAP@1/@5.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spinlens.analyzers.claims.formats import Sentence, parse_sentences
from spinlens.errors import MissingDependencyError

if TYPE_CHECKING:
    from spinlens.factcheck.match import Matcher
    from spinlens.factcheck.store import FactCheck

CT2019 = "checkthat2019-task1-checkworthiness"
CT2024 = "checkthat2024-task1-checkworthiness-en"
CT2020_T2 = "checkthat2020-task2-verified-claims"

HELDOUT_2019 = (
    "20160926_1pres",
    "20160414_9dem",
    "20170228_trump_address",
    "20180916_trump_miami",
)

_KEY = re.compile(r"[^a-z0-9]+")


def text_key(text: str) -> str:
    """Normalised text used to deduplicate sentences across datasets."""
    return _KEY.sub(" ", text.lower()).strip()


def _require(path: Path) -> Path:
    if not path.exists():
        raise MissingDependencyError(f"dataset not found: {path} (pass --data ../shared/data)")
    return path


def load_ct2024(data: Path, split: str) -> list[Sentence]:
    """One CT24 English split; repairs the train line that joins two records."""
    path = _require(data / CT2024 / f"CT24_checkworthy_english_{split}.tsv")
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        # One train line lost its newline: "id, text, No<id>, text, No".
        if len(cells) == 5 and (m := re.fullmatch(r"(Yes|No)(\d+)", cells[2])):
            lines += ["\t".join([*cells[:2], m[1]]), "\t".join([m[2], *cells[3:]])]
        else:
            lines.append(line)
    return parse_sentences("\n".join(lines) + "\n", str(path))


def load_ct2019(data: Path, held_out: bool) -> dict[str, list[Sentence]]:
    """2019 transcripts by name: the held-out ones, or the rest."""
    folder = _require(data / CT2019 / "training")
    out: dict[str, list[Sentence]] = {}
    for path in sorted(folder.glob("*.tsv")):
        if (path.stem in HELDOUT_2019) == held_out:
            out[path.stem] = parse_sentences(path.read_text(encoding="utf-8"), str(path))
    return out


def average_precision(
    labels: Sequence[int], scores: Sequence[float], k: int | None = None
) -> float:
    """AP of a ranking by descending score (ties keep input order); AP@k when ``k`` is set.

    AP@k divides by min(k, positives), the CheckThat! 2020 task 2 convention.
    """
    ranked = sorted(range(len(labels)), key=lambda i: -scores[i])
    positives = sum(1 for v in labels if v)
    if positives == 0:
        return 0.0
    hits, total = 0, 0.0
    for rank, i in enumerate(ranked[:k] if k else ranked, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / (min(k, positives) if k else positives)


def precision_at(labels: Sequence[int], scores: Sequence[float], k: int) -> float:
    ranked = sorted(range(len(labels)), key=lambda i: -scores[i])[:k]
    return sum(labels[i] for i in ranked) / k


def f1_positive(labels: Sequence[int], scores: Sequence[float], threshold: float = 0.5) -> float:
    tp = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= threshold)
    fp = sum(1 for y, s in zip(labels, scores, strict=True) if not y and s >= threshold)
    fn = sum(1 for y, s in zip(labels, scores, strict=True) if y and s < threshold)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@dataclass(frozen=True)
class CheckworthyFigures:
    name: str
    n: int
    map: float
    p10: float
    f1: float

    def line(self) -> str:
        return (
            f"{self.name:<28} n={self.n:<6} MAP={self.map:.4f}  P@10={self.p10:.4f}  "
            f"F1(pos,>=0.5)={self.f1:.4f}"
        )


Scorer = Callable[[Sequence[str]], Sequence[float]]


def score_sets(name: str, sets: Iterable[Sequence[Sentence]], scorer: Scorer) -> CheckworthyFigures:
    """MAP and P@10 averaged over the given rankings; F1 over all their sentences."""
    aps, p10s, labels, scores = [], [], [], []
    for sentences in sets:
        gold = [s.label or 0 for s in sentences]
        predicted = [float(v) for v in scorer([s.text for s in sentences])]
        aps.append(average_precision(gold, predicted))
        p10s.append(precision_at(gold, predicted, 10))
        labels += gold
        scores += predicted
    return CheckworthyFigures(
        name, len(labels), sum(aps) / len(aps), sum(p10s) / len(p10s), f1_positive(labels, scores)
    )


def evaluate_checkworthy(data: Path, scorer: Scorer) -> list[CheckworthyFigures]:
    """The figures the issue asks for, one line per split."""
    held = load_ct2019(data, held_out=True)
    return [
        score_sets(f"2019 held-out ({len(held)} transcripts)", held.values(), scorer),
        score_sets("2024 dev", [load_ct2024(data, "dev")], scorer),
        score_sets("2024 dev-test", [load_ct2024(data, "dev-test")], scorer),
    ]


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``id<TAB>text`` lines; a header line (first cell not an id seen as data) is skipped."""
    from spinlens.factcheck.queries import parse_queries

    return parse_queries(_require(path).read_text(encoding="utf-8"), str(path))


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels ``qid 0 docid rel`` (tab or space separated) -> relevant doc ids per query."""
    out: dict[str, set[str]] = {}
    with _require(path).open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            cells = row if len(row) >= 4 else " ".join(row).split()
            if len(cells) >= 4 and cells[3].strip() not in {"", "0"}:
                out.setdefault(cells[0].strip(), set()).add(cells[2].strip())
    return out


def indexed_qrels(
    qrels: Mapping[str, set[str]], records: Sequence[FactCheck]
) -> dict[str, set[str]]:
    """The gold ids as the index knows them. The index holds one record per distinct claim
    text (the first, ``factcheck.index.unique_claims``); a gold claim stored twice under
    another id may be the copy left out, and its indexed twin would then be a "wrong"
    candidate with the gold's very text, and stay in the database when the gold claims are
    removed."""
    from spinlens.factcheck.index import claim_key, unique_claims

    text = {r.id: r.claim for r in records}
    kept = {claim_key(r.claim): r.id for r in unique_claims(records)}
    return {
        qid: {kept.get(claim_key(text[g]), g) if g in text else g for g in golds}
        for qid, golds in qrels.items()
    }


def map_at(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int) -> float:
    """Mean AP@k over the queries in ``qrels`` (a query missing from ``run`` scores 0)."""
    total = 0.0
    for qid, relevant in qrels.items():
        ranked = list(run.get(qid, ()))[:k]
        labels = [1 if d in relevant else 0 for d in ranked]
        hits, ap = 0, 0.0
        for rank, hit in enumerate(labels, start=1):
            if hit:
                hits += 1
                ap += hits / rank
        total += ap / min(k, len(relevant))
    return total / max(1, len(qrels))


@dataclass(frozen=True)
class MatchDecisions:
    """What ``factcheck match --only-matches`` prints, scored against the qrels.

    ``absent_matched``: queries that still get a match when their gold claims are removed
    from the database (each such match is a false alarm: the claim was never checked).
    """

    queries: int
    gold: int
    reported: int
    correct: int
    absent_matched: int

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def absent_rate(self) -> float:
        return self.absent_matched / self.queries if self.queries else 0.0

    def line(self) -> str:
        return (
            f"precision={self.precision:.4f} ({self.correct}/{self.reported})  "
            f"recall={self.recall:.4f} ({self.correct}/{self.gold})  "
            f"gold removed: matches on {self.absent_rate:.1%} of queries "
            f"({self.absent_matched}/{self.queries})"
        )


def reported_pairs(
    matcher: Matcher, queries: Sequence[tuple[str, str]], top: int = 5
) -> dict[str, list[str]]:
    """The claim ids ``--only-matches`` prints per query (same model, same threshold)."""
    from spinlens.factcheck.sameclaim import shipped_sameclaim

    threshold = shipped_sameclaim().threshold
    found = matcher.match([t for _, t in queries], top=top, same_claim=threshold)
    return {
        qid: [m.record.id for m in matches]
        for (qid, _), matches in zip(queries, found, strict=True)
    }


def without_claims(matcher: Matcher, removed: set[str]) -> Matcher:
    """The same matcher over its index less ``removed`` (vectors reused, BM25 rebuilt), as if
    those claims had never been fact-checked."""
    from spinlens.factcheck.index import FactCheckIndex
    from spinlens.factcheck.match import Matcher

    index = matcher.index
    rows = [i for i, claim_id in enumerate(index.ids) if claim_id not in removed]
    records = matcher.store.get(index.ids[i] for i in rows)
    kept = [records[index.ids[i]] for i in rows]
    reduced = FactCheckIndex.build(
        kept, index.generation, index.vectors[rows], index.titles[rows], ivf=False
    )
    return Matcher(matcher.store, matcher.reranker, reduced, matcher.depth)


def match_decisions(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: Mapping[str, set[str]]
) -> MatchDecisions:
    """Precision and recall of the reported pairs, and the false-alarm rate with the queries'
    gold claims removed from the database."""
    run = reported_pairs(matcher, queries)
    reported = sum(len(ids) for ids in run.values())
    correct = sum(1 for qid, ids in run.items() for i in ids if i in qrels.get(qid, set()))
    gold = {c for ids in qrels.values() for c in ids}
    absent = reported_pairs(without_claims(matcher, gold), queries)
    return MatchDecisions(
        len(queries),
        sum(len(v) for v in qrels.values()),
        reported,
        correct,
        sum(1 for ids in absent.values() if ids),
    )
