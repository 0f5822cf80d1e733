"""Trace a torch model to ONNX and quantize its weights to int8: the one export every shipped
model goes through (needs the ``train`` extra).

The fp32 graph only lives in a temporary folder; the int8 one is pruned of work that changes
no output bit (``spinlens.train.onnx_prune``). The result is checked against torch on the
example inputs and against the package's size limit, so a broken or oversized export never
reaches ``models/data``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

MAX_MB = 60
OPSET = 17


def export_int8(
    model: Any,
    example: dict[str, Any],
    output: str,
    target: Path,
    dynamic_axes: dict[str, dict[int, str]],
    *,
    per_channel: bool = True,
) -> dict[str, float]:
    """Write ``target`` (int8 ONNX) from ``model`` traced on ``example`` (input name -> torch
    tensor, in the model's argument order); return its size and largest difference from torch.
    """
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from spinlens.train.onnx_prune import prune_file

    model.eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            model,
            tuple(example.values()),
            str(fp32),
            input_names=list(example),
            output_names=[output],
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            dynamo=False,
        )
        quantize_dynamic(
            str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=per_channel
        )
    prune_file(target)  # the softmax NaN guards and per-layer mask copies: same bits, less work
    size_mb = target.stat().st_size / 1e6
    if size_mb > MAX_MB:
        target.unlink()
        raise RuntimeError(f"model is {size_mb:.1f} MB, over the {MAX_MB} MB limit")
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {name: value.numpy() for name, value in example.items()})[0]
    with torch.no_grad():
        want = model(*example.values())
    want = getattr(want, "last_hidden_state", want)
    return {"max_abs_diff_vs_torch": float(np.abs(got - want.numpy()).max()), "size_mb": size_mb}
