"""Matching internals: the inverted-list dense search and per-query encoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spinlens.factcheck.index import FactCheckIndex, kmeans
from spinlens.factcheck.match import Matcher, embed_queries
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.models.encoder import DIM


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _records(n: int) -> list[FactCheck]:
    return [FactCheck(id=f"fc-{i}", claim=f"claim {i} about topic {i % 7}") for i in range(n)]


def test_kmeans_assigns_every_row_to_its_closest_centroid() -> None:
    vectors = _unit(900, 1)
    centroids, assign = kmeans(vectors)
    assert len(centroids) == 30
    assert np.array_equal(assign, (vectors @ centroids.T).argmax(axis=1))
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0, atol=1e-5)


def test_inverted_lists_find_each_stored_vector_first(tmp_path: Path) -> None:
    records, vectors = _records(900), _unit(900, 2)
    index = FactCheckIndex.build(records, 0, vectors, vectors.copy(), ivf=True)
    assert index.centroids is not None and index.offsets is not None
    assert index.offsets[0] == 0 and index.offsets[-1] == 900
    # Rows were reordered list by list: ids and vectors must still belong together.
    by_id = {r.id: v for r, v in zip(records, vectors, strict=True)}
    assert all(np.array_equal(by_id[i], v) for i, v in zip(index.ids, index.vectors, strict=True))
    for row in (0, 17, 450, 899):
        top = index.dense_top(index.vectors[row][None, :], 5)
        assert top[0] == row
    index.save(tmp_path / "idx")
    loaded = FactCheckIndex.load(tmp_path / "idx")
    assert loaded is not None and loaded.centroids is not None
    assert loaded.ids == index.ids
    assert np.array_equal(loaded.offsets, index.offsets)


def test_exact_and_inverted_search_agree_on_the_nearest_claim(tmp_path: Path) -> None:
    records, vectors = _records(600), _unit(600, 3)
    exact = FactCheckIndex.build(records, 0, vectors, vectors.copy(), ivf=False)
    assert exact.centroids is None
    lists = FactCheckIndex.build(records, 0, vectors, vectors.copy(), ivf=True)
    noisy = vectors[[5, 250, 599]] + 0.01 * _unit(3, 4)
    for query in noisy:
        want = exact.ids[int(exact.dense_top(query[None, :], 1)[0])]
        assert lists.ids[int(lists.dense_top(query[None, :], 1)[0])] == want


def test_a_query_is_encoded_the_same_alone_or_with_others() -> None:
    query = "Obama freed 122 Guantanamo detainees who went back to terrorism."
    other = "Drinking bleach cures the virus. Doctors at the city hospital confirmed it."
    alone = embed_queries([query])
    together = embed_queries([other, query])
    assert np.array_equal(alone.whole[0], together.whole[1])
    assert len(alone.sentences[0]) == 0  # one sentence: not encoded twice
    assert len(together.sentences[0]) == 2


def test_matcher_over_inverted_lists_ranks_the_paraphrased_claim_first(tmp_path: Path) -> None:
    claims = [
        "Barack Obama released 122 Guantanamo detainees who returned to terrorism.",
        "Drinking bleach cures the coronavirus.",
        "The Eiffel Tower will be dismantled in 2025.",
    ]
    records = [FactCheck(id=f"real-{i}", claim=c) for i, c in enumerate(claims)]
    records += _records(200)
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        store.upsert(records)
        index = FactCheckIndex.build(store.all(), store.generation(), ivf=True)
        matcher = Matcher(store, index=index)
        ranked = matcher.rank(["Is it true that bleach can cure covid-19?"], top=3)
    assert ranked[0][0].claim_id == "real-1"


def test_matching_encoder_puts_a_paraphrase_closer_than_another_claim() -> None:
    from spinlens.factcheck.encoder import encode

    tweet, same, other = encode(
        [
            "Wow, Obama let 122 Gitmo prisoners go and they went right back to terror!",
            "122 detainees released from Guantanamo Bay under Obama re-engaged in terrorism.",
            "Drinking bleach cures the coronavirus.",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (tweet, same, other)], 1.0, atol=1e-4)
    assert float(tweet @ same) > float(tweet @ other) + 0.2


def test_an_empty_store_matches_nothing(tmp_path: Path) -> None:
    with FactCheckStore(tmp_path / "fc.sqlite") as store:
        assert Matcher(store).match(["Drinking bleach cures the coronavirus."]) == [[]]
