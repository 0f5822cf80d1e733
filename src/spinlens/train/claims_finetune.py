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
from spinlens.train.loop import Recipe, fit_epochs, predict
from spinlens.train.propaganda import encoder_dir

__all__ = [
    "FinetuneConfig",
    "build_classifier",
    "keep_layers",
    "layer_count",
    "make_tokenizer",
    "train",
]


@dataclass
class FinetuneConfig(Recipe):
    max_length: int = MAX_LENGTH
    with_2019: bool = False
    with_tweets: bool = False


def torch_logits(model: Any, encoded: Sequence[list[int]], batch_size: int = 32) -> np.ndarray:
    return predict(model, encoded, lambda z: z, batch_size=batch_size)


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
    loss_fn = torch.nn.BCEWithLogitsLoss()
    history: list[dict[str, float]] = []
    start = time.time()

    def after_epoch(epoch: int) -> None:
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

    fit_epochs(
        model,
        x_train,
        cfg,
        lambda logits, chunk: loss_fn(logits, torch.from_numpy(y_train[chunk])),
        rng=rng,
        after_epoch=after_epoch,
        log=log,
    )
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
