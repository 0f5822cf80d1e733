"""MiniLM with masked mean pooling and a linear head: the network of every sentence- or
line-level classifier here (check-worthiness, the same-claim cross-encoder, paragraph labels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_pooled_classifier(path: Path, n_out: int, squeeze: bool = False) -> Any:
    """``forward(input_ids, attention_mask)`` returns ``n_out`` logits per row (one logit per
    row when ``squeeze``). Parameter names (``encoder``, ``head``) are what checkpoints and
    exports rely on."""
    import torch
    from transformers import AutoModel

    class PooledClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(path))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_out)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            )[0]
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            logits = self.head(self.dropout(pooled))
            return logits.squeeze(-1) if squeeze else logits

    return PooledClassifier()
