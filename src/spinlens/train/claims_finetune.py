"""Fine-tune all-MiniLM-L6-v2 end to end as a check-worthiness sentence classifier.

Run through ``spinlens train claims --data ../shared/data`` (needs the ``train`` extra), or
``python -m spinlens.train.claims_finetune --data ../shared/data`` for this model alone.

- Model: the MiniLM encoder, mean pooling over word pieces, dropout, one linear output (the
  check-worthiness logit). Embeddings and the lowest ``frozen_layers`` layers stay fixed.
- Data: the same deduplicated CheckThat! 2024 train sentences as the linear model
  (:func:`spinlens.train.claims.training_set`: every evaluation sentence removed).
- Batches are built from length-sorted pools (dynamic padding) so the CPU spends little on pads.
- Every epoch is saved; the epoch is chosen by the 2024 dev log-loss after Platt scaling,
  dev-test and the 2019 held-out transcripts are never looked at while training.
- The chosen checkpoint is exported to int8 ONNX (:mod:`.claims_export`), then Platt scaling
  is fitted on the 2024 dev logits of the int8 model, so 0.5 means check-worthy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.claims.formats import Sentence
from spinlens.eval.claims import load_ct2024
from spinlens.train.calibration import fit_calibration
from spinlens.train.claims import training_set
from spinlens.train.claims_model import (
    MAX_LENGTH,
    build_classifier,
    keep_layers,
    layer_count,
    make_tokenizer,
)
from spinlens.train.propaganda import encoder_dir

__all__ = [
    "FinetuneConfig",
    "batches",
    "build_classifier",
    "keep_layers",
    "layer_count",
    "make_tokenizer",
    "optimizer_for",
    "pad",
    "train",
]


@dataclass
class FinetuneConfig:
    epochs: int = 2
    batch_size: int = 16
    lr: float = 5e-5  # encoder (1e-4 collapsed the propaganda tagger to a constant)
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    frozen_layers: int = 1  # embeddings and the lowest N layers stay fixed (less compute)
    max_length: int = MAX_LENGTH
    seed: int = 13
    threads: int = 1
    with_2019: bool = False
    with_tweets: bool = False


def optimizer_for(model: Any, cfg: Any, n_train: int) -> tuple[Any, Any]:
    """AdamW with linear warm-up and decay, embeddings and the lowest ``cfg.frozen_layers``
    layers fixed, no weight decay on biases and LayerNorm, the head at ``cfg.head_lr``: the
    recipe every check-worthiness classifier here is trained with (fine-tune and distil)."""
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
    """Row indices per batch: shuffled pools of 50 batches, sorted by length inside a pool."""
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


def torch_logits(model: Any, encoded: Sequence[list[int]], batch_size: int = 32) -> np.ndarray:
    import torch

    out = np.zeros(len(encoded), dtype=np.float32)
    model.eval()
    with torch.no_grad():
        for chunk in batches(encoded, batch_size, None):
            ids, mask = pad([encoded[i] for i in chunk])
            out[chunk] = model(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    return out


def train(
    data: Path,
    work: Path,
    cfg: FinetuneConfig,
    log: Callable[[str], None] = print,
    use_epoch: int | None = None,
) -> tuple[Path, list[dict[str, float]]]:
    """Fine-tune, save every epoch under ``work``; returns the checkpoint to export (the lowest
    2024 dev log-loss unless ``use_epoch`` names one) and the history."""
    import torch

    from spinlens.eval.claims import average_precision, f1_positive

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    work.mkdir(parents=True, exist_ok=True)
    tokenizer = make_tokenizer(cfg.max_length)
    train_set: list[Sentence] = training_set(data, cfg.with_2019, with_tweets=cfg.with_tweets)
    dev = load_ct2024(data, "dev")
    x_train = [e.ids for e in tokenizer.encode_batch([s.text for s in train_set])]
    y_train = np.asarray([s.label or 0 for s in train_set], dtype=np.float32)
    x_dev = [e.ids for e in tokenizer.encode_batch([s.text for s in dev])]
    y_dev = [s.label or 0 for s in dev]
    log(f"training sentences: {len(train_set)} ({int(y_train.sum())} check-worthy)")

    model = build_classifier(encoder_dir())
    optimizer, scheduler = optimizer_for(model, cfg, len(x_train))
    steps_per_epoch = math.ceil(len(x_train) / cfg.batch_size)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    history: list[dict[str, float]] = []
    step, start = 0, time.time()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        tokens, running, epoch_start = 0, 0.0, time.time()
        for b, chunk in enumerate(batches(x_train, cfg.batch_size, rng), start=1):
            ids, mask = pad([x_train[i] for i in chunk])
            logits = model(torch.from_numpy(ids), torch.from_numpy(mask))
            loss = loss_fn(logits, torch.from_numpy(y_train[chunk]))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            tokens += int(mask.sum())
            running = 0.98 * running + 0.02 * loss.item() if b > 1 else loss.item()
            if b % 100 == 0:
                elapsed = time.time() - start
                log(
                    f"epoch {epoch} batch {b}/{steps_per_epoch} loss {running:.4f} "
                    f"{tokens / max(1e-9, time.time() - epoch_start):.0f} tok/s "
                    f"elapsed {elapsed / 60:.1f} min"
                )
        ckpt = work / f"epoch{epoch}.pt"
        torch.save(model.state_dict(), ckpt)
        z = torch_logits(model, x_dev)
        (a,), b_, loss_dev = fit_calibration(z, y_dev)
        probs = 1.0 / (1.0 + np.exp(-(a * z + b_)))
        row = {
            "epoch": float(epoch),
            "dev_logloss_platt": loss_dev,
            "dev_ap": average_precision(y_dev, probs.tolist()),
            "dev_f1": f1_positive(y_dev, probs.tolist()),
            "minutes": (time.time() - start) / 60,
        }
        history.append(row)
        log(json.dumps(row))
        (work / "history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")
    best = min(history, key=lambda r: r["dev_logloss_platt"])
    chosen = work / f"epoch{int(best['epoch'])}.pt"
    if use_epoch is not None:
        chosen = work / f"epoch{use_epoch}.pt"
    (work / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")
    log(f"lowest dev log-loss: epoch{int(best['epoch'])}.pt; exporting {chosen.name}")
    return chosen, history


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path(".cache/spinlens-claims/finetune"))
    parser.add_argument("--epochs", type=int, default=FinetuneConfig.epochs)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", 1)))
    parser.add_argument("--with-2019", action="store_true", help="Add 2019 non-held-out.")
    parser.add_argument("--with-tweets", action="store_true", help="Add CheckThat! 2020 tweets.")
    parser.add_argument("--use-epoch", type=int, default=None, help="Export this epoch.")
    parser.add_argument("--train-only", action="store_true", help="Stop before the export.")
    args = parser.parse_args(argv)
    cfg = FinetuneConfig(
        epochs=args.epochs,
        threads=args.threads,
        with_2019=args.with_2019,
        with_tweets=args.with_tweets,
    )
    chosen, _ = train(
        args.data, args.work, cfg, log=lambda s: print(s, flush=True), use_epoch=args.use_epoch
    )
    if not args.train_only:
        from spinlens.models.runtime import model_dir
        from spinlens.train.claims_export import export_and_calibrate

        fast = model_dir("checkworthy-fast") / "weights.npz"
        for line in export_and_calibrate(chosen, args.data, None, cfg, args.work, fast):
            print(line, flush=True)


if __name__ == "__main__":
    main()
