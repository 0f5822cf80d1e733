"""The matching encoder: all-MiniLM-L6-v2 fine-tuned on CheckThat! 2020 task 2 train pairs
(tweet -> verified claim), int8 ONNX in ``models/data/claim-reranker/``.

Queries, claims and headlines are all embedded with it, so the fact-check index and the
queries share one vector space; it is separate from the shared sentence encoder
(:mod:`spinlens.models.encoder`), which the check-worthiness model uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinlens.models.runtime import load_session, load_tokenizer, model_dir

MODEL = "claim-reranker"
DIM = 384

Matrix = npt.NDArray[np.float32]


_folder: Path | None = None


def use_folder(folder: Path | None) -> None:
    """Load the encoder from ``folder`` instead of the shipped one (training writes a new one
    elsewhere and evaluates it); None goes back to the shipped model."""
    global _folder
    _folder = folder
    _model.cache_clear()


def folder() -> Path:
    return _folder or model_dir(MODEL)


@lru_cache(maxsize=1)
def _model() -> tuple[Any, Any]:
    folder_ = folder()
    return (
        load_session(str(folder_ / "encoder.onnx")),
        load_tokenizer(str(folder_ / "tokenizer.json")),
    )


def encode(texts: Sequence[str], batch_size: int = 8) -> Matrix:
    """L2-normalised mean-pooled rows of shape ``(len(texts), 384)``, input order kept.

    Texts are sorted by length before batching so padding stays small. The encoder quantizes
    activations per batch, so a text's vector can move slightly with its batch companions.
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    session, tokenizer = _model()
    encodings = tokenizer.encode_batch([t or " " for t in texts])
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        width = max(len(encodings[i].ids) for i in chunk)
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        mask = np.zeros((len(chunk), width), dtype=np.int64)
        for row, i in enumerate(chunk):
            n = len(encodings[i].ids)
            ids[row, :n] = encodings[i].ids
            mask[row, :n] = 1
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[chunk] = pooled / np.maximum(norms, 1e-12)
    return out
