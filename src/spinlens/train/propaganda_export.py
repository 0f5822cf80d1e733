"""Export a trained token tagger to the shipped int8 ONNX model and check it against torch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import windows as W
from spinlens.train.onnx_int8 import export_int8
from spinlens.train.propaganda import build_model, encoder_dir

# Decoding grid. Gaps run to 12 tokens: the continued tagger's best held-out gap sat at the
# edge of an earlier grid that stopped at 5.
GAPS = (0, 1, 2, 3, 5, 8, 12)
MIN_CHARS = (1, 3, 6, 10, 15)


def export(checkpoint: Path, out_dir: Path, card: dict[str, Any]) -> dict[str, float]:
    """Write model.onnx (int8), tokenizer.json and card.json to ``out_dir``; return checks."""
    import torch

    model = build_model(encoder_dir())
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    ids = torch.randint(1000, 20000, (2, 64))
    ids[:, 0], ids[:, -1] = 101, 102
    checks = export_int8(
        model,
        {"input_ids": ids, "attention_mask": torch.ones_like(ids)},
        "probs",
        out_dir / "model.onnx",
        {name: {0: "b", 1: "t"} for name in ("input_ids", "attention_mask", "probs")},
        per_channel=False,  # as the shipped tagger was quantized
    )
    shutil.copy(encoder_dir() / "tokenizer.json", out_dir / "tokenizer.json")
    card = {**card, "export": checks, "window": W.WINDOW, "stride": W.STRIDE}
    (out_dir / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return checks


def choose_decoding(
    si: dict[str, tuple[Any, np.ndarray]],
    texts: dict[str, str],
    gold: dict[str, list[tuple[int, int]]],
) -> dict[str, Any]:
    """The SI threshold, gap joining and minimum span length with the best SI F1 on ``si``
    (article -> token offsets and SI probabilities), from a small grid."""
    import itertools

    from spinlens.analyzers.propaganda.decode import spans_from_probs
    from spinlens.eval.propaganda_score import si_score

    best: tuple[float, dict[str, Any]] | None = None
    grid = itertools.product(np.arange(0.2, 0.451, 0.025), GAPS, MIN_CHARS)
    for thr, gap, min_chars in grid:
        pred = {
            a: [
                (s, e)
                for s, e, _ in spans_from_probs(offsets, probs, thr, gap, texts[a])
                if e - s >= min_chars
            ]
            for a, (offsets, probs) in si.items()
        }
        prf = si_score(pred, gold)
        if best is None or prf.f1 > best[0]:
            best = (
                prf.f1,
                {
                    "threshold": round(float(thr), 3),
                    "max_gap": gap,
                    "min_chars": min_chars,
                    "holdout_si": {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1},
                },
            )
    assert best is not None
    return best[1]


def tune_decoding(
    model_folder: Path, data: Path, holdout: float = 0.1, seed: int = 13
) -> dict[str, Any]:
    """Choose the SI threshold, gap joining and minimum span length on the held-out train
    articles with the exported (int8) model, and record them in its card.json.

    The grid is small on purpose: 37 articles can pick among a few settings, not tune many.
    """
    from spinlens.analyzers.propaganda.model import TokenTagger
    from spinlens.eval.propaganda_data import load_ptc
    from spinlens.train.propaganda import split_ids

    ptc = load_ptc(data)
    _, hold = split_ids(list(ptc.train), holdout, seed)
    tagger = TokenTagger(model_folder)
    outs = {a: tagger(ptc.train[a]) for a in hold}
    si = {a: (o.encoded.offsets, o.probs[:, 0]) for a, o in outs.items()}
    gold = {a: [(g.start, g.end) for g in ptc.train_spans.get(a, [])] for a in hold}
    chosen = choose_decoding(si, {a: ptc.train[a] for a in hold}, gold)
    card_path = model_folder / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["threshold"] = chosen["threshold"]
    card["decode"] = {
        "max_gap": chosen["max_gap"],
        "min_chars": chosen["min_chars"],
        "chosen_on": f"{len(hold)} held-out train articles (seed {seed}): threshold 0.2-0.45 "
        f"x max_gap {GAPS} x min_chars {MIN_CHARS} (propaganda_export.tune_decoding)",
        "holdout_si": chosen["holdout_si"],
    }
    card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return chosen
