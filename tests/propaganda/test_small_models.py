"""The small linear models: the paragraph model's dense (sentence embedding) part and the span
features' context words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import features as F
from spinlens.analyzers.propaganda.model import LinearModel, load_bundle
from spinlens.analyzers.propaganda.paragraphs import paragraph_labels
from spinlens.models.encoder import DIM, encode


def _model(tmp_path: Path, dense: bool, direction: np.ndarray | None = None) -> LinearModel:
    labels = np.array(["A", "B"])
    extra: dict[str, Any] = {}
    if dense:
        dense_coef = np.zeros((2, DIM), dtype=np.float32)
        # label B fires on texts whose embedding points along ``direction`` (default: all ones)
        dense_coef[1] = 5.0 * (direction if direction is not None else 1.0)
        extra = {"dense_coef": dense_coef, "dense_weight": np.float32(2.0)}
    path = tmp_path / ("dense.npz" if dense else "sparse.npz")
    np.savez(
        path,
        coef=np.zeros((2, F.DIMS), dtype=np.float16),
        bias=np.array([-1.0, 0.0], dtype=np.float32),  # label A never fires
        labels=labels,
        threshold=np.float32(0.5),
        **extra,
    )
    return LinearModel(path)


def test_dense_part_adds_weighted_embedding_scores(tmp_path: Path) -> None:
    sparse, dense = _model(tmp_path, False), _model(tmp_path, True)
    row = F.paragraph_features("The regime's puppets lied again.")
    emb = np.linspace(-1.0, 1.0, DIM, dtype=np.float32)
    assert sparse.dense_coef is None
    np.testing.assert_allclose(sparse.scores(row, emb), [-1.0, 0.0])
    # without an embedding the dense part is skipped; with one it adds weight * coef @ emb
    np.testing.assert_allclose(dense.scores(row), [-1.0, 0.0])
    want = 2.0 * 5.0 * float(emb.sum())
    np.testing.assert_allclose(dense.scores(row, emb), [-1.0, want], rtol=1e-5, atol=1e-4)


def test_paragraph_labels_embed_each_line(tmp_path: Path) -> None:
    text = "First line here.\n\nSecond line, after a blank one.\n"
    first, second = encode(["First line here.", "Second line, after a blank one."])
    model = _model(tmp_path, True, first - second)  # B on the first line, not the second
    got = paragraph_labels(model, text)
    assert [(n, text[a:b]) for n, a, b, _ in got] == [
        (1, "First line here."),
        (3, "Second line, after a blank one."),
    ]
    assert [labels for _, _, _, labels in got] == [["B"], []]


def test_shipped_paragraph_model_has_its_dense_part() -> None:
    model = load_bundle().paragraph_classifier
    assert model is not None and model.dense_coef is not None
    assert model.dense_coef.shape == (len(model.labels), DIM)


def test_span_features_see_the_words_around_the_span() -> None:
    line = "They called him a traitor to the nation yesterday."
    start = line.index("a traitor")
    end = start + len("a traitor")
    bare = F.span_features(line[start:end], line, line)
    ctx = F.span_features(line[start:end], line, line, line[:start], line[end:])
    other = F.span_features(line[start:end], line, line, "We never said", "at all")
    assert set(bare[0]) < set(ctx[0])
    assert set(ctx[0]) != set(other[0])


def test_topic_folds_hold_out_whole_clusters_of_similar_articles() -> None:
    import numpy as np

    from spinlens.train.propaganda_linear import topic_folds

    rng = np.random.default_rng(0)
    ids = [f"a{i}" for i in range(12)]
    centre = {a: (np.eye(4)[i % 3] * 5) for i, a in enumerate(ids)}  # three topics
    arts = np.array([a for a in ids for _ in range(3)])  # three lines per article
    vectors = np.stack([centre[a] + rng.normal(0, 0.1, 4) for a in arts])
    folds = topic_folds(vectors, arts, ids, 3)
    assert sorted(sorted(f) for f in folds) == sorted(
        sorted(a for j, a in enumerate(ids) if j % 3 == t) for t in range(3)
    )


def test_per_label_thresholds_drop_a_label_that_is_never_right() -> None:
    import numpy as np

    from spinlens.analyzers.propaganda.taxonomy import S2023_LABELS
    from spinlens.train.propaganda_linear import NEVER, per_label_thresholds

    good, bad = S2023_LABELS.index("Loaded_Language"), S2023_LABELS.index("Conversation_Killer")
    rng = np.random.default_rng(0)
    gold = [{"Loaded_Language"} if i % 2 else set() for i in range(200)]
    oof = np.zeros((200, len(S2023_LABELS)))
    oof[:, good] = [0.7 if g else 0.2 for g in gold] + rng.normal(0, 0.05, 200)
    oof[:, bad] = 0.9  # confidently predicted everywhere, never in the gold
    th = per_label_thresholds(oof, gold, 0.15)
    assert th[bad] == NEVER
    assert 0.2 < th[good] <= 0.7
