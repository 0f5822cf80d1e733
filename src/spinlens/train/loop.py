"""The mini-batch recipe every fine-tuned MiniLM classifier here is trained with.

Check-worthiness (fine-tune and distil), the same-claim cross-encoder and the paragraph
classifier share it: length-sorted batch pools, AdamW with warm-up and linear decay,
gradient clipping, a running loss in the log. Each caller supplies only its loss. The
propaganda span tagger keeps its own loop (windows of fixed length, a per-token loss).
``device`` lets the same code train on a GPU when one is lent (``cuda``); CPU by default.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Loss = Callable[[Any, list[int]], Any]  # (logits of a batch, its row indices) -> scalar loss


@dataclass
class Recipe:
    """What :func:`optimizer_for` and :func:`fit_epochs` read; each model's config extends it
    with its own defaults and fields."""

    epochs: int = 2
    batch_size: int = 16
    lr: float = 5e-5  # encoder (1e-4 collapsed the propaganda tagger to a constant)
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    frozen_layers: int = 1  # embeddings and the lowest N layers stay fixed (less compute)
    max_length: int = 128
    seed: int = 13
    threads: int = 1


def optimizer_for(model: Any, cfg: Any, n_train: int) -> tuple[Any, Any]:
    """AdamW with linear warm-up and decay, embeddings and the lowest ``cfg.frozen_layers``
    layers fixed, no weight decay on biases and LayerNorm, the head at ``cfg.head_lr``."""
    import torch

    encoder = model.encoder
    for p in encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer[: cfg.frozen_layers]:
        for p in layer.parameters():
            p.requires_grad = False
    decay: list[Any] = []
    no_decay: list[Any] = []
    for name, p in encoder.named_parameters():
        if p.requires_grad:
            (no_decay if "bias" in name or "LayerNorm" in name else decay).append(p)
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "lr": cfg.lr, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "lr": cfg.lr, "weight_decay": 0.0},
            {"params": model.head.parameters(), "lr": cfg.head_lr, "weight_decay": 0.0},
        ]
    )
    steps_per_epoch = math.ceil(n_train / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))

    def schedule(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    return optimizer, scheduler


def batches(
    encoded: Sequence[list[int]], batch_size: int, rng: random.Random | None
) -> list[list[int]]:
    """Row indices per batch: shuffled pools of 50 batches, sorted by length inside a pool
    (``rng`` None: one pass sorted by length, for prediction)."""
    order = list(range(len(encoded)))
    if rng is None:
        order.sort(key=lambda i: len(encoded[i]))
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(order)
    pool = batch_size * 50
    out: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(encoded[i]))
        out += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def pad(rows: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return ids, mask


def fit_epochs(
    model: Any,
    encoded: Sequence[list[int]],
    cfg: Any,
    loss_of: Loss,
    *,
    rng: random.Random,
    after_epoch: Callable[[int], None] | None = None,
    log: Callable[[str], None] = print,
    every: int = 100,
    device: str = "cpu",
) -> None:
    """Train ``model`` (already built, its optimizer not yet) for ``cfg.epochs`` epochs over
    ``encoded`` rows; ``after_epoch(epoch)`` runs after each (checkpoints, dev figures)."""
    import torch

    model.to(device)
    optimizer, scheduler = optimizer_for(model, cfg, len(encoded))
    steps = math.ceil(len(encoded) / cfg.batch_size)
    start = time.time()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        running = 0.0
        for b, chunk in enumerate(batches(encoded, cfg.batch_size, rng), start=1):
            ids, mask = pad([encoded[i] for i in chunk])
            logits = model(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
            loss = loss_of(logits, chunk)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            running = 0.98 * running + 0.02 * loss.item() if b > 1 else loss.item()
            if b % every == 0:
                log(
                    f"  epoch {epoch} batch {b}/{steps} loss {running:.4f} "
                    f"elapsed {(time.time() - start) / 60:.1f} min"
                )
        if after_epoch is not None:
            after_epoch(epoch)
        log(f"  epoch {epoch} done, {(time.time() - start) / 60:.1f} min")


def predict(
    model: Any,
    encoded: Sequence[list[int]],
    transform: Callable[[Any], Any],
    width: int | None = None,
    batch_size: int = 32,
    device: str = "cpu",
) -> np.ndarray:
    """``transform(model output)`` for every row, in row order (batches sorted by length):
    one float per row, or ``width`` per row."""
    import torch

    shape = (len(encoded),) if width is None else (len(encoded), width)
    out = np.zeros(shape, dtype=np.float32)
    model.eval()
    with torch.no_grad():
        for chunk in batches(encoded, batch_size, None):
            ids, mask = pad([encoded[i] for i in chunk])
            z = model(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
            out[chunk] = transform(z).float().cpu().numpy()
    return out
