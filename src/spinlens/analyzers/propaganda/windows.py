"""Tokenize a long article once and cut it into overlapping model windows.

Shared by training (torch) and inference (onnxruntime) so both see exactly the same inputs.
Offsets come from the ``tokenizers`` alignment, so they index the original text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

WINDOW = 256  # model input length including [CLS] and [SEP]
STRIDE = 224  # tokens between window starts: 32 tokens of overlap give context at the seams


@dataclass(frozen=True, slots=True)
class Encoded:
    ids: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]  # (n, 2) character offsets into the text


def prepare(tokenizer: Any) -> Any:
    """The shipped tokenizer.json may carry truncation/padding settings: windows need neither."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer: Any, text: str) -> Encoded:
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    return Encoded(ids, offsets)


def windows(n_tokens: int, size: int = WINDOW - 2, stride: int = STRIDE) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` covering ``0..n_tokens``; the last one is aligned to the end."""
    if n_tokens <= size:
        return [(0, n_tokens)] if n_tokens else []
    out = [(a, a + size) for a in range(0, n_tokens - size, stride)]
    out.append((n_tokens - size, n_tokens))
    return out


def batch_inputs(
    ids: npt.NDArray[np.int64], ranges: list[tuple[int, int]], cls_id: int, sep_id: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Padded ``input_ids`` and ``attention_mask`` for windows ``ranges`` (with CLS/SEP)."""
    width = max(b - a for a, b in ranges) + 2
    input_ids = np.zeros((len(ranges), width), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, (a, b) in enumerate(ranges):
        n = b - a
        input_ids[row, 0] = cls_id
        input_ids[row, 1 : n + 1] = ids[a:b]
        input_ids[row, n + 1] = sep_id
        mask[row, : n + 2] = 1
    return input_ids, mask


def run_windows(
    run: Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64]], Any],
    ids: npt.NDArray[np.int64],
    ranges: list[tuple[int, int]],
    cls_id: int,
    sep_id: int,
    batch: int = 8,
    between: Callable[[], object] | None = None,
) -> npt.NDArray[np.float32]:
    """``run(input_ids, attention_mask)`` over the windows ``ranges``, ``batch`` at a time,
    stitched back onto the text's tokens; ``between`` is called before each batch (the
    analyzer checks its deadline there). Shared by the analyzer and the experiments that read
    the same windows."""
    parts = []
    for i in range(0, len(ranges), batch):
        if between is not None:
            between()
        out = np.asarray(run(*batch_inputs(ids, ranges[i : i + batch], cls_id, sep_id)))
        pad = WINDOW - out.shape[1]
        parts.append(np.pad(out, ((0, 0), (0, pad), (0, 0))) if pad else out)
    return stitch(np.concatenate(parts).astype(np.float32), ranges, len(ids))


def stitch(
    probs: npt.NDArray[np.float32], ranges: list[tuple[int, int]], n_tokens: int
) -> npt.NDArray[np.float32]:
    """Average per-token outputs of overlapping windows back onto the article's tokens.

    ``probs`` is (windows, width, k) including the [CLS] position at index 0.
    """
    k = probs.shape[-1]
    total = np.zeros((n_tokens, k), dtype=np.float32)
    count = np.zeros((n_tokens, 1), dtype=np.float32)
    for row, (a, b) in enumerate(ranges):
        total[a:b] += probs[row, 1 : b - a + 1]
        count[a:b] += 1
    return (total / np.maximum(count, 1)).astype(np.float32)


def token_labels(
    offsets: npt.NDArray[np.int64], spans: list[tuple[int, int, int]], n_labels: int
) -> npt.NDArray[np.float32]:
    """Multi-hot (n_tokens, n_labels): label j is on where the token overlaps a span of class j."""
    y = np.zeros((len(offsets), n_labels), dtype=np.float32)
    if not len(offsets):
        return y
    starts, ends = offsets[:, 0], offsets[:, 1]
    for start, end, label in spans:
        y[(starts < end) & (ends > start), label] = 1.0
    return y
