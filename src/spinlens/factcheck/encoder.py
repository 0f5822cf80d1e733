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

from spinlens.models.encoder import DIM, mean_pooled
from spinlens.models.runtime import load_session, load_tokenizer, model_dir

MODEL = "claim-reranker"
__all__ = ["DIM", "Matrix", "encode", "folder", "use_folder"]

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

    The encoder quantizes activations per batch, so a text's vector can move slightly with
    its batch companions.
    """
    session, tokenizer = _model()
    return mean_pooled(session, tokenizer, texts, batch_size)
