"""Export a trained token tagger to the shipped int8 ONNX model and check it against torch."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda import windows as W
from spinlens.train.propaganda import build_model, encoder_dir

MAX_MB = 60


def export(checkpoint: Path, out_dir: Path, card: dict[str, Any]) -> dict[str, float]:
    """Write model.onnx (int8), tokenizer.json and card.json to ``out_dir``; return checks."""
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = build_model(encoder_dir())
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = torch.randint(1000, 20000, (2, 64))
    ids[:, 0], ids[:, -1] = 101, 102
    mask = torch.ones_like(ids)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            model,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["probs"],
            dynamic_axes={
                "input_ids": {0: "b", 1: "t"},
                "attention_mask": {0: "b", 1: "t"},
                "probs": {0: "b", 1: "t"},
            },
            opset_version=17,
            dynamo=False,
        )
        target = out_dir / "model.onnx"
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
    shutil.copy(encoder_dir() / "tokenizer.json", out_dir / "tokenizer.json")
    sess = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    with torch.no_grad():
        want = model(ids, mask).numpy()
    size_mb = target.stat().st_size / 1e6
    checks = {"max_abs_diff_vs_torch": float(np.abs(got - want).max()), "size_mb": size_mb}
    if size_mb > MAX_MB:
        raise RuntimeError(f"model is {size_mb:.1f} MB, over the {MAX_MB} MB limit")
    card = {**card, "export": checks, "window": W.WINDOW, "stride": W.STRIDE}
    (out_dir / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return checks
