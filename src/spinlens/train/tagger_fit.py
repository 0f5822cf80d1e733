"""The propaganda span tagger's network and training loop: all-MiniLM-L6-v2 with one
multi-label output per token (0 = inside a propaganda span, 1..14 = inside a span of PTC
technique k), trained on fixed 256-token windows.

Kept apart from :mod:`.propaganda` (data, validation, export) so that it needs only numpy,
torch and transformers: :mod:`.tagger_job` runs it on a bare GPU machine.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Window = tuple[np.ndarray, np.ndarray, np.ndarray]  # input ids, mask, labels (tokens x outputs)


@dataclass
class TrainConfig:
    epochs: int = 3
    batch_size: int = 16
    lr: float = 5e-5  # encoder; 1e-4 collapsed to a constant prediction in a first run
    head_lr: float = 1e-3
    si_weight: float = 1.0  # the SI output weighs as much as all 14 technique outputs together
    frozen_layers: int = 1  # embeddings and the lowest N layers stay fixed: ~30% less compute
    warmup: float = 0.06
    seed: int = 13
    holdout: float = 0.1
    threads: int = 2
    init: str | None = None  # continue from this checkpoint (a state dict saved by ``train``)
    shuffle_seed: int = 0  # added to the per-epoch shuffle seed: a continued run sees new orders


def build_model(path: Path, n_out: int) -> Any:
    import torch
    from transformers import AutoModel

    class TokenTagger(torch.nn.Module):
        """Encoder + linear multi-label head; ``forward`` returns per-token sigmoid scores."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(path))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_out)

        def logits(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            return self.head(self.dropout(hidden))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.logits(input_ids, attention_mask))

    return TokenTagger()


def fit_windows(
    model: Any,
    fit: Sequence[Window],
    cfg: TrainConfig,
    log: Callable[[str], None] = print,
    after_epoch: Callable[[int, float], None] | None = None,
    device: str = "cpu",
) -> None:
    """Train ``model`` on ``fit`` windows for ``cfg.epochs``; ``after_epoch(epoch, seconds)``
    runs after each (checkpoints, validation; the model is back in training mode after it)."""
    import torch

    model.to(device)
    model.train()
    frozen = [model.encoder.embeddings, *model.encoder.encoder.layer[: cfg.frozen_layers]]
    for module in frozen:
        for param in module.parameters():
            param.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    head = list(model.head.parameters())
    body = [p for p in params if all(p is not h for h in head)]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": cfg.lr}, {"params": head, "lr": cfg.head_lr}], weight_decay=0.01
    )
    steps = cfg.epochs * math.ceil(len(fit) / cfg.batch_size)
    warm = max(1, int(steps * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    order = list(range(len(fit)))
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        random.Random(cfg.seed + cfg.shuffle_seed + epoch).shuffle(order)
        t0, running = time.time(), 0.0
        for i in range(0, len(order), cfg.batch_size):
            batch = [fit[j] for j in order[i : i + cfg.batch_size]]
            ids = torch.from_numpy(np.stack([b[0] for b in batch])).to(device)
            mask = torch.from_numpy(np.stack([b[1] for b in batch])).to(device)
            y = torch.from_numpy(np.stack([b[2] for b in batch]).astype(np.float32)).to(device)
            logits = model.logits(ids, mask)
            raw = loss_fn(logits, y)
            per = (cfg.si_weight * raw[..., 0] + raw[..., 1:].mean(-1)) * mask
            loss = per.sum() / mask.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            running += float(loss.detach())
            if step % 10 == 0:
                # mean SI probability on span / other tokens of this batch: a collapsed
                # model shows the same value for both
                with torch.no_grad():
                    p = torch.sigmoid(logits[..., 0])
                    on = (y[..., 0] > 0) & (mask > 0)
                    off = (y[..., 0] == 0) & (mask > 0)
                    gap = f"{float(p[on].mean()):.3f}/{float(p[off].mean()):.3f}"
                log(
                    f"epoch {epoch} step {step}/{steps} loss {running / 10:.4f} "
                    f"SI prob span/other {gap} {time.time() - t0:.0f}s"
                )
                running = 0.0
        if after_epoch is not None:
            after_epoch(epoch, time.time() - t0)
            model.train()


def predict_windows(
    model: Any, ids: np.ndarray, mask: np.ndarray, batch_size: int = 64, device: str = "cpu"
) -> np.ndarray:
    """Per-token probabilities of each window (windows x tokens x outputs)."""
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(ids), batch_size):
            a = torch.from_numpy(ids[i : i + batch_size]).to(device)
            b = torch.from_numpy(mask[i : i + batch_size]).to(device)
            out.append(model(a, b).float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, *ids.shape[1:], 0), np.float32)
