"""Quality floors on the CheckThat! data (in tests/quality_floors.toml; figures in
docs/claims.md)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from spinlens.analyzers.claims.model import shipped_model
from spinlens.eval.claims import (
    CT2019,
    CT2020_T2,
    CT2024,
    load_ct2019,
    load_ct2024,
    map_at,
    read_qrels,
    read_queries,
    score_sets,
)
from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.match import Matcher
from spinlens.factcheck.store import FactCheckStore
from tests.conftest import shared_dataset
from tests.floors import floor


@pytest.mark.quality
def test_checkworthiness_2024_dev_test_floor() -> None:
    data = shared_dataset(CT2024).parent
    model = shipped_model()
    figures = score_sets(
        "dev-test", [load_ct2024(data, "dev-test")], lambda t: model.predict(t).tolist()
    )
    assert figures.f1 >= floor("claims.dev_test_f1"), figures.line()
    assert figures.map >= floor("claims.dev_test_map"), figures.line()


@pytest.mark.quality
def test_checkworthiness_2019_heldout_floor() -> None:
    data = shared_dataset(CT2019).parent
    model = shipped_model()
    held = load_ct2019(data, held_out=True)
    figures = score_sets("2019 held-out", held.values(), lambda t: model.predict(t).tolist())
    assert figures.map >= floor("claims.heldout_2019_map"), figures.line()


@pytest.mark.slow
def test_matching_2020_dev_floor() -> None:
    folder = shared_dataset(CT2020_T2)
    queries = read_queries(folder / "dev" / "tweets.queries.tsv")
    qrels = read_qrels(folder / "dev" / "tweet-vclaim-pairs.qrels")
    with tempfile.TemporaryDirectory() as tmp, FactCheckStore(Path(tmp) / "fc.sqlite") as store:
        store.upsert(read_checkthat2020(folder / "verified_claims.docs.tsv"))
        ranked = Matcher(store).rank([t for _, t in queries], top=5)
    run = {
        qid: [c.claim_id for c in cands] for (qid, _), cands in zip(queries, ranked, strict=True)
    }
    assert map_at(run, qrels, 5) >= floor("claims.matching_2020_dev_map5")
