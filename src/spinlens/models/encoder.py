"""The shared offline sentence encoder: int8 ONNX all-MiniLM-L6-v2 with numpy pooling.

Every analyzer that needs sentence embeddings uses :func:`encode`; the model loads once per
process (``spinlens.models.runtime`` caches the session). No torch at run time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.deadline import check as check_deadline
from spinlens.models.runtime import load_card, load_session, load_tokenizer, model_dir

MODEL = "minilm"
DIM = 384

Matrix = npt.NDArray[np.float32]


@lru_cache(maxsize=1)
def _model() -> tuple[Any, Any]:
    folder = model_dir(MODEL)
    return load_session(str(folder / "model.onnx")), load_tokenizer(str(folder / "tokenizer.json"))


def card() -> dict[str, Any]:
    """Model metadata for reports."""
    return load_card(MODEL)


def encode(texts: Sequence[str], batch_size: int = 8) -> Matrix:
    """Embed ``texts`` as L2-normalised rows of shape ``(len(texts), 384)``.

    Texts are sorted by length before batching so padding stays small; the output keeps the
    input order. Small batches cost least CPU here (measured on news sentences: 3.3 ms per
    sentence at 8, 5.2 ms at 32, 6.6 ms at 64, one thread). Inputs longer than the card's
    ``max_length`` word pieces are truncated.
    """
    session, tokenizer = _model()
    return mean_pooled(session, tokenizer, texts, batch_size)


def mean_pooled(session: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 8) -> Matrix:
    """L2-normalised mean pooling of a MiniLM-shaped ONNX encoder's token states, input order
    kept; shared by every sentence encoder spinlens ships."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for chunk, ids, mask in length_batches(tokenizer, texts, batch_size):
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        out[chunk] = _mean_pool(hidden, mask)
    return out


def length_batches(
    tokenizer: Any, texts: Sequence[str], batch_size: int
) -> Iterator[tuple[list[int], npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """``(positions, input_ids, attention_mask)`` for batches of texts of similar length, so
    padding stays small; positions say where each row goes in the caller's output."""
    if not texts:
        return
    encodings = tokenizer.encode_batch([t or " " for t in texts])
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), batch_size):
        check_deadline()  # between batches: a cancelled server request stops here
        chunk = order[start : start + batch_size]
        width = max(len(encodings[i].ids) for i in chunk)
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        mask = np.zeros((len(chunk), width), dtype=np.int64)
        for row, i in enumerate(chunk):
            n = len(encodings[i].ids)
            ids[row, :n] = encodings[i].ids
            mask[row, :n] = 1
        yield chunk, ids, mask


def _mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Matrix:
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    normed: Matrix = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return normed
