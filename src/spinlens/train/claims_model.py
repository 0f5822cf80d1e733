"""The check-worthiness classifier's network and tokenizer, shared by fine-tuning, distilling
and the ONNX export (which must not import the training loop: that would be a cycle)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinlens.train.pooled import build_pooled_classifier
from spinlens.train.propaganda import encoder_dir

MAX_LENGTH = 96


def build_classifier(path: Path) -> Any:
    """MiniLM + masked mean pooling + linear head; ``forward`` returns one logit per row."""
    return build_pooled_classifier(path, 1, squeeze=True)


def keep_layers(model: Any, layers: Sequence[int]) -> None:
    """Keep only the given transformer layers of a :func:`build_classifier` model, in order
    (a distilled student; the ONNX export then carries the smaller graph)."""
    import torch

    encoder = model.encoder
    encoder.encoder.layer = torch.nn.ModuleList([encoder.encoder.layer[i] for i in layers])
    encoder.config.num_hidden_layers = len(layers)


def layer_count(state: dict[str, Any]) -> int:
    """Number of transformer layers in a classifier state dict."""
    prefix = "encoder.encoder.layer."
    return 1 + max(int(k[len(prefix) :].split(".")[0]) for k in state if k.startswith(prefix))


def make_tokenizer(max_length: int = MAX_LENGTH) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(encoder_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer
