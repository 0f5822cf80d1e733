"""Loading shipped ONNX models and tokenizers; shared by every model-backed analyzer.

Weights live in ``spinlens/models/data/<model>/`` inside the package: nothing is downloaded at
run time. onnxruntime and tokenizers are runtime dependencies; torch is only for training.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from spinlens.errors import MissingDependencyError

DATA_PACKAGE = "spinlens.models.data"


def model_dir(name: str) -> Path:
    """Folder of a shipped model; a clear error when it is missing from this install."""
    path = Path(str(resources.files(DATA_PACKAGE).joinpath(name)))
    if not path.is_dir():
        raise MissingDependencyError(
            f"model '{name}' is not in this install ({path}); reinstall spinlens or train it"
        )
    return path


@lru_cache(maxsize=8)
def load_session(path: str, threads: int | None = None) -> Any:
    """One shared onnxruntime session per model file (models load once per process)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    n = threads or int(os.environ.get("SPINLENS_THREADS", "0")) or (os.cpu_count() or 1)
    options.intra_op_num_threads = n
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep instead of spinning: with spinning, two inference threads sharing
    # 2 cores with anything else (another worker, a server thread) ran 35% slower here.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=8)
def load_tokenizer(path: str) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(path)


def load_card(name: str) -> dict[str, Any]:
    """The model's ``card.json`` (version, data, metrics) recorded in every report."""
    card = model_dir(name) / "card.json"
    return dict(json.loads(card.read_text(encoding="utf-8"))) if card.is_file() else {}
