"""The paragraph (line) classifier's network and its fine-tuning: all-MiniLM-L6-v2, mean
pooling, one sigmoid output per label (SemEval-2023 subtask 3).

Kept apart from :mod:`.propaganda_paragraphs` (data, folds, reports, export) so that it needs
only numpy, torch and transformers: :mod:`.line_job` runs it on a GPU machine that has no
spinlens dependencies installed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.train.loop import Recipe
from spinlens.train.pooled import build_pooled_classifier

POS_WEIGHT_CAP = 3.0
THRESHOLDS = np.round(np.arange(0.05, 0.81, 0.025), 3)


@dataclass
class LineConfig(Recipe):
    frozen_layers: int = 2
    pos_weight_cap: float = POS_WEIGHT_CAP


def build_line_classifier(path: Path, n_labels: int) -> Any:
    """MiniLM + masked mean pooling + dropout + a linear head; ``forward`` returns one logit
    per label per row."""
    return build_pooled_classifier(path, n_labels)


def pos_weight(y: np.ndarray, cap: float) -> np.ndarray:
    """``sqrt(negatives / positives)`` per label, between 1 and ``cap`` (1 for absent labels)."""
    pos = y.sum(axis=0)
    ratio = np.where(pos > 0, (len(y) - pos) / np.maximum(pos, 1), 1.0)
    return np.clip(np.sqrt(ratio), 1.0, cap).astype(np.float32)


def predict_probs(
    model: Any, encoded: Sequence[list[int]], batch_size: int = 32, device: str = "cpu"
) -> np.ndarray:
    import torch

    from spinlens.train.loop import predict

    width = int(model.head.out_features)
    return predict(model, encoded, torch.sigmoid, width, batch_size, device)


def finetune(
    encoded: Sequence[list[int]],
    y: np.ndarray,
    cfg: LineConfig,
    score: Sequence[Sequence[list[int]]] = (),
    log: Callable[[str], None] = print,
    save: Path | None = None,
    device: str = "cpu",
    after_epoch: Callable[[int, Any], None] | None = None,
) -> tuple[Any, list[list[np.ndarray]]]:
    """Fine-tune on ``encoded`` rows with targets ``y``; after each epoch the probabilities
    on each of the ``score`` sets (one list per epoch) and ``after_epoch(epoch, model)``.
    ``save``: a folder for the last epoch's state dict (``model.pt``)."""
    import torch

    from spinlens.train.base_encoder import encoder_dir
    from spinlens.train.loop import fit_epochs

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    model = build_line_classifier(encoder_dir(), y.shape[1])
    loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.from_numpy(pos_weight(y, cfg.pos_weight_cap)).to(device)
    )
    target = torch.from_numpy(y).to(device)
    outputs: list[list[np.ndarray]] = []

    def each_epoch(epoch: int) -> None:
        outputs.append([predict_probs(model, rows, device=device) for rows in score])
        if after_epoch is not None:
            after_epoch(epoch, model)

    fit_epochs(
        model,
        encoded,
        cfg,
        lambda logits, chunk: loss_fn(logits, target[chunk]),
        rng=random.Random(cfg.seed),
        after_epoch=each_epoch,
        log=log,
        device=device,
    )
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        torch.save(model.to("cpu").state_dict(), save / "model.pt")
        (save / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")
    return model, outputs


def micro_f1(probs: np.ndarray, y: np.ndarray, th: np.ndarray | float) -> float:
    hits = probs >= th
    total = int(hits.sum()) + int(y.sum())
    return 2 * int((hits & (y > 0)).sum()) / total if total else 0.0


def global_threshold(probs: np.ndarray, y: np.ndarray) -> float:
    return float(max(THRESHOLDS, key=lambda t: micro_f1(probs, y, float(t))))
