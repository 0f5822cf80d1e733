"""The shared ONNX sentence encoder: shape, normalisation, order and meaning."""

from __future__ import annotations

import numpy as np

from spinlens.models.encoder import DIM, encode


def test_rows_are_unit_vectors_in_input_order() -> None:
    texts = ["short", "a much longer sentence about troops in Iraq and a drone strike", "short"]
    vectors = encode(texts, batch_size=2)
    assert vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors[0], vectors[2], atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1], atol=1e-2)


def test_padding_barely_changes_an_embedding() -> None:
    # Padding is masked out; int8 dynamic quantization scales activations per batch, so a
    # batch-mate shifts the vector slightly but never its meaning.
    alone = encode(["US forces killed the general in Baghdad."])
    batched = encode(["US forces killed the general in Baghdad.", "x " * 100])
    assert float(alone[0] @ batched[0]) > 0.98


def test_paraphrases_are_closer_than_unrelated_text() -> None:
    a, b, c = encode(
        [
            "The Iraqi parliament voted to expel American troops.",
            "Iraq's lawmakers passed a resolution to remove US forces from the country.",
            "The recipe needs two cups of flour and an egg.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.3


def test_empty_input() -> None:
    assert encode([]).shape == (0, DIM)
