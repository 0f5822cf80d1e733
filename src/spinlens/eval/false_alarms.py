"""False alarms of the whole verdict with every store filled: how often a genuine article is
labelled "unreliable", and how often a fake one is caught.

The style model's ROC-AUC (``eval/verdict.py``) says nothing about what a user sees once the
stores are full: every claim then meets 10k fact-checks and every article meets others like it
in the provenance index. Here the stores are filled from ``../shared/data`` (the 10,375 Snopes
claims of CheckThat! 2020 in the fact-check database; every article of both datasets in the
provenance index, each article's own copy excluded by the trace), and the full default
pipeline runs over the articles (Horne 2017 real vs fake; FakeNewsAMT legit vs fake).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.eval.verdict import AMT, HORNE, Dataset, load

SNOPES = "checkthat2020-task2-verified-claims/verified_claims.docs.tsv"
Progress = Callable[[Iterable[tuple[str, str, int]]], Iterable[tuple[str, str, int]]]


@dataclass
class Labels:
    """Verdict labels of one dataset's genuine and fake articles, and the fact-check matches
    found in the genuine ones (each one a false alarm of the matcher as well)."""

    name: str
    genuine: Counter[str] = field(default_factory=Counter)
    fake: Counter[str] = field(default_factory=Counter)
    genuine_matched: int = 0

    def share(self, counts: Counter[str], label: str) -> float:
        total = sum(counts.values())
        return counts[label] / total if total else 0.0

    def line(self) -> str:
        g, f = sum(self.genuine.values()), sum(self.fake.values())
        return (
            f"{self.name}: genuine unreliable {self.share(self.genuine, 'unreliable'):.1%} "
            f"({self.genuine['unreliable']}/{g}), mixed {self.share(self.genuine, 'mixed'):.1%}; "
            f"fake caught (unreliable) {self.share(self.fake, 'unreliable'):.1%} "
            f"({self.fake['unreliable']}/{f}), mixed {self.share(self.fake, 'mixed'):.1%}; "
            f"genuine articles with a fact-check match {self.genuine_matched}/{g}"
        )


def sample(dataset: Dataset, per_class: int, seed: int = 0) -> list[tuple[str, str, int]]:
    """``(id, text, label)`` of the dataset, or ``per_class`` of each class (seeded)."""
    rows = [
        (f"{dataset.name}:{i}", t, y)
        for i, (t, y) in enumerate(zip(dataset.texts, dataset.labels, strict=True))
    ]
    if per_class <= 0:
        return rows
    rng = random.Random(seed)
    out = []
    for label in (0, 1):
        members = [r for r in rows if r[2] == label]
        out += rng.sample(members, min(per_class, len(members)))
    return out


def fill_stores(data: Path, work: Path, articles: Sequence[tuple[str, str, int]]) -> Settings:
    """The fact-check database (Snopes claims) and the provenance index (``articles``) in
    ``work``; settings that point the pipeline at them (source lists absent: these articles
    have no URL)."""
    from spinlens.factcheck.importers import read_checkthat2020
    from spinlens.factcheck.index import open_index
    from spinlens.factcheck.store import FactCheckStore
    from spinlens.provenance.ingest import entry_for
    from spinlens.provenance.store import Store

    work.mkdir(parents=True, exist_ok=True)
    db, index = work / "factchecks.sqlite", work / "index.sqlite"
    with FactCheckStore(db) as store:
        if not store.count():
            store.upsert(read_checkthat2020(data / SNOPES))
        open_index(store)
    with Store(index) as store:
        if store.count() < len(articles):
            docs = [Document.from_text(t, id=i, language="en") for i, t, _ in articles]
            store.add([entry_for(d, store.params) for d in docs])
    return Settings(paths=Paths(factcheck_db=db, index=index, sources_db=work / "sources.sqlite"))


def false_alarms(
    data: Path, work: Path, per_class: int = 0, progress: Progress = iter
) -> list[Labels]:
    """Verdict labels per dataset with every store filled; ``per_class`` > 0 samples that
    many genuine and fake articles per dataset (the index still holds all of them)."""
    from spinlens.pipeline import Pipeline

    sets = [load(data, name) for name in (HORNE, AMT)]
    everything = [row for d in sets for row in sample(d, 0)]
    settings = fill_stores(data, work, everything)
    chosen = [row for d in sets for row in sample(d, per_class)]
    results = {d.name: Labels(d.name) for d in sets}
    pipeline = Pipeline(settings=settings)
    try:
        for doc_id, text, label in progress(chosen):
            report = pipeline.run(Document.from_text(text, id=doc_id, language="en"))
            verdict = report.verdict.label if report.verdict else "none"
            figures = results[doc_id.split(":", 1)[0]]
            (figures.fake if label else figures.genuine)[verdict] += 1
            if not label and any(attrs.matches for _, attrs in report.claims()):
                figures.genuine_matched += 1
    finally:
        pipeline.close()
    return list(results.values())
